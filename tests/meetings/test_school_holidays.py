"""School holidays: the PPR leader marks them per school year, and the year plan of
tirsdagsmøder places no meeting in them; past meetings read as held, not planned."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings import tuesdays
from meetings.models import SchoolHoliday, TuesdayMeeting
from ppr.audit.models import AuditEvent

from .test_tuesday_plan import _rooms

pytestmark = pytest.mark.django_db

URL = "/moeder/tirsdagsmoeder/skoleferier/"


def holiday(cast, name: str, first: date, last: date) -> SchoolHoliday:
    return tuesdays.add_school_holiday(name=name, starts_on=first, ends_on=last, by=cast.ppr_leader)


def test_the_year_plan_skips_the_summer_holiday_and_christmas_week(staffed) -> None:
    holiday(staffed, "Sommerferie", date(2027, 6, 26), date(2027, 8, 8))
    holiday(staffed, "Juleferie", date(2027, 12, 20), date(2028, 1, 2))
    meetings = tuesdays.generate_plan(year=2027, rooms=_rooms(staffed), by=staffed.ppr_leader)
    days = {timezone.localtime(m.starts_at).date() for m in meetings}
    # Even ISO weeks 26, 28, 30 and 32 fall in the summer holiday, week 52 in Christmas week.
    for skipped in (
        date(2027, 6, 29),
        date(2027, 7, 13),
        date(2027, 7, 27),
        date(2027, 8, 10) - timedelta(days=7),
    ):
        assert skipped not in days
    assert date(2027, 12, 28) not in days
    assert date(2027, 6, 15) in days and date(2027, 8, 10) in days  # just outside
    plan = tuesdays.tuesday_dates(2027, tuesdays.holidays_in(2027))
    assert date(2027, 12, 28) in plan.in_holidays
    assert len(meetings) == 2 * len(plan.dates)


def test_the_leader_adds_a_holiday_on_the_page_and_sees_it_under_its_school_year(
    staffed, client_as
) -> None:
    client = client_as(staffed.ppr_leader)
    response = client.post(
        reverse("meetings:school-holidays"),
        {"name": "Efterårsferie", "starts_on": "2026-10-12", "ends_on": "2026-10-16"},
    )
    assert response.status_code == 302
    html = client.get(reverse("meetings:school-holidays")).content.decode()
    assert "Skoleåret 2026/27" in html and "Efterårsferie" in html and "12.10.2026" in html
    assert AuditEvent.objects.filter(object_type="meetings.SchoolHoliday").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "Sommerferie", "starts_on": "2027-08-08", "ends_on": "2027-06-26"},
            "ends_on",
            "Den sidste feriedag skal ligge på eller efter den første.",
        ),
        (
            {"name": "Sommerferie", "starts_on": "2027-06-26", "ends_on": "2028-08-08"},
            "ends_on",
            "En ferie kan højst vare 10 uger. Tjek årstallet.",
        ),
        (
            {"name": "", "starts_on": "2027-06-26", "ends_on": "2027-08-08"},
            "name",
            "Skriv hvilken ferie det er.",
        ),
        (
            {"name": "Igen", "starts_on": "2027-02-17", "ends_on": "2027-02-22"},
            "starts_on",
            "Perioden overlapper Vinterferie 15.02.2027–19.02.2027. Ret den ferie i stedet.",
        ),
    ],
)
def test_a_wrong_holiday_is_refused_at_its_field_and_nothing_is_saved(
    staffed, client_as, data, field, message
) -> None:
    holiday(staffed, "Vinterferie", date(2027, 2, 15), date(2027, 2, 19))
    response = client_as(staffed.ppr_leader).post(reverse("meetings:school-holidays"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert SchoolHoliday.objects.count() == 1


def test_only_the_ppr_leader_marks_or_removes_holidays(staffed, client_as) -> None:
    summer = holiday(staffed, "Sommerferie", date(2027, 6, 26), date(2027, 8, 8))
    for user in (staffed.psychologist, staffed.secretary):
        client = client_as(user)
        assert client.get(reverse("meetings:school-holidays")).status_code == 403
        delete = reverse("meetings:school-holiday-delete", args=[summer.pk])
        assert client.post(delete).status_code == 403
    assert SchoolHoliday.objects.exists()
    client = client_as(staffed.ppr_leader)
    assert (
        client.post(reverse("meetings:school-holiday-delete", args=[summer.pk])).status_code == 302
    )
    assert not SchoolHoliday.objects.exists()


@time_machine.travel(datetime(2026, 6, 17, 10, 0, tzinfo=timezone.get_current_timezone()))
def test_a_held_tirsdagsmoede_reads_afholdt_not_planlagt(staffed, client_as) -> None:
    tuesdays.generate_plan(year=2026, rooms=_rooms(staffed), by=staffed.ppr_leader)
    html = (
        client_as(staffed.ppr_leader)
        .get(reverse("meetings:tuesday-list") + "?aar=2026")
        .content.decode()
    )
    past = TuesdayMeeting.objects.filter(ends_at__lt=timezone.now()).count()
    future = TuesdayMeeting.objects.filter(starts_at__gt=timezone.now()).count()
    assert past and future
    assert html.count("<td>Afholdt</td>") == past
    assert html.count("<td>Planlagt</td>") == future


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (date(2026, 12, 6), date(2027, 1, 5)),  # past December's: January's, next year
        (date(2026, 11, 30), date(2026, 12, 1)),
        (date(2026, 12, 1), date(2026, 12, 1)),  # the day itself
        (date(2027, 2, 3), date(2027, 3, 2)),
        (date(2028, 2, 8), date(2028, 3, 7)),  # a leap year
        (date(2027, 12, 8), date(2028, 1, 4)),
    ],
)
def test_the_next_first_tuesday_of_the_month_is_a_tuesday_across_months_and_years(
    after: date, expected: date
) -> None:
    day = tuesdays.next_first_weekday(after)
    assert day == expected and day.weekday() == 1 and day.day <= 7


def test_the_previous_first_tuesday_goes_back_across_the_new_year() -> None:
    assert tuesdays.previous_first_weekday(date(2027, 1, 5)) == date(2026, 12, 1)
    assert tuesdays.previous_first_weekday(date(2026, 12, 6)) == date(2026, 12, 1)


@time_machine.travel(date(2026, 12, 6))
def test_the_demo_conference_series_meets_on_first_tuesdays_not_on_a_sunday(cast) -> None:
    from demo import meetings as meetings_demo
    from demo.organisation import seed_organisation
    from meetings.models import ConferenceMeeting

    organisation = seed_organisation()
    meetings_demo.seed(organisation)
    days = {timezone.localtime(m.starts_at).date() for m in ConferenceMeeting.objects.all()}
    assert days and all(day.weekday() == 1 and day.day <= 7 for day in days)
    assert date(2027, 1, 5) in days and date(2026, 12, 13) not in days
