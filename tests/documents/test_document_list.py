"""The "Dokumenter" page: final PPVs and notater the user may print, filtered, paged, audited.

The list is one SQL query per page (``Document.objects.printable_for``), built from each
subject's own SQL rule; it must agree with the row-by-row rule the download view uses
(``Document.allows`` → the subject's ``can_download``).
"""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Ppv
from meetings import services as meeting_services
from ppr.audit.models import AuditAction, AuditEvent
from ppr.documents.models import Document, DocumentKind, DocumentStatus
from tests.cases.case_fixtures import make_case
from tests.cases.factories import fictitious_cpr
from tests.cases.ppv_fixtures import draft, finalise, ppv_case
from tests.meetings.factories import at, forum

pytestmark = pytest.mark.django_db

LIST = reverse("documents:document-list")


def final_ppv(cast: Any) -> Ppv:
    """Åse's final PPV (its PDF ordered, not rendered: on_commit does not run in the test)."""
    return finalise(draft(cast, ppv_case(cast)), cast.psychologist)


def final_notat(cast: Any, institution: Any = None, leader: Any = None) -> Any:
    institution = institution or cast.school
    case = make_case(
        cast,
        assigned=cast.psychologist,
        child__institution=institution,
        child__first_name="Bo",
        child__last_name="Mødesen",
        child__cpr=fictitious_cpr(),
    )
    meeting = meeting_services.book_forum_meeting(
        forum=forum("indstilling_bistand_ppr"),
        institution=institution,
        child=case.child,
        starts_at=at(1, 10),
        ends_at=at(1, 11),
        location="Lokale 2",
        chair=leader or cast.school_leader,
        minutes_writer=cast.psychologist,
        participants=[],
        by=leader or cast.school_leader,
    )
    note = meeting_services.start_note(meeting=meeting, by=cast.psychologist)
    note = meeting_services.save_note(
        note=note,
        title="Notat om Bo",
        text="Vi aftalte observation.",
        decisions="",
        other_participants="",
        participants=note.participants.all(),
        version=note.version,
        by=cast.psychologist,
    )
    return meeting_services.finalise_note(
        note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
    )


def doc(subject: Any) -> Document:
    return Document.objects.for_subject(subject).get()


def listed(client: Any, query: str = "") -> str:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return response.content.decode()


def download_url(document: Document) -> str:
    return reverse("documents:document-download", args=[document.pk])


def status_url(document: Document) -> str:
    return reverse("documents:document-status", args=[document.pk])


# --- Who sees what -----------------------------------------------------------------------


def test_the_sql_rule_agrees_with_the_download_rule_for_every_role(cast: Any) -> None:
    ppv_doc = doc(final_ppv(cast))
    note_doc = doc(final_notat(cast))
    for role, user in cast.by_role().items():
        if user is None:
            continue
        printable = set(Document.objects.printable_for(user).values_list("pk", flat=True))
        for document in (ppv_doc, note_doc):
            assert (document.pk in printable) == document.allows(user), (role, document.kind)


def test_the_leader_sees_own_childrens_documents_and_another_leader_none(
    cast: Any, client_as: Any
) -> None:
    ppv_doc = doc(final_ppv(cast))
    note_doc = doc(final_notat(cast))
    mine = listed(client_as(cast.school_leader))
    assert "Åse Ørsted Kjær · 140315-xxxx" in mine  # name and masked CPR only
    assert "1403154321" not in mine
    assert status_url(ppv_doc) in mine and status_url(note_doc) in mine
    theirs = listed(client_as(cast.other_leader))
    assert "Åse" not in theirs and "Ingen dokumenter matcher." in theirs
    assert client_as(cast.other_leader).get(download_url(ppv_doc)).status_code == 404


def test_ppr_sees_documents_on_cases_it_may_read(cast: Any, client_as: Any) -> None:
    ppv_doc = doc(final_ppv(cast))
    assert status_url(ppv_doc) in listed(client_as(cast.psychologist))
    assert status_url(ppv_doc) in listed(client_as(cast.ppr_leader))
    assert status_url(ppv_doc) not in listed(client_as(cast.outsider))  # another team's case


def test_a_document_of_a_draft_is_never_listed(cast: Any, client_as: Any) -> None:
    ppv = draft(cast)
    Document.objects.create(
        content_type=ContentType.objects.get_for_model(Ppv),
        object_id=ppv.pk,
        kind=DocumentKind.PPV,
        title="Kladde",
        template_name="documents/example.html",
        created_by=cast.psychologist,
    )
    assert Document.objects.printable_for(cast.school_leader).count() == 0
    assert "Kladde" not in listed(client_as(cast.psychologist))


