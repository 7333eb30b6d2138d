"""The journal: entries are dated, typed and authored; corrections keep the original text."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cases.journal.services import JournalConflict, add_journal_entry, correct_journal_entry
from cases.models import CaseStatus, JournalEntry, JournalRevision
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.factories import CaseFactory, ChildFactory, JournalEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return CaseFactory(
        child=ChildFactory(institution=cast.school), assigned=cast.psychologist, team=cast.team_vest
    )


def test_add_journal_entry_saves_date_type_title_text_and_author(cast, case):
    entry = add_journal_entry(
        case=case,
        by=cast.psychologist,
        occurred_on=date(2026, 3, 2),
        kind="observation",
        title="Observation i klassen",
        text="  Deltog i gruppearbejde.  ",
    )
    entry.refresh_from_db()
    assert (entry.occurred_on, entry.kind, entry.title, entry.text) == (
        date(2026, 3, 2),
        "observation",
        "Observation i klassen",
        "Deltog i gruppearbejde.",
    )
    assert entry.author == cast.psychologist
    assert entry.version == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(entry.pk), child_id=case.child_id
    ).exists()


def test_the_same_client_token_twice_saves_one_entry(cast, case):
    token = uuid.uuid4()
    first = add_journal_entry(
        case=case,
        by=cast.psychologist,
        occurred_on=date.today(),
        kind="samtale",
        text="A",
        client_token=token,
    )
    second = add_journal_entry(
        case=case,
        by=cast.psychologist,
        occurred_on=date.today(),
        kind="samtale",
        text="A",
        client_token=token,
    )
    assert first.pk == second.pk
    assert JournalEntry.objects.filter(case=case).count() == 1


def test_a_closed_case_takes_no_new_entries(cast, case):
    case.status, case.outcome = CaseStatus.CLOSED, "flyttet"
    case.save()
    with pytest.raises(ValidationError, match="lukket"):
        add_journal_entry(
            case=case, by=cast.psychologist, occurred_on=date.today(), kind="samtale", text="A"
        )
    assert not JournalEntry.objects.exists()


def test_an_entry_cannot_be_dated_in_the_future(cast, case):
    with pytest.raises(ValidationError, match="fremtiden"):
        add_journal_entry(
            case=case,
            by=cast.psychologist,
            occurred_on=date.today() + timedelta(days=1),
            kind="samtale",
            text="A",
        )


def test_correcting_keeps_the_original_text_as_a_revision(cast, case):
    entry = JournalEntryFactory(case=case, author=cast.psychologist, text="Mor var med.")
    corrected = correct_journal_entry(
        entry=entry,
        by=cast.colleague,
        expected_version=1,
        text="Far var med.",
        reason="Forkert forælder",
    )
    assert corrected.text == "Far var med."
    assert corrected.version == 2
    assert corrected.is_corrected
    revision = JournalRevision.objects.get(entry=entry)
    assert (revision.version, revision.text, revision.corrected_by, revision.reason) == (
        1,
        "Mor var med.",
        cast.colleague,
        "Forkert forælder",
    )
    assert (
        AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(entry.pk)).count() == 1
    )


def test_a_correction_from_a_stale_version_is_a_conflict_and_changes_nothing(cast, case):
    entry = JournalEntryFactory(case=case, author=cast.psychologist, text="Original.")
    correct_journal_entry(
        entry=entry,
        by=cast.colleague,
        expected_version=1,
        text="Kollegaens rettelse.",
        reason="Præcisering",
    )
    with pytest.raises(JournalConflict) as raised:
        correct_journal_entry(
            entry=entry,
            by=cast.psychologist,
            expected_version=1,
            text="Min rettelse.",
            reason="Stavefejl",
        )
    assert raised.value.current.text == "Kollegaens rettelse."
    entry.refresh_from_db()
    assert entry.text == "Kollegaens rettelse."
    assert entry.version == 2
    assert JournalRevision.objects.filter(entry=entry).count() == 1


def test_the_conditional_update_loses_a_race_it_did_not_see(cast, case, monkeypatch):
    """Another correction lands between our read and our UPDATE: ours must not overwrite it."""
    entry = JournalEntryFactory(case=case, author=cast.psychologist, text="Original.")
    real_filter = JournalEntry.objects.filter

    def racing_filter(*args, **kwargs):
        if "version" in kwargs:
            JournalEntry.objects.all().update(text="Den andens tekst.", version=2)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(JournalEntry.objects, "filter", racing_filter)
    with pytest.raises(JournalConflict):
        correct_journal_entry(
            entry=entry, by=cast.colleague, expected_version=1, text="Min.", reason="Grund"
        )
    monkeypatch.undo()
    entry.refresh_from_db()
    # The simulated writer shared our transaction, so the rollback undid it too; what matters
    # is that our text was never written and no revision claims it was.
    assert entry.text != "Min."
    assert not JournalRevision.objects.exists()


def test_a_correction_needs_a_reason_and_a_changed_text(cast, case):
    entry = JournalEntryFactory(case=case, author=cast.psychologist, text="Original.")
    with pytest.raises(ValidationError, match="hvorfor"):
        correct_journal_entry(
            entry=entry, by=cast.psychologist, expected_version=1, text="Ny.", reason=" "
        )
    with pytest.raises(ValidationError, match="uændret"):
        correct_journal_entry(
            entry=entry, by=cast.psychologist, expected_version=1, text="Original.", reason="Grund"
        )
    entry.refresh_from_db()
    assert entry.version == 1
