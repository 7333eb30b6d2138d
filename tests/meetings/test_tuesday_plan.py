"""Generating a year's plan of tværfaglige tirsdagsmøder: dates, rooms and a balanced roster."""

from collections import Counter
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meetings import tuesdays
from meetings.models import Profession, TuesdayMeeting, TuesdaySeat
from ppr.accounts.models import Role
from ppr.deadlines.models import Notification
from tests.conftest import SESSION_QUERIES
from tests.factories import MembershipFactory, user_with_role

pytestmark = pytest.mark.django_db


def _rooms(cast):
    return {cast.vest: "Rådhuset, lokale 1", cast.oest: "Sundhedshuset, lokale 2"}


def test_iso_week_counts_are_known() -> None:
    assert tuesdays.iso_weeks_in_year(2025) == 52
    assert tuesdays.iso_weeks_in_year(2026) == 53


@pytest.mark.parametrize("year", [2025, 2026])
def test_plan_dates_are_tuesdays_of_even_iso_weeks_two_weeks_apart(year: int) -> None:
    plan = tuesdays.tuesday_dates(year)
    assert plan.dates and all(day.weekday() == 1 for day in plan.dates)
    assert all(
        day.isocalendar().week % 2 == 0 and day.isocalendar().year == year for day in plan.dates
    )
    assert all(day.year == year for day in plan.dates)
    gaps = {
        (later - earlier).days for earlier, later in zip(plan.dates, plan.dates[1:], strict=False)
    }
    assert gaps == {14}
    assert len(plan.dates) == 26


def test_a_53_week_year_ends_in_week_52_and_the_next_year_starts_in_week_2() -> None:
    last_2026 = tuesdays.tuesday_dates(2026).dates[-1]
    first_2027 = tuesdays.tuesday_dates(2027).dates[0]
    assert last_2026 == date(2026, 12, 22)  # week 52; week 53 is odd
    assert first_2027 == date(2027, 1, 12)  # week 2
    assert (first_2027 - last_2026).days == 21


def test_a_tuesday_that_is_a_day_off_is_skipped() -> None:
    plan = tuesdays.tuesday_dates(2024)
    assert date(2024, 12, 24) in plan.skipped
    assert date(2024, 12, 24) not in plan.dates


@pytest.mark.parametrize("year", [2025, 2026])
def test_plan_runs_vest_and_oest_in_parallel_with_four_people_each(staffed, year: int) -> None:
    meetings = tuesdays.generate_plan(year=year, rooms=_rooms(staffed), by=staffed.ppr_leader)
    assert len(meetings) == 52
    for meeting in TuesdayMeeting.objects.filter(pk__in=[m.pk for m in meetings]).prefetch_related(
        "seats"
    ):
        professions = Counter(seat.profession for seat in meeting.seats.all())
        assert professions == {
            Profession.SOCIAL_WORKER: 2,
            Profession.HEALTH_VISITOR: 1,
            Profession.PSYCHOLOGIST: 1,
        }
        assert len({seat.user_id for seat in meeting.seats.all()}) == 4
        assert meeting.ends_at - meeting.starts_at == tuesdays.MEETING_LENGTH
    by_day = Counter(m.local_date for m in meetings)
    assert set(by_day.values()) == {2}


def test_roster_is_balanced_across_the_year(staffed) -> None:
    tuesdays.generate_plan(year=2026, rooms=_rooms(staffed), by=staffed.ppr_leader)
    for district in (staffed.vest, staffed.oest):
        for profession in Profession:
            counts = Counter(
                TuesdaySeat.objects.filter(
                    meeting__district=district, profession=profession
                ).values_list("user_id", flat=True)
            )
            assert len(counts) == len(tuesdays.pool(district, profession))
            assert max(counts.values()) - min(counts.values()) <= 1, (district, profession, counts)


def test_nobody_sits_in_both_parallel_meetings_on_one_day(staffed) -> None:
    # A psychologist with memberships in both districts is still only in one pool.
    both = user_with_role(Role.PSYCHOLOGIST, team=staffed.team_vest)
    MembershipFactory(user=both, role=Role.PSYCHOLOGIST, team=staffed.team_oest)
    tuesdays.generate_plan(year=2026, rooms=_rooms(staffed), by=staffed.ppr_leader)
    days = Counter(
        TuesdaySeat.objects.filter(user=both).values_list("meeting__starts_at", flat=True)
    )
    assert days and max(days.values()) == 1


def test_participants_are_notified_of_the_plan(staffed) -> None:
    tuesdays.generate_plan(year=2026, rooms=_rooms(staffed), by=staffed.ppr_leader)
    message = Notification.objects.get(recipient=staffed.social_worker).message
    assert "2026" in message and "møder" in message


def test_a_year_cannot_be_planned_twice(staffed) -> None:
    tuesdays.generate_plan(year=2026, rooms=_rooms(staffed), by=staffed.ppr_leader)
    with pytest.raises(ValidationError, match="allerede en plan"):
        tuesdays.generate_plan(year=2026, rooms=_rooms(staffed), by=staffed.ppr_leader)
    assert TuesdayMeeting.objects.count() == 52


def test_too_few_people_is_refused_with_a_danish_message(cast) -> None:
    with pytest.raises(ValidationError) as caught:
        tuesdays.generate_plan(year=2026, rooms=_rooms(cast), by=cast.ppr_leader)
    assert any("socialrådgiver" in message for message in caught.value.messages)
    assert not TuesdayMeeting.objects.exists()


def test_only_the_ppr_leader_plans(staffed) -> None:
    with pytest.raises(PermissionDenied):
        tuesdays.generate_plan(year=2026, rooms=_rooms(staffed), by=staffed.psychologist)


@time_machine.travel("2026-12-01 10:00 +0100", tick=False)
def test_leader_makes_next_years_plan_on_the_page(staffed, client_as) -> None:
    client = client_as(staffed.ppr_leader)
    page = client.get(reverse("meetings:tuesday-plan"))
    assert page.status_code == 200
    assert page.context["form"]["year"].value() == 2027
    data = {
        "year": 2027,
        "start": "13:00",
        f"room_{staffed.vest.pk}": "Lokale V",
        f"room_{staffed.oest.pk}": "Lokale Ø",
    }
    response = client.post(reverse("meetings:tuesday-plan"), data)
    assert response.status_code == 302
    assert TuesdayMeeting.objects.filter(starts_at__year=2027).count() == 52
    plan = client.get(reverse("meetings:tuesday-list") + "?aar=2027")
    assert plan.status_code == 200
    assert "Lokale Ø" in plan.content.decode()


def test_plan_page_without_any_room_shows_an_error(staffed, client_as) -> None:
    client = client_as(staffed.ppr_leader)
    response = client.post(reverse("meetings:tuesday-plan"), {"year": 2027, "start": "13:00"})
    assert response.status_code == 200
    assert "mindst ét distrikt" in response.content.decode()
    assert not TuesdayMeeting.objects.exists()


def test_plan_list_query_count_does_not_grow_with_the_plan(
    staffed, client_as, django_assert_num_queries
) -> None:
    tuesdays.generate_plan(year=2026, rooms=_rooms(staffed), by=staffed.ppr_leader)
    client = client_as(staffed.ppr_leader)
    with django_assert_num_queries(13 + SESSION_QUERIES):
        response = client.get(reverse("meetings:tuesday-list") + "?aar=2026")
    assert response.status_code == 200