def test_a_failed_document_is_listed_only_for_whoever_ordered_it(cast: Any, client_as: Any) -> None:
    document = doc(final_ppv(cast))
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.FAILED)
    assert "Prøv igen" in listed(client_as(cast.psychologist))
    assert status_url(document) not in listed(client_as(cast.school_leader))


def test_roles_that_never_print_get_403(cast: Any, client_as: Any) -> None:
    for user in (cast.secretary, cast.teacher, cast.social_worker, cast.administrator):
        assert client_as(user).get(LIST).status_code == 403


# --- The rows ------------------------------------------------------------------------------


def test_a_waiting_pdf_polls_and_a_ready_one_is_a_download(cast: Any, client_as: Any) -> None:
    document = doc(final_ppv(cast))
    page = listed(client_as(cast.school_leader))
    assert f'hx-get="{status_url(document)}"' in page and "dannes" in page
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.READY, file="documents/x.pdf", sha256="0" * 64
    )
    page = listed(client_as(cast.school_leader))
    assert f'href="{download_url(document)}"' in page and "every 2s" not in page


def test_newest_first_filtered_by_kind_child_and_period_and_audited(
    cast: Any, client_as: Any
) -> None:
    ppv_doc = doc(final_ppv(cast))
    note_doc = doc(final_notat(cast))
    Document.objects.filter(pk=ppv_doc.pk).update(created_at=timezone.now() - timedelta(days=40))
    client = client_as(cast.school_leader)

    page = listed(client)
    assert page.index(status_url(note_doc)) < page.index(status_url(ppv_doc))
    only_ppv = listed(client, "?type=ppv")
    assert status_url(ppv_doc) in only_ppv and status_url(note_doc) not in only_ppv
    bo = listed(client, "?barn=m%C3%B8desen")
    assert status_url(note_doc) in bo and status_url(ppv_doc) not in bo
    aase = listed(client, "?barn=Kj%C3%A6r")
    assert status_url(ppv_doc) in aase and status_url(note_doc) not in aase
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    recent = listed(client, f"?fra={since}")
    assert status_url(note_doc) in recent and status_url(ppv_doc) not in recent

    searches = AuditEvent.objects.filter(
        actor=cast.school_leader, action=AuditAction.SEARCH, purpose="dokumentliste"
    )
    assert searches.count() == 5
    assert searches.filter(term="barn=mødesen").exists()


def test_the_query_count_does_not_grow_with_the_rows(cast: Any, client_as: Any) -> None:
    client = client_as(cast.school_leader)
    ppv = final_ppv(cast)
    note = final_notat(cast)
    listed(client)  # warm the content-type cache and the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            listed(client)
        return len(queries)

    few = count()
    assert few <= 15  # 12 measured: session, user, memberships, bell, audit row, count, page
    template = doc(ppv)
    subjects = ((doc(ppv), ppv, DocumentKind.PPV), (doc(note), note, DocumentKind.NOTAT))
    for version in range(2, 8):
        for first, subject, kind in subjects:
            Document.objects.create(
                content_type=first.content_type,
                object_id=subject.pk,
                kind=kind,
                version=version,
                title=f"Version {version}",
                template_name=template.template_name,
                created_by=cast.psychologist,
            )
    assert Document.objects.printable_for(cast.school_leader).count() == 14
    assert count() == few


def test_the_list_pages(cast: Any, client_as: Any) -> None:
    ppv = final_ppv(cast)
    template = doc(ppv)
    for version in range(2, 28):
        Document.objects.create(
            content_type=template.content_type,
            object_id=ppv.pk,
            kind=DocumentKind.PPV,
            version=version,
            title=f"Version {version}",
            template_name=template.template_name,
            created_by=cast.psychologist,
        )
    client = client_as(cast.school_leader)
    first = listed(client)
    assert "27 dokumenter" in first and first.count('class="ppr-document-status"') == 25
    assert listed(client, "?page=2").count('class="ppr-document-status"') == 2


# --- Navigation and the start page ----------------------------------------------------------


def test_the_menu_has_dokumenter_for_the_roles_that_print(cast: Any, client_as: Any) -> None:
    home = reverse("home")
    for user in (cast.school_leader, cast.psychologist, cast.ppr_leader):
        assert f'href="{LIST}"' in client_as(user).get(home).content.decode()
    for user in (cast.secretary, cast.teacher):
        assert f'href="{LIST}"' not in client_as(user).get(home).content.decode()


def test_the_leaders_start_page_shows_new_documents(cast: Any, client_as: Any) -> None:
    document = doc(final_ppv(cast))
    home = reverse("home")
    page = client_as(cast.school_leader).get(home).content.decode()
    assert "Nye dokumenter" in page and status_url(document) in page
    other = client_as(cast.other_leader).get(home).content.decode()
    assert "Nye dokumenter" in other and status_url(document) not in other
    assert "Nye dokumenter" not in client_as(cast.psychologist).get(home).content.decode()
