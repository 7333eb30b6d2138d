"""A journal entry on the case page's timeline, rendered in Python (``{% journal_entry %}``).

A case page shows 20 or more journal entries. Through the template engine each took ≈ 120 µs:
a dozen variable lookups, each escaped through Django's lazy-argument check, four dates and the
text's paragraphs (bench/NOTES.md). The markup here is the template's, built with ``str.format``
and escaped with the standard library's ``html.escape``, which gives the same text as Django's
``escape``; tests/cases/test_journal_html.py renders the old template beside it and compares.
"""

import html
from datetime import datetime

from django import template
from django.utils.formats import date_format
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from ppr.tables import pk_url

from .models import JournalEntry, JournalRevision

register = template.Library()


@register.simple_tag
def journal_entry(entry: JournalEntry, can_edit: bool) -> SafeString:
    """The entry as an ``<article>``: date, kind and title, author, text, earlier versions if it
    was corrected, and the link to correct it for those who may."""
    pk = entry.pk
    date = date_format(entry.occurred_on, "SHORT_DATE_FORMAT")
    title = f": {html.escape(entry.title)}" if entry.title else ""
    badge = '<span class="ppr-badge">Rettet</span>' if entry.is_corrected else ""
    parts = [
        f'<article id="journal-{pk}" aria-labelledby="journal-{pk}-title">',
        f'<h3 id="journal-{pk}-title" class="h5 ppr-timeline__title">'
        f'<span class="ppr-timeline__date">{date}</span> '
        f"{html.escape(entry.get_kind_display())}{title} {badge}</h3>",
        f'<p class="ppr-hint">Journalnotat af {html.escape(str(entry.author))}, skrevet '
        f"{_local(entry.created_at)}</p>",
        f'<div class="ppr-timeline__text">{linebreaks(entry.text, autoescape=True)}</div>',
    ]
    if entry.is_corrected:
        parts.append(_revisions(list(entry.revisions.all())))
    if can_edit:
        parts.append(
            f'<p><a href="{pk_url("cases:journal-correct", pk)}">Ret notatet'
            f'<span class="sr-only"> fra {date}</span></a></p>'
        )
    parts.append("</article>")
    return mark_safe("\n".join(parts))  # every value in it is escaped above


def _revisions(revisions: list[JournalRevision]) -> str:
    items = "".join(
        '<li class="ppr-revision">'
        f"<p><strong>Version {revision.version}</strong> – rettet {_local(revision.corrected_at)}"
        f" af {html.escape(str(revision.corrected_by))}. Begrundelse: {html.escape(revision.reason)}</p>"
        f"{_dated(revision)}"
        f'<div class="ppr-revision__text">{linebreaks(revision.text, autoescape=True)}</div></li>'
        for revision in revisions
    )
    return (
        f'<details class="ppr-details"><summary>Vis rettelser ({len(revisions)})</summary>'
        f'<ol class="ppr-plain-list">{items}</ol></details>'
    )


def _dated(revision: JournalRevision) -> str:
    """The date and title the entry had in that version (rows from before a correction could
    change them have none)."""
    if revision.occurred_on is None:
        return ""
    title = f": {html.escape(revision.title)}" if revision.title else ""
    return f"<p>Dato {date_format(revision.occurred_on, 'SHORT_DATE_FORMAT')}{title}</p>"


def _local(moment: datetime) -> str:
    """A date-time as the templates' ``|date:"SHORT_DATETIME_FORMAT"`` shows it: in local time."""
    return date_format(template_localtime(moment), "SHORT_DATETIME_FORMAT")
