"""Dates are written the Danish way everywhere – "6. dec. 2026", "06.12.2026" – by Django's own
``|date`` and its Danish formats (LANGUAGE_CODE "da"): pages, tables, PDFs, e-mails, exports."""

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.template import Context, Engine, defaultfilters
from django.urls import reverse
from django.utils.formats import date_format

from cases.ppv.services import danish_date
from ppr.deadlines.models import DeadlineKind, Reminder, ReminderKind, ReminderState
from ppr.deadlines.outbox import deliver_reminder
from ppr.deadlines.services import open_deadline
from ppr.documents.models import Document
from reports.exports import dataset
from tests.documents.test_document_list import doc, final_ppv

ROOT = Path(__file__).resolve().parent.parent
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SAINT_NICHOLAS = datetime(2026, 12, 6, 10, 30, tzinfo=COPENHAGEN)

#: Every format given to ``|date`` in a template or to a table's date column in the code.
FORMATS = sorted(
    (
        {
            match.group(1)
            for path in (ROOT / "templates").rglob("*.html")
            for match in re.finditer(r"\|date:[\"']([^\"']*)[\"']", path.read_text())
        }
        | {
            match.group(1)
            for app in ROOT.iterdir()
            if app.is_dir() and (app / "__init__.py").exists()
            for path in app.rglob("tables.py")
            for match in re.finditer(
                r'Date(?:Time)?Column\([^)]*format="([^"]*)"', path.read_text()
            )
        }
    )
    - {"c", "Y-m-d"}  # machine-readable: <time datetime> and <input type="date">
)

ENGLISH = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b"
)


def test_the_date_filter_is_djangos_own() -> None:
    filters = {}
    for library in Engine.get_default().template_builtins:
        filters.update(library.filters)
    assert filters["date"] is defaultfilters.date


def test_the_formats_in_use_include_month_names() -> None:
    assert {"d.m.Y", "j. F Y", "j. N Y"} <= set(FORMATS)


@pytest.mark.parametrize("format", FORMATS)
def test_every_date_format_in_use_writes_danish_words_in_lower_case(format: str) -> None:
    """Danish writes month and weekday names in lower case ("6. dec. 2026", "søndag"): a
    capital or an English name ("6. Dec 2026", Django's ``M``) is a format to replace."""
    template = Engine.get_default().from_string(f'{{{{ value|date:"{format}" }}}}')
    for month in range(1, 13):
        text = template.render(Context({"value": datetime(2026, month, 6, 9, 5)}))
        assert text == text.lower() and not ENGLISH.search(text), (format, text)


def test_danish_formats_from_django() -> None:
    assert date_format(SAINT_NICHOLAS.date(), "j. N Y") == "6. dec. 2026"
    assert date_format(SAINT_NICHOLAS.date(), "SHORT_DATE_FORMAT") == "06.12.2026"
    assert danish_date(date(2026, 3, 14)) == "14. marts 2026"  # the PPV's signature line


@pytest.mark.django_db
def test_dokumenter_and_the_start_page_show_the_danish_month(cast: Any, client_as: Any) -> None:
    with time_machine.travel(SAINT_NICHOLAS, tick=False):
        document = doc(final_ppv(cast))
        Document.objects.filter(pk=document.pk).update(created_at=SAINT_NICHOLAS)
        client = client_as(cast.school_leader)
        pages = {
            "Dokumenter": client.get(reverse("documents:document-list")).content.decode(),
            "Forside": client.get(reverse("home")).content.decode(),
        }
    for name, page in pages.items():
        assert "6. dec. 2026" in page, name
        assert "Dec 2026" not in page, name


@pytest.mark.django_db
def test_a_reminder_email_gives_the_deadline_as_a_danish_date(cast: Any) -> None:
    # A deadline cannot be opened in the past: the clock stands before the fixed date.
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=ZoneInfo("Europe/Copenhagen"))):
        deadline = open_deadline(
            subject=cast.school,
            kind=DeadlineKind.PPV,
            responsible=cast.psychologist,
            due=date(2026, 12, 6),
            by=None,
            title="PPV færdig",
        )
        reminder = Reminder.objects.create(
            deadline=deadline, kind=ReminderKind.NEAR, state=ReminderState.PENDING
        )
        deliver_reminder(reminder.pk)
    assert "frist 06.12.2026" in mail.outbox[0].body


def test_a_csv_export_writes_dates_the_danish_way() -> None:
    csv = dataset(["Start"], [[date(2026, 12, 6)]], title="Forløb", fmt="csv").export("csv")
    assert "06.12.2026" in csv
