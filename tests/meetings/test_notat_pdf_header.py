"""Every page of every notat PDF says what the notat is about in its running header.

Forum meeting (one child): the meeting, and the child's name with masked CPR. Koordinerings-
konference (several children): the meeting and "Vedrører N børn"; the names stay in the body.
"Side X af Y" and the confidentiality line stay on every page; no full CPR number anywhere.
Real PDFs, read with pypdf. (Tirsdagsmøder are anonymous counselling without a notat.)
"""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from meetings import services
from ppr.documents.models import Document, DocumentStatus
from ppr.sensitive import contains_cpr_like
from tests.cases.factories import CaseFactory, ChildFactory
from tests.cases.ppv_fixtures import private_storage  # noqa: F401  (a fixture)
from tests.documents.pdf import page_texts

from .factories import at, forum, give_meeting_consent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

CONFIDENTIAL = "Fortroligt — indeholder følsomme personoplysninger"
#: Enough text for at least two A4 pages.
LONG = "\n\n".join(
    [
        "Lærerne oplever en elev, der søger kontakt, men trækker sig i større grupper. "
        "Vi aftalte, at PPR observerer i klassen, og at skolen prøver en fast makker. " * 6
    ]
    * 9
)
#: A masked CPR number (ddmmyy-xxxx) or anything shaped like a full one.
MASKED_CPR = re.compile(r"\d{6}\s?-\s?x{4}", re.IGNORECASE)


def _flat(text: str) -> str:
    """The page's text with every run of whitespace as one space (pypdf breaks lines)."""
    return " ".join(text.split())


def _finalise(note: Any, by: Any, capture: Any) -> Document:
    note = services.save_note(
        note=note,
        title=note.title,
        text=LONG,
        decisions="Næste møde om tre måneder.",
        other_participants="Forældre",
        participants=note.participants.all(),
        version=note.version,
        by=by,
    )
    with capture(execute=True):
        final = services.finalise_note(
            note=note, version=note.version, by=by, confirm_before_meeting=True
        )
    document = Document.objects.for_subject(final).get()
    assert document.status == DocumentStatus.READY
    return document


def _pages(document: Document) -> list[str]:
    with document.file.open("rb") as handle:
        pages = page_texts(handle.read())
    assert len(pages) == document.page_count
    return pages


def _assert_every_page(pages: list[str], *expected: str) -> None:
    assert len(pages) >= 2, "the test needs a notat of several pages"
    for number, text in enumerate(pages, start=1):
        flat = _flat(text)
        for part in expected:
            assert part in flat, f"side {number} mangler {part!r}"
        assert f"Side {number} af {len(pages)}" in flat
        assert CONFIDENTIAL in flat


def _assert_no_full_cpr(pages: list[str], *cprs: str) -> None:
    whole = "\n".join(pages)
    digits = re.sub(r"\D", "", whole)
    for cpr in cprs:
        assert cpr not in digits
        assert cpr[6:] not in re.sub(r"\s", "", whole)
    assert not contains_cpr_like(whole)


def test_a_forum_notat_names_the_meeting_and_the_one_child_on_every_page(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cpr = "0203164321"
    child = ChildFactory(institution=cast.school, first_name="Åse", last_name="Ørsted", cpr=cpr)
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
    document = _finalise(note, cast.psychologist, django_capture_on_commit_callbacks)
    day = f"{timezone.localtime(meeting.starts_at):%d.%m.%Y}"
    header = f"Notat · Indstilling og bistand v/PPR · Vestervang Skole · {day}"
    assert document.context["header_meeting"] == header

    pages = _pages(document)
    _assert_every_page(pages, header, "Åse Ørsted · 020316-xxxx")
    _assert_no_full_cpr(pages, cpr)
    assert cpr not in str(document.context)


def test_a_conference_notat_counts_several_children_and_names_them_only_in_the_body(
    cast: Any, conference: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cprs = ["1105154321", "2206144322", "0307134323"]
    children = [
        ChildFactory(institution=cast.school, first_name=first, last_name="Bølling", cpr=cpr)
        for first, cpr in zip(("Ida", "Jens", "Sofie"), cprs, strict=True)
    ]
    for child in children:
        give_meeting_consent(child, conference.series.name, recorded_by=cast.school_leader)
        services.add_agenda_item(meeting=conference, title="Trivsel", child=child, by=cast.teacher)
    services.add_agenda_item(
        meeting=conference, title="Uro", anonymous_description="dreng, 4. klasse", by=cast.teacher
    )
    note = services.start_note(meeting=conference, by=cast.psychologist)
    document = _finalise(note, cast.psychologist, django_capture_on_commit_callbacks)
    day = f"{timezone.localtime(conference.starts_at):%d.%m.%Y}"
    header = f"Notat · Koordineringskonference · Vestervang Skole · {day}"

    pages = _pages(document)
    _assert_every_page(pages, header, "Vedrører 3 børn")
    _assert_no_full_cpr(pages, *cprs)
    whole = _flat("\n".join(pages))
    assert not MASKED_CPR.search(whole)  # several children: no CPR, not even masked
    body = _flat(pages[0])
    for child in children:
        assert child.name in body  # the "Barn" row on the first page
        for page in pages[1:]:
            assert child.name not in _flat(page)  # not repeated in the running header


def test_a_conference_notat_about_one_named_child_heads_every_page_with_that_child(
    cast: Any, conference: Any
) -> None:
    child = ChildFactory(institution=cast.school, first_name="Freja", last_name="Bølling")
    give_meeting_consent(child, conference.series.name, recorded_by=cast.school_leader)
    services.add_agenda_item(meeting=conference, title="Trivsel", child=child, by=cast.teacher)
    services.add_agenda_item(
        meeting=conference, title="Uro", anonymous_description="pige", by=cast.teacher
    )
    note = services.start_note(meeting=conference, by=cast.psychologist)
    context = services.note_pdf_context(note)
    assert context["header_subject"] == f"Freja Bølling · {child.birth_date:%d%m%y}-xxxx"

    anonymous_only = services.start_note(
        meeting=type(conference).objects.create(
            series=conference.series,
            starts_at=conference.starts_at + timedelta(days=30),
            ends_at=conference.ends_at + timedelta(days=30),
            room="Mødelokale 1",
            created_by=cast.school_leader,
        ),
        by=cast.psychologist,
    )
    context = services.note_pdf_context(anonymous_only)
    assert context["header_subject"] == "" and context["children"] == []
    assert context["header_meeting"].startswith("Notat · Koordineringskonference · ")
