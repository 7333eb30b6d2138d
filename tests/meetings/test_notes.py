"""Notater: written by PPR, locked when final, sent to the participants, PDF ordered,
journaled on each named child's open case, and the notat deadline met."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStatus, JournalEntry, JournalKind
from meetings import services
from meetings.models import Note, NoteStatus
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState, Notification
from ppr.documents.models import Document, DocumentKind
from tests.cases.factories import CaseFactory, ChildFactory

from .factories import at, forum, give_meeting_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(cast):
    """An "Indstilling og bistand v/PPR" meeting for a child with an open case."""
    child = ChildFactory(institution=cast.school)
    case = CaseFactory(child=child, assigned=cast.psychologist)
    meeting = services.book_forum_meeting(
        forum=forum("indstilling_bistand_ppr"),
        institution=cast.school,
        child=child,
        starts_at=at(1, 10),
        ends_at=at(1, 11),
        location="Lokale 2",
        chair=cast.school_leader,
        minutes_writer=cast.psychologist,
        participants=[cast.teacher, cast.social_worker],
        by=cast.school_leader,
    )
    return meeting, case


def _write(note, by, text="Vi aftalte observation i klassen og en ny handleplan."):
    return services.save_note(
        note=note,
        title=note.title,
        text=text,
        decisions="PPR observerer i uge 3.",
        other_participants="Forældre",
        participants=note.participants.all(),
        version=note.version,
        by=by,
    )


def test_finalising_the_notat_meets_the_deadline_journals_notifies_and_orders_a_pdf(
    cast, booked
) -> None:
    meeting, case = booked
    deadline = Deadline.objects.for_subject(meeting).get(kind=DeadlineKind.NOTAT)
    note = _write(services.start_note(meeting=meeting, by=cast.psychologist), cast.psychologist)
    final = services.finalise_note(
        note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
    )

    assert final.status == NoteStatus.FINAL and final.finalised_by == cast.psychologist
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET
    entry = JournalEntry.objects.get(case=case)
    assert entry.kind == JournalKind.MOEDE
    assert (entry.document_type, entry.document_id) == ("meetings.note", final.pk)
    assert "observation i klassen" in entry.text and "PPR observerer" in entry.text
    document = Document.objects.for_subject(final).get()
    assert document.kind == DocumentKind.NOTAT
    assert case.child.name in document.context["children"]
    assert not any(
        case.child.cpr.replace("-", "") in str(value) for value in document.context.values()
    )
    told = set(
        Notification.objects.filter(message__startswith="Notatet fra").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {cast.school_leader.pk, cast.teacher.pk, cast.social_worker.pk}
    assert not Notification.objects.filter(message__contains=case.child.first_name).exists()


def test_a_final_notat_is_locked_and_a_second_finalise_does_nothing_twice(cast, booked) -> None:
    meeting, case = booked
    note = _write(services.start_note(meeting=meeting, by=cast.psychologist), cast.psychologist)
    final = services.finalise_note(
        note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
    )
    again = services.finalise_note(
        note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
    )
    assert again.finalised_at == final.finalised_at
    assert JournalEntry.objects.filter(case=case).count() == 1
    with pytest.raises(ValidationError, match="endeligt"):
        _write(final, cast.psychologist, text="Ændret bagefter")


def test_a_notat_is_not_journaled_on_a_closed_case(cast, booked) -> None:
    meeting, case = booked
    type(case).objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, outcome="afsluttet_uden_videre"
    )
    note = _write(services.start_note(meeting=meeting, by=cast.psychologist), cast.psychologist)
    services.finalise_note(
        note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
    )
    assert not JournalEntry.objects.exists()


def test_an_empty_notat_cannot_be_finalised(cast, booked) -> None:
    meeting, _ = booked
    note = services.start_note(meeting=meeting, by=cast.psychologist)
    with pytest.raises(ValidationError):
        services.finalise_note(
            note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
        )
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT


def test_a_save_from_an_older_version_is_a_conflict(cast, booked) -> None:
    meeting, _ = booked
    note = services.start_note(meeting=meeting, by=cast.psychologist)
    stale = note.version
    _write(note, cast.psychologist)
    with pytest.raises(ValidationError, match="En anden har gemt"):
        services.save_note(
            note=note,
            title="X",
            text="Y",
            decisions="",
            other_participants="",
            participants=[],
            version=stale,
            by=cast.psychologist,
        )


def test_starting_the_notat_twice_gives_one_notat(cast, booked) -> None:
    meeting, _ = booked
    first = services.start_note(meeting=meeting, by=cast.psychologist)
    assert services.start_note(meeting=meeting, by=cast.psychologist) == first
    assert Note.objects.count() == 1


def test_only_ppr_writes_the_ppr_notat(cast, booked) -> None:
    meeting, _ = booked
    with pytest.raises(PermissionDenied):
        services.start_note(meeting=meeting, by=cast.school_leader)


def test_conference_notat_is_journaled_on_every_named_childs_case(cast, conference) -> None:
    named = [ChildFactory(institution=cast.school) for _ in range(2)]
    cases = [CaseFactory(child=child) for child in named]
    for child in named:
        give_meeting_consent(child, conference.series.name, recorded_by=cast.school_leader)
        services.add_agenda_item(meeting=conference, title="Trivsel", child=child, by=cast.teacher)
    services.add_agenda_item(
        meeting=conference, title="Uro", anonymous_description="dreng", by=cast.teacher
    )
    note = services.start_note(meeting=conference, by=cast.psychologist)
    assert "Punkt" not in note.decisions and "1. Trivsel" in note.decisions  # items are prefilled
    note = _write(note, cast.psychologist)
    services.finalise_note(
        note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
    )
    assert sorted(JournalEntry.objects.values_list("case_id", flat=True)) == sorted(
        case.pk for case in cases
    )


def test_the_notat_pages_write_and_finalise_without_javascript(cast, booked, client_as) -> None:
    meeting, case = booked
    client = client_as(cast.psychologist)
    response = client.post(reverse("meetings:note-create", args=["forum", meeting.pk]))
    note = Note.objects.get()
    assert response["Location"] == note.get_absolute_url()
    data = {
        "title": note.title,
        "participants": [u.pk for u in note.participants.all()],
        "other_participants": "",
        "text": "Aftale om observation.",
        "decisions": "",
        "version": note.version,
    }
    assert client.post(note.get_absolute_url(), data).status_code == 302
    note.refresh_from_db()
    assert (
        client.post(
            reverse("meetings:note-finalise", args=[note.pk]),
            {"version": note.version, "confirm_before_meeting": "on"},
        ).status_code
        == 302
    )
    page = client.get(note.get_absolute_url())
    assert "Endelig" in page.content.decode()
    assert client.post(note.get_absolute_url(), data).status_code == 403
    # The school's leader reads the final notat; another school's leader does not find it.
    assert client_as(cast.school_leader).get(note.get_absolute_url()).status_code == 200
    assert client_as(cast.other_leader).get(note.get_absolute_url()).status_code == 404


def test_the_notat_pdf_renders_with_its_text(cast, booked) -> None:
    import io

    from pypdf import PdfReader

    from ppr.documents import rendering

    meeting, case = booked
    note = _write(services.start_note(meeting=meeting, by=cast.psychologist), cast.psychologist)
    final = services.finalise_note(
        note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
    )
    document = Document.objects.for_subject(final).get()
    pdf = rendering.render(document.template_name, document.context)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "observation i klassen" in text
    assert case.child.name in text
    assert "Indstilling og bistand v/PPR" in text


def test_a_scheduled_konference_gives_ppr_a_notat_deadline_that_the_final_notat_meets(
    cast, series
) -> None:
    from ppr.deadlines import calendar
    from ppr.organisation.models import Municipality

    meeting = services.schedule_conference(
        series=series,
        starts_at=at(3, 13),
        ends_at=at(3, 15),
        room="Lokale 3",
        by=cast.school_leader,
    )
    deadline = Deadline.objects.for_subject(meeting).get(kind=DeadlineKind.NOTAT)
    assert deadline.responsible == cast.psychologist  # the PPR standing participant
    assert deadline.due == calendar.add_working_days(
        at(3, 13).date(), Municipality.current().notat_working_days
    )
    note = _write(services.start_note(meeting=meeting, by=cast.psychologist), cast.psychologist)
    services.finalise_note(
        note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
    )
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET


def test_a_konference_entered_afterwards_owes_its_notat_from_today(cast, series) -> None:
    from ppr.deadlines import calendar

    meeting = services.schedule_conference(
        series=series,
        starts_at=at(-20, 13),
        ends_at=at(-20, 15),
        room="Lokale 3",
        by=cast.school_leader,
    )
    assert Deadline.objects.for_subject(meeting).get().due == calendar.today()


def test_a_notat_is_not_made_final_before_its_meeting_without_a_confirmation(
    cast, booked, client_as
) -> None:
    meeting, case = booked  # the meeting is tomorrow
    note = _write(services.start_note(meeting=meeting, by=cast.psychologist), cast.psychologist)
    with pytest.raises(ValidationError) as refused:
        services.finalise_note(note=note, version=note.version, by=cast.psychologist)
    starts = timezone.localtime(meeting.starts_at)
    assert refused.value.message_dict["confirm_before_meeting"] == [
        f"Mødet er først {starts:%d.%m.%Y kl. %H.%M}. Et notat gøres normalt endeligt, når "
        "mødet er holdt. Bekræft, hvis det skal gøres endeligt nu."
    ]
    note.refresh_from_db()
    assert not note.is_final

    client = client_as(cast.psychologist)
    page = client.get(note.get_absolute_url()).content.decode()
    assert 'name="confirm_before_meeting"' in page
    response = client.post(
        reverse("meetings:note-finalise", args=[note.pk]), {"version": note.version}, follow=True
    )
    assert "Mødet er først" in response.content.decode()
    note.refresh_from_db()
    assert not note.is_final
