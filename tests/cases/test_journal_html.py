"""A journal entry on the timeline, rendered in Python, is what its template rendered."""

from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.test.html import parse_html

from cases.journal_services import correct_journal_entry
from cases.models import JournalEntry, JournalKind
from tests.cases.case_fixtures import make_case
from tests.cases.factories import JournalEntryFactory

pytestmark = pytest.mark.django_db

#: templates/cases/journal_timeline_item.html before ``{% journal_entry %}`` replaced it (with
#: the date and title of each earlier version, since a correction can change them).
TEMPLATE = engines["django"].from_string("""
<article id="journal-{{ obj.pk }}" aria-labelledby="journal-{{ obj.pk }}-title">
  <h3 id="journal-{{ obj.pk }}-title" class="h5 ppr-timeline__title">
    <span class="ppr-timeline__date">{{ obj.occurred_on|date:"d.m.Y" }}</span>
    {{ obj.get_kind_display }}{% if obj.title %}: {{ obj.title }}{% endif %}
    {% if obj.is_corrected %}<span class="ppr-badge">Rettet</span>{% endif %}
  </h3>
  <p class="ppr-hint">Journalnotat af {{ obj.author }}, skrevet {{ obj.created_at|date:"d.m.Y H:i" }}</p>
  <div class="ppr-timeline__text">{{ obj.text|linebreaks }}</div>
  {% if obj.is_corrected %}
    <details class="ppr-details">
      <summary>Vis rettelser ({{ obj.revisions.all|length }})</summary>
      <ol class="ppr-plain-list">
        {% for revision in obj.revisions.all %}
          <li class="ppr-revision">
            <p><strong>Version {{ revision.version }}</strong> – rettet {{ revision.corrected_at|date:"d.m.Y H:i" }} af {{ revision.corrected_by }}. Begrundelse: {{ revision.reason }}</p>
            {% if revision.occurred_on %}<p>Dato {{ revision.occurred_on|date:"d.m.Y" }}{% if revision.title %}: {{ revision.title }}{% endif %}</p>{% endif %}
            <div class="ppr-revision__text">{{ revision.text|linebreaks }}</div>
          </li>
        {% endfor %}
      </ol>
    </details>
  {% endif %}
  {% if can_edit %}
    <p><a href="{% url 'cases:journal-correct' pk=obj.pk %}">Ret notatet<span class="sr-only"> fra {{ obj.occurred_on|date:"d.m.Y" }}</span></a></p>
  {% endif %}
</article>
""")
PYTHON = engines["django"].from_string("{% include 'cases/journal_timeline_item.html' %}")


def assert_rendered_alike(entry: JournalEntry, can_edit: bool) -> str:
    context = {"obj": entry, "can_edit": can_edit}
    ours = PYTHON.render(context)
    assert parse_html(ours) == parse_html(TEMPLATE.render(context))
    return ours


@pytest.mark.parametrize("can_edit", [True, False])
def test_an_entry_is_rendered_as_its_template_rendered_it(cast, can_edit):
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
    html = assert_rendered_alike(entry, can_edit)
    assert "30.03.2026 01:30" in html and "&lt;script&gt;" in html
    assert ("Ret notatet" in html) is can_edit


def test_an_entry_without_title_has_no_colon(cast):
    entry = JournalEntryFactory(case=make_case(cast), author=cast.psychologist, title="")
    html = assert_rendered_alike(entry, can_edit=False)
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
    html = assert_rendered_alike(entry, can_edit=True)
    assert "Vis rettelser (2)" in html and "Først &lt;b&gt;." in html
