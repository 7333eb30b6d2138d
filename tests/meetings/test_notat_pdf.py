"""A finalised notat renders a real PDF through the documents machinery (Celery task, private
storage) and reaches the leader of the named child's institution, and no other leader."""

import re
from typing import Any

import pytest
from django.urls import reverse

from meetings import services
from ppr.audit.models import AuditAction, AuditEvent
from ppr.documents.models import Document, DocumentKind, DocumentStatus
from tests.cases.factories import CaseFactory, ChildFactory
from tests.cases.ppv_fixtures import private_storage  # noqa: F401  (a fixture)
from tests.documents.pdf import page_texts

from .factories import at, forum

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

CPR = "0203164321"
TEXT = (
    "Åse fortæller, at hun er glad for frikvartererne. Lærerne oplever en pige, der søger "
    "kontakt, men trækker sig i større grupper. Vi aftalte, at PPR observerer i klassen. "
)


@pytest.fixture
def final_notat(cast: Any, django_capture_on_commit_callbacks: Any) -> tuple[Any, Document]:
    """A forum meeting about Åse at the cast's school; its notat written long and finalised."""
    child = ChildFactory(
        institution=cast.school, first_name="Åse", last_name="Ørsted Kjær", cpr=CPR
    )
    CaseFactory(child=child, assigned=cast.psychologist)
    meeting = services.book_forum_meeting(
        forum=forum("indstilling_bistand_ppr"),
        institution=cast.school,
        child=child,
        starts_at=at(1, 10),
        ends_at=at(1, 11),
        location="Lokale 2",
        chair=cast.school_leader,
        minutes_writer=cast.psychologist,
        participants=[cast.teacher],
        by=cast.school_leader,
    )
    note = services.start_note(meeting=meeting, by=cast.psychologist)
    note = services.save_note(
        note=note,
        title="Notat fra møde om Åse",
        text="\n\n".join([TEXT * 6] * 8),
        decisions="Næste møde om tre måneder. Ærligt talt: forældrene følger op.",
        other_participants="Forældre",
        participants=note.participants.all(),
        version=note.version,
        by=cast.psychologist,
    )
    with django_capture_on_commit_callbacks(execute=True):
        final = services.finalise_note(
            note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
        )
    document = Document.objects.for_subject(final).get()
    return final, document


def _content(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_the_final_notat_is_rendered_to_a_stored_pdf(final_notat: Any) -> None:
    note, document = final_notat
    assert document.kind == DocumentKind.NOTAT
    assert document.status == DocumentStatus.READY
    assert len(document.sha256) == 64 and document.page_count and document.page_count >= 2


def test_the_notat_pdf_has_danish_letters_page_numbers_and_the_confidentiality_line(
    final_notat: Any,
) -> None:
    note, document = final_notat
    pages = page_texts(_content(document))
    assert len(pages) == document.page_count >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Side {number} af {len(pages)}" in text
        assert "Fortroligt — indeholder følsomme personoplysninger" in text
    whole = "\n".join(pages)
    for letters in ("æ", "ø", "å", "Æ", "Ø", "Å"):
        assert letters in whole
    assert "Notat fra møde om Åse" in whole
    assert "Åse Ørsted Kjær" in whole
    assert "Næste møde om tre måneder" in whole


def test_the_notat_pdf_never_holds_the_full_cpr_number(final_notat: Any) -> None:
    note, document = final_notat
    whole = "\n".join(page_texts(_content(document)))
    assert CPR not in re.sub(r"\D", "", whole)
    assert CPR[6:] not in re.sub(r"\s", "", whole)
    assert CPR not in str(document.context)


def test_the_named_childs_institution_leader_lists_and_downloads_it_another_does_not(
    final_notat: Any, cast: Any, client_as: Any
) -> None:
    note, document = final_notat
    listing = reverse("documents:document-list")
    download = reverse("documents:document-download", args=[document.pk])

    page = client_as(cast.school_leader).get(listing)
    assert page.status_code == 200
    assert download in page.content.decode()
    response = client_as(cast.school_leader).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    other = client_as(cast.other_leader)
    assert download not in other.get(listing).content.decode()
    assert other.get(download).status_code == 404
    refused = AuditEvent.objects.filter(
        actor=cast.other_leader, action=AuditAction.PRINT, object_id=str(document.pk)
    ).get()
    assert refused.purpose == "udskrift afvist"
