"""``|date`` and the tables' date columns (ppr/dates.py) give exactly Django's text."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.template.defaultfilters import date as django_date
from django.utils.formats import date_format
from django.utils.timezone import localtime

from ppr.dates import format_date
from ppr.tables import DateTimeColumn

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: Every format a template gives ``|date``, and those of the tables' columns.
FORMATS = sorted(
    {
        match.group(1)
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(r'\|date:"([^"]*)"', path.read_text())
    }
    | {"SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "DATE_FORMAT", "d.m.Y", "d.m.Y H:i"}
)

#: Dates around the year's turn, leap days and both DST changes in Copenhagen, in UTC and local.
MOMENTS = [
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # 01:59 local, the hour before summer time
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 03:00 local
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 local, summer time
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 local again, winter time
    datetime(2026, 12, 31, 23, 5, tzinfo=UTC),  # already 2027 in Copenhagen
    datetime(2028, 2, 29, 9, 7, tzinfo=UTC),
    datetime(2015, 3, 4, 5, 6),  # naive
]
DAYS = [date(2026, 1, 1), date(2028, 2, 29), date(2015, 12, 9), date(999, 1, 2)]


def test_the_templates_use_numeric_and_other_formats() -> None:
    assert {"d.m.Y", "d.m.Y H:i", "j. F Y"} <= set(FORMATS)


def outcome(function: Callable[..., str], *args: object) -> object:
    """The text, or the kind of error (Django refuses a time format for a date)."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 – compared, not handled
        return type(error)


@pytest.mark.parametrize("format", FORMATS)
def test_the_date_filter_renders_what_djangos_renders(format: str) -> None:
    ours = Engine.get_default().from_string(f'{{{{ value|date:"{format}" }}}}')
    for value in [*MOMENTS, *DAYS, None, ""]:
        local = localtime(value) if isinstance(value, datetime) and value.tzinfo else value
        expected = outcome(django_date, local, format)
        assert outcome(ours.render, Context({"value": value})) == expected, (format, value)


@pytest.mark.parametrize("format", FORMATS)
def test_format_date_is_djangos_date_format(format: str) -> None:
    for value in [*MOMENTS, *DAYS, *(DAYS[0] + timedelta(days=n) for n in range(0, 400, 37))]:
        expected = outcome(date_format, value, format)
        assert outcome(format_date, value, format) == expected, (format, value)


def test_the_table_columns_show_local_time() -> None:
    moment = datetime(2026, 12, 31, 23, 5, tzinfo=UTC)
    assert DateTimeColumn().render(moment) == "01.01.2027 00:05"


def test_the_builtin_replaces_djangos_filter() -> None:
    engine = Engine.get_default()
    assert engine.from_string("{{ v|date:'d.m.Y' }}").render(Context({"v": DAYS[1]})) == (
        "29.02.2028"
    )
    assert engine.template_builtins[-1].filters["date"].__module__ == "ppr.dates"
