"""Dates as the pages show them, with the numeric formats (``d.m.Y``, ``d.m.Y H:i``) done in
Python (``|date`` is a template builtin: settings.TEMPLATES).

Django's ``date_format`` looks the format up for the active language and builds a
``DateFormat``, which checks each date-time against the time zone's transitions: 20–30 µs a date,
and a case page shows 60 of them, a list page 50. A format of day, month, four-digit year, hour
and minute only (every date in the tables and most in the templates) gives the same text from
``str.format``; any other format (weekdays, month names, ``\\k\\l.``) goes to Django.
"""

import functools
from datetime import date, datetime
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils.formats import date_format

register = template.Library()

#: Django's format letters with two or four digits, as ``str.format`` fields.
NUMBERS = {
    "d": "{0.day:02d}",
    "m": "{0.month:02d}",
    "Y": "{0.year:04d}",
    "H": "{0.hour:02d}",
    "i": "{0.minute:02d}",
}


@functools.cache
def _numeric(format: str) -> tuple[str, bool] | None:
    """The format as a ``str.format`` template and whether it shows a time; None if it has
    anything but those numbers and punctuation."""
    parts = []
    for char in format:
        if char in NUMBERS:
            parts.append(NUMBERS[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            parts.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(parts), "H" in format or "i" in format


def format_date(value: date, format: str) -> str:
    """``django.utils.formats.date_format(value, format)``: the same text, sooner."""
    numeric = _numeric(format)
    if numeric is not None:
        pattern, with_time = numeric
        if isinstance(value, datetime) or (isinstance(value, date) and not with_time):
            return pattern.format(value)
    return date_format(value, format)


@register.filter("date", expects_localtime=True, is_safe=False)
def date_filter(value: Any, arg: str | None = None) -> str:
    """Django's ``|date``, with ``format_date``'s numeric formats."""
    if arg and isinstance(value, date) and _numeric(arg) is not None:
        return format_date(value, arg)
    return defaultfilters.date(value, arg)
