"""A journal entry on the case page's timeline (templates/cases/journal_timeline_item.html):
escaped text, local times, the earlier versions of a corrected entry."""

from datetime import UTC, date, datetime

import pytest
from django.template import engines

from cases.journal.services import correct_journal_entry
from cases.models import JournalEntry, JournalKind
from tests.cases.case_fixtures import make_case
from tests.cases.factories import JournalEntryFactory

pytestmark = pytest.mark.django_db

TIMELINE_ITEM = engines["django"].from_string("{% include 'cases/journal_timeline_item.html' %}")


def rendered(entry: JournalEntry, can_edit: bool) -> str:
    return TIMELINE_ITEM.render({"obj": entry, "can_edit": can_edit})


@pytest.mark.parametrize("can_edit", [True, False])
def test_an_entry_shows_its_text_escaped_and_its_time_in_local_time(cast, can_edit):
    entry = JournalEntryFactory(
        case=make_case(cast),
        author=cast.psychologist,
        kind=JournalKind.TELEFON,
        title='Mor & far ringede <"vigtigt">',
        text="Første afsnit om <script>alert('x')</script>.\nSamme afsnit.\n\nAndet afsnit & mere.",
        occurred_on=date(2026, 3, 29),
    )
    # Half an hour before midnight UTC on the day summer time began: 01:30 the next day here.
    JournalEntry.objects.filter(pk=entry.pk).update(
        created_at=datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    )
    entry.refresh_from_db()
    html = rendered(entry, can_edit)
    assert "30.03.2026 01:30" in html and "&lt;script&gt;" in html
    assert "Telefon: Mor &amp; far ringede &lt;&quot;vigtigt&quot;&gt;" in html
    assert "<p>Første afsnit om" in html and "<br>Samme afsnit.</p>" in html
    assert ("Ret notatet" in html) is can_edit


def test_an_entry_without_title_has_no_colon(cast):
    entry = JournalEntryFactory(case=make_case(cast), author=cast.psychologist, title="")
    html = rendered(entry, can_edit=False)
    assert f"{entry.get_kind_display()}:" not in html


def test_a_corrected_entry_shows_its_earlier_versions(cast):
    entry = JournalEntryFactory(case=make_case(cast), author=cast.psychologist, text="Først <b>.")
    for version, (text, reason) in enumerate(
        [("Anden udgave.", "Stavefejl & navn"), ("Tredje.\n\nTo afsnit.", "Dato <rettet>")], start=1
    ):
        entry = correct_journal_entry(
            entry=entry, by=cast.psychologist, expected_version=version, text=text, reason=reason
        )
    entry = JournalEntry.objects.get(pk=entry.pk)
    html = rendered(entry, can_edit=True)
    assert "Vis rettelser (2)" in html and "Først &lt;b&gt;." in html
    assert "Begrundelse: Dato &lt;rettet&gt;" in html and html.count('class="ppr-revision"') == 2
