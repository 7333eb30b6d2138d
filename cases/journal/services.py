"""Domain verbs for the case journal: write an entry, correct it without losing the original."""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cases.casework import esdh as esdh_filing
from cases.models import Case, JournalEntry, JournalKind, JournalRevision
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.forms import check_not_before

PURPOSE = "sagsbehandling"


class JournalConflict(Exception):
    """Someone else corrected the entry after the form was opened; nothing was saved."""

    def __init__(self, current: JournalEntry) -> None:
        super().__init__("Notatet er blevet rettet af en anden, mens du skrev.")
        self.current = current


def check_event_date(occurred_on: date, case: Case) -> None:
    """A journal entry is about something that happened to the child: not in the future, not
    before the child was born."""
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "Datoen kan ikke ligge i fremtiden."}, code="future")
    try:
        check_not_before(
            occurred_on,
            case.child.birth_date,
            "Datoen %(value)s ligger før barnets fødsel (%(earliest)s). Tjek årstallet.",
        )
    except ValidationError as error:
        raise ValidationError({"occurred_on": error}) from None


@transaction.atomic
def add_journal_entry(
    *,
    case: Case,
    by: User,
    occurred_on: date,
    kind: str,
    text: str,
    title: str = "",
    client_token: uuid.UUID | None = None,
) -> JournalEntry:
    """Write a dated, typed entry on an open case; the same client token twice saves one row."""
    if client_token is not None:
        existing = JournalEntry.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    case = Case.objects.select_related("child").get(pk=case.pk)
    if not case.is_open:
        raise ValidationError("Sagen er lukket. Der kan ikke skrives i journalen.", code="closed")
    if kind not in JournalKind.values:
        raise ValidationError("Vælg en type.", code="kind")
    if not text.strip():
        raise ValidationError("Skriv notatets tekst.", code="text")
    check_event_date(occurred_on, case)
    entry = JournalEntry(
        case=case,
        author=by,
        occurred_on=occurred_on,
        kind=kind,
        title=title.strip(),
        text=text.strip(),
        client_token=client_token,
    )
    try:
        # A savepoint: the second of two simultaneous submits of the same form loses here.
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        if client_token is None:
            raise
        return JournalEntry.objects.get(client_token=client_token)
    log_action(entry, AuditAction.CREATE, by=by, purpose=PURPOSE, about=case)
    # By configuration the entry is filed as a journal note in the ESDH too.
    if esdh_filing.switched_on():
        esdh_filing.file_journal_entry(
            case,
            entry_id=entry.pk,
            title=entry.title or entry.get_kind_display(),
            text=entry.text,
            by=by,
        )
    return entry


@transaction.atomic
def correct_journal_entry(
    *,
    entry: JournalEntry,
    by: User,
    expected_version: int,
    text: str,
    reason: str,
    title: str | None = None,
    occurred_on: date | None = None,
) -> JournalEntry:
    """Correct an entry's text, title or date, keeping the old ones as a revision; a stale
    version is a conflict. A title or date left as None stays as it is."""
    text, reason = text.strip(), reason.strip()
    if not text:
        raise ValidationError("Skriv notatets tekst.", code="text")
    if not reason:
        raise ValidationError("Skriv hvorfor notatet rettes.", code="reason")
    current = JournalEntry.objects.select_related("case__child").get(pk=entry.pk)
    if not current.case.is_open:
        raise ValidationError("Sagen er lukket. Notatet kan ikke rettes.", code="closed")
    if current.version != expected_version:
        raise JournalConflict(current)
    title = current.title if title is None else title.strip()
    occurred_on = current.occurred_on if occurred_on is None else occurred_on
    check_event_date(occurred_on, current.case)
    if (current.text, current.title, current.occurred_on) == (text, title, occurred_on):
        raise ValidationError(
            "Notatet er uændret: ret teksten, overskriften eller datoen.", code="unchanged"
        )
    # The conditional UPDATE is the lock: of two corrections from the same version only one
    # changes a row; the other sees 0 rows and becomes a conflict. The values read above belong
    # to expected_version, because every correction bumps the version.
    updated = JournalEntry.objects.filter(pk=current.pk, version=expected_version).update(
        text=text, title=title, occurred_on=occurred_on, version=F("version") + 1
    )
    if updated != 1:
        raise JournalConflict(JournalEntry.objects.get(pk=current.pk))
    JournalRevision.objects.create(
        entry=current,
        version=expected_version,
        text=current.text,
        title=current.title,
        occurred_on=current.occurred_on,
        corrected_by=by,
        reason=reason,
    )
    current.refresh_from_db()
    log_action(
        current, AuditAction.UPDATE, by=by, purpose="rettelse af journalnotat", about=current.case
    )
    return current
