"""Consent to a named meeting was free text; it is now chosen from the forums and konferencer.

Existing free text is matched to a forum's or konference's name where that can be done without
guessing: the same words whatever the case, spacing or punctuation, or the text holding exactly
one name (or exactly one name holding the text). Text that matches nothing or several names is
left as it was (it still counts only for a meeting of exactly that name).
"""

import re

from django.db import migrations


def _words(text):
    return " ".join(re.findall(r"\w+", text.casefold()))


def _match(text, names):
    wanted = _words(text)
    if not wanted:
        return None
    exact = [name for name in names if _words(name) == wanted]
    if len(exact) == 1:
        return exact[0]
    holding = [
        name
        for name in names
        if f" {_words(name)} " in f" {wanted} " or f" {wanted} " in f" {_words(name)} "
    ]
    return holding[0] if len(holding) == 1 else None


def match_meeting_names(apps, schema_editor):
    Consent = apps.get_model("cases", "Consent")
    SupportForum = apps.get_model("meetings", "SupportForum")
    ConferenceSeries = apps.get_model("meetings", "ConferenceSeries")
    names = list(SupportForum.objects.values_list("name", flat=True)) + list(
        ConferenceSeries.objects.values_list("name", flat=True)
    )
    for consent in Consent.objects.filter(scope="moede").exclude(meeting_name__in=names):
        name = _match(consent.meeting_name, names)
        if name is not None:
            consent.meeting_name = name
            consent.save(update_fields=["meeting_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_journal_revision_title_date"),
        ("meetings", "0004_decisions_act"),
    ]

    operations = [migrations.RunPython(match_meeting_names, migrations.RunPython.noop)]
