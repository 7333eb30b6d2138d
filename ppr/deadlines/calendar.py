"""Working-day arithmetic for Danish municipal deadlines, in Europe/Copenhagen local time.

Public holidays come from the maintained ``holidays`` package (country "DK"), which already
knows that Store Bededag was abolished from 2024 and moves Easter every year.

Besides the public holidays, three days in the package's "optional" category are treated as
days off: Grundlovsdag (5 June), Juleaftensdag (24 December) and Nytårsaftensdag
(31 December). They are not public holidays by law, but they are days off in the working-time
agreements that cover most municipal staff (PPR's offices are closed), and a statutory deadline
should never fall on a day nobody is at work. 1 May (Arbejdernes kampdag) is *not* a general day
off for municipal staff and stays a working day.
"""

from datetime import date, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

#: Optional Danish days that PPR treats as days off (see the module docstring).
EXTRA_DAYS_OFF = frozenset({(6, 5), (12, 24), (12, 31)})


@cache
def _days_off(year: int) -> frozenset[date]:
    public = holidays.country_holidays("DK", years=year)
    optional = holidays.country_holidays("DK", years=year, categories=("optional",))
    extra = {day for day in optional if (day.month, day.day) in EXTRA_DAYS_OFF}
    return frozenset(public) | frozenset(extra)


def holiday_name(day: date) -> str | None:
    """The Danish name of the holiday on ``day``, or None for an ordinary day."""
    if day not in _days_off(day.year):
        return None
    public = holidays.country_holidays("DK", years=day.year)
    if day in public:
        return str(public[day])
    return str(holidays.country_holidays("DK", years=day.year, categories=("optional",))[day])


def is_working_day(day: date) -> bool:
    """Monday to Friday and neither a Danish public holiday nor one of PPR's extra days off."""
    return day.weekday() < 5 and day not in _days_off(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (before it when negative).

    ``start`` itself never counts: a referral received on a Friday with a 3-working-day
    deadline is due the following Wednesday. ``days == 0`` returns ``start`` moved forward
    to the next working day if it is not one.
    """
    day = start
    if days == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    step = timedelta(days=1 if days > 0 else -1)
    remaining = abs(days)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier).

    The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n)) == n``.
    """
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return sign * count


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative); the month's last day when it has
    no such day (31 January + 1 month is 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def today() -> date:
    """Today's date in Copenhagen, whatever the server's or the request's time zone is."""
    return timezone.localtime(timezone.now(), COPENHAGEN).date()
