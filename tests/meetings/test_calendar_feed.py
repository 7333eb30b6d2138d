"""The private iCalendar feed: parses, holds the user's meetings, no child data, revocable."""

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services, tuesdays
from meetings.models import CalendarFeed, Profession, TuesdayMeeting, TuesdaySeat
from tests.cases.factories import ChildFactory

from .factories import at, forum, give_meeting_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(cast, conference):
    """The psychologist's week: a tirsdagsmøde, a konference with a named child, a forum meeting."""
    starts = timezone.now() + timedelta(days=3)
    tuesday = TuesdayMeeting.objects.create(
        district=cast.vest,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        room="Rådhuset, lokale 3",
        created_by=cast.ppr_leader,
    )
    TuesdaySeat.objects.create(
        meeting=tuesday, user=cast.psychologist, profession=Profession.PSYCHOLOGIST
    )
    tuesdays.save_agenda(
        meeting=tuesday,
        discussions=[
            tuesdays.DiscussionInput(keywords="Hemmelig problemstilling", priority=1, minutes=90)
        ],
        by=cast.psychologist,
    )
    child = ChildFactory(institution=cast.school, first_name="Sigurd", last_name="Hemmeligsen")
    give_meeting_consent(child, conference.series.name, recorded_by=cast.teacher)
    services.add_agenda_item(
        meeting=conference, title="Sigurds trivsel", child=child, by=cast.teacher
    )
    services.book_forum_meeting(
        forum=forum("indstilling_bistand_ppr"),
        institution=cast.school,
        child=child,
        starts_at=at(4, 10),
        ends_at=at(4, 11),
        location="Lokale 2",
        chair=cast.school_leader,
        minutes_writer=cast.psychologist,
        participants=[],
        by=cast.school_leader,
    )
    return child


def _feed(client, token):
    return client.get(reverse("meetings:calendar-feed", kwargs={"token": token}))


def test_the_feed_parses_and_holds_the_users_meetings_without_child_data(
    cast, busy, client
) -> None:
    token = tuesdays.issue_calendar_feed(user=cast.psychologist)
    response = _feed(client, token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = [component for component in calendar.walk("VEVENT")]
    summaries = sorted(str(event["SUMMARY"]) for event in events)
    assert summaries == [
        "Indstilling og bistand v/PPR – Vestervang Skole",
        "Koordineringskonference Vestervang Skole",
        "Tværfagligt tirsdagsmøde (Vest)",
    ]
    assert all(event.decoded("DTEND") > event.decoded("DTSTART") for event in events)
    text = response.content.decode()
    for secret in ("Sigurd", "Hemmeligsen", busy.cpr_masked[:6], "Hemmelig problemstilling"):
        assert secret not in text


def test_the_token_is_stored_only_as_a_hash(cast) -> None:
    token = tuesdays.issue_calendar_feed(user=cast.social_worker)
    feed = CalendarFeed.objects.get(user=cast.social_worker)
    assert token not in feed.token_hash and feed.token_hash == CalendarFeed.hash_token(token)


def test_a_new_address_and_a_revoked_one_stop_the_old_url(cast, client) -> None:
    old = tuesdays.issue_calendar_feed(user=cast.social_worker)
    new = tuesdays.issue_calendar_feed(user=cast.social_worker)
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200
    tuesdays.revoke_calendar_feed(user=cast.social_worker)
    assert _feed(client, new).status_code == 404


def test_a_deactivated_user_loses_the_feed(cast, client) -> None:
    token = tuesdays.issue_calendar_feed(user=cast.social_worker)
    cast.social_worker.is_active = False
    cast.social_worker.save()
    assert _feed(client, token).status_code == 404


def test_a_given_up_seat_shows_as_cancelled(cast, client) -> None:
    starts = timezone.now() + timedelta(days=3)
    meeting = TuesdayMeeting.objects.create(
        district=cast.vest,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        room="Lokale",
        created_by=cast.ppr_leader,
    )
    seat = TuesdaySeat.objects.create(
        meeting=meeting, user=cast.social_worker, profession=Profession.SOCIAL_WORKER
    )
    tuesdays.cancel_attendance(seat=seat, by=cast.social_worker)
    token = tuesdays.issue_calendar_feed(user=cast.social_worker)
    event = icalendar.Calendar.from_ical(_feed(client, token).content).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_settings_page_shows_the_address_once(cast, client_as) -> None:
    client = client_as(cast.health_visitor)
    created = client.post(reverse("meetings:calendar-settings"), {"action": "create"})
    assert created.status_code == 200
    url = created.context["feed_url"]
    assert "/moeder/kalender/" in url and url.endswith(".ics")
    again = client.get(reverse("meetings:calendar-settings"))
    assert again.context["feed_url"] is None
    assert url not in again.content.decode()
