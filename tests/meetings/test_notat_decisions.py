"""A koordineringskonference's decisions as they reach its notat and the notat's PDF: one line
per opgave, each ending in a single full stop, also when the note typed in the room has its own."""

from datetime import timedelta
from typing import Any

import pytest

from meetings import services
from meetings.models import Decision
from ppr.deadlines import calendar
from ppr.documents.models import Document
from tests.cases.ppv_fixtures import private_storage  # noqa: F401  (a fixture)
from tests.documents.pdf import page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def _decide(item: Any, by: Any, note: str) -> None:
    services.decide_item(
        item=item,
        decision=Decision.START_INTERVENTION,
        responsible=by,
        follow_up_on=calendar.today() + timedelta(days=14),
        decision_note=note,
        version=item.version,
        by=by,
    )


def test_a_decision_note_with_its_own_full_stop_ends_the_line_once(
    cast: Any, conference: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = services.add_agenda_item(
        meeting=conference, title="Uro", anonymous_description="dreng, 4. klasse", by=cast.teacher
    )
    second = services.add_agenda_item(
        meeting=conference, title="Trivsel", anonymous_description="pige", by=cast.teacher
    )
    third = services.add_agenda_item(
        meeting=conference, title="Sprog", anonymous_description="pige, 1. klasse", by=cast.teacher
    )
    _decide(first, cast.psychologist, "PPR observerer to frikvarterer.")
    _decide(second, cast.psychologist, "Følges op på næste møde")
    note = services.start_note(meeting=conference, by=cast.psychologist)
    lines = note.decisions.splitlines()
    assert lines[0].endswith("PPR observerer to frikvarterer.")
    assert lines[1].endswith("Følges op på næste møde.")
    assert lines[2] == f"{third.position}. Sprog (Anonym: pige, 1. klasse): ingen beslutning."
    assert ".." not in note.decisions

    note = services.save_note(
        note=note,
        title=note.title,
        text="Mødet gennemgik tre opgaver.",
        decisions=note.decisions,
        other_participants="",
        participants=note.participants.all(),
        version=note.version,
        by=cast.psychologist,
    )
    with django_capture_on_commit_callbacks(execute=True):
        # The meeting lies ahead in this fixture: making the notat final then needs a confirmation.
        final = services.finalise_note(
            note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
        )
    document = Document.objects.for_subject(final).get()
    with document.file.open("rb") as handle:
        text = " ".join(" ".join(page_texts(handle.read())).split())
    assert "PPR observerer to frikvarterer." in text
    assert ".." not in text
