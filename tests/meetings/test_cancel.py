"""Calling off a forum meeting or a konference: the notat is no longer owed; participants hear."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meetings import services
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState, Notification
from tests.cases.factories import CaseFactory, ChildFactory

from .factories import at, forum

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(cast):
    child = ChildFactory(institution=cast.school)
    CaseFactory(child=child, assigned=cast.psychologist)
    return services.book_forum_meeting(
        forum=forum("indstilling_bistand_ppr"),
        institution=cast.school,
        child=child,
        starts_at=at(2, 10),
        ends_at=at(2, 11),
        location="Lokale 2",
        chair=cast.school_leader,
        minutes_writer=cast.psychologist,
        participants=[cast.teacher],
        by=cast.school_leader,
    )


def test_the_booker_calls_off_a_forum_meeting_and_its_notat_deadline_is_cancelled(
    cast, booked, client_as
) -> None:
    client = client_as(cast.school_leader)
    assert "Aflys mødet" in client.get(booked.get_absolute_url()).content.decode()
    response = client.post(reverse("meetings:forummeeting-cancel", args=[booked.pk]))
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.cancelled_at is not None
    notat = Deadline.objects.for_subject(booked).get(kind=DeadlineKind.NOTAT)
    assert notat.state == DeadlineState.CANCELLED
    assert Notification.objects.filter(
        recipient=cast.psychologist, message__contains="er aflyst"
    ).exists()
    page = client.get(booked.get_absolute_url()).content.decode()
    assert "Aflyst" in page and "Aflys mødet" not in page
    # A second click changes nothing.
    assert client.post(reverse("meetings:forummeeting-cancel", args=[booked.pk])).status_code == 302


def test_a_participant_who_did_not_book_may_not_call_it_off(cast, booked) -> None:
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(meeting=booked, by=cast.social_worker)


def test_a_meeting_with_a_final_notat_cannot_be_called_off(cast, booked) -> None:
    note = services.start_note(meeting=booked, by=cast.psychologist)
    note = services.save_note(
        note=note,
        title=note.title,
        text="Aftaler fra mødet.",
        decisions="",
        other_participants="",
        participants=[cast.psychologist],
        version=note.version,
        by=cast.psychologist,
    )
    services.finalise_note(
        note=note, by=cast.psychologist, version=note.version, confirm_before_meeting=True
    )
    with pytest.raises(ValidationError, match="endeligt notat"):
        services.cancel_meeting(meeting=booked, by=cast.school_leader)


def test_the_school_leader_calls_off_a_konference(cast, client_as) -> None:
    from .factories import SeriesFactory

    series = SeriesFactory(
        institution=cast.school,
        created_by=cast.school_leader,
        standing=[cast.psychologist, cast.school_leader],
    )
    meeting = services.schedule_conference(
        series=series, starts_at=at(5, 13), ends_at=at(5, 15), room="", by=cast.school_leader
    )
    assert (
        client_as(cast.psychologist)
        .post(reverse("meetings:conference-cancel", args=[meeting.pk]))
        .status_code
        == 403
    )
    response = client_as(cast.school_leader).post(
        reverse("meetings:conference-cancel", args=[meeting.pk])
    )
    assert response.status_code == 302
    assert Deadline.objects.for_subject(meeting).get().state == DeadlineState.CANCELLED
