"""Working days: weekends, Danish public holidays and PPR's extra days off never count."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from ppr.deadlines.calendar import (
    add_working_days,
    holiday_name,
    is_working_day,
    today,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 4, 2), "Skærtorsdag"),
        (date(2026, 4, 3), "Langfredag"),
        (date(2026, 4, 6), "Anden påskedag"),
        (date(2026, 5, 14), "Kristi himmelfartsdag"),
        (date(2026, 5, 25), "Anden pinsedag"),
        (date(2026, 12, 25), "Juledag"),
        (date(2027, 1, 1), "Nytårsdag"),
    ],
)
def test_danish_public_holidays_are_not_working_days(day: date, name: str) -> None:
    assert not is_working_day(day)
    assert holiday_name(day) == name


def test_a_deadline_set_before_easter_skips_the_whole_easter_holiday() -> None:
    # Wednesday 1 April 2026; Thursday, Friday and Monday are holidays, then the weekend.
    assert add_working_days(date(2026, 4, 1), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 3, 31), 3) == date(2026, 4, 8)
    assert working_days_between(date(2026, 4, 1), date(2026, 4, 7)) == 1


def test_a_ten_day_visitation_deadline_spanning_easter_lands_two_weeks_and_three_days_later() -> (
    None
):
    # Monday 30 March + 10 working days: 31/3, 1/4, 7/4, 8/4, 9/4, 10/4, 13/4, 14/4, 15/4, 16/4.
    assert add_working_days(date(2026, 3, 30), 10) == date(2026, 4, 16)


def test_christmas_eve_and_new_years_eve_are_days_off_as_in_the_municipal_agreements() -> None:
    assert not is_working_day(date(2026, 12, 24))
    assert not is_working_day(date(2026, 12, 31))
    # Wednesday 23 December: 24, 25 (holidays), 26-27 (weekend) → Monday 28.
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    # Wednesday 30 December: 31 Dec, 1 Jan, the weekend → Monday 4 January 2027.
    assert add_working_days(date(2026, 12, 30), 1) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 4)) == 4


def test_grundlovsdag_is_a_day_off() -> None:
    # Friday 5 June 2026: Thursday + 1 working day is the following Monday.
    assert holiday_name(date(2026, 6, 5)) == "Grundlovsdag"
    assert not is_working_day(date(2026, 6, 5))
    assert add_working_days(date(2026, 6, 4), 1) == date(2026, 6, 8)


def test_first_of_may_is_a_working_day_for_municipal_staff() -> None:
    assert is_working_day(date(2026, 5, 1))


def test_store_bededag_is_a_holiday_until_2023_and_a_working_day_from_2024() -> None:
    assert not is_working_day(date(2023, 5, 5))
    assert is_working_day(date(2024, 4, 26))
    assert holiday_name(date(2024, 4, 26)) is None


def test_weekends_do_not_count() -> None:
    friday = date(2026, 3, 6)
    assert add_working_days(friday, 1) == date(2026, 3, 9)
    assert add_working_days(friday, 3) == date(2026, 3, 11)
    assert not is_working_day(date(2026, 3, 7))


def test_zero_days_moves_a_day_off_forward_to_the_next_working_day() -> None:
    assert add_working_days(date(2026, 4, 3), 0) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 7), 0) == date(2026, 4, 7)


def test_negative_days_count_backwards() -> None:
    assert add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 1)
    assert working_days_between(date(2026, 4, 7), date(2026, 4, 1)) == -1


def test_counting_between_is_the_inverse_of_adding_over_a_whole_year() -> None:
    start = date(2026, 1, 1)
    for offset in range(0, 366, 3):
        day = start + timedelta(days=offset)
        for days in (1, 2, 3, 5, 10):
            assert working_days_between(day, add_working_days(day, days)) == days


def test_today_is_the_copenhagen_date_not_the_utc_date() -> None:
    # 22:30 UTC on 31 March is 00:30 on 1 April in Copenhagen (summer time).
    with time_machine.travel(datetime(2026, 3, 31, 22, 30, tzinfo=UTC), tick=False):
        assert today() == date(2026, 4, 1)
    # In winter Copenhagen is UTC+1: 23:30 UTC on 1 December is already 2 December.
    with time_machine.travel(datetime(2026, 12, 1, 23, 30, tzinfo=UTC), tick=False):
        assert today() == date(2026, 12, 2)
