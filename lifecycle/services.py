"""The life cycle's verbs: edit a rule, set or lift a legal hold, approve the list due for
deletion (the work itself is in ``jobs``, run by ``tasks``)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Child
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action, record

from . import jobs, registry, tasks
from .models import (
    DueList,
    LegalHold,
    RetentionRule,
)


def _require_leader(by: User) -> None:
    if not by.has_perm("lifecycle.manage"):
        raise PermissionDenied


@dataclass(frozen=True)
class Rule:
    """A record type with the years its rule keeps it."""

    type: registry.RecordType
    years: int
    row: RetentionRule | None


def rules() -> list[Rule]:
    """Every record type's rule: the PPR leader's, else the default."""
    rows = {r.record_type: r for r in RetentionRule.objects.select_related("updated_by")}
    return [
        Rule(t, rows[t.key].years if t.key in rows else t.default_years, rows.get(t.key))
        for t in registry.record_types()
    ]


years_for = jobs.years_for


def update_rule(*, record_type: str, years: int, by: User) -> RetentionRule:
    """Set how many years a record type is kept; never under its legal minimum."""
    _require_leader(by)
    kind = registry.RECORD_TYPES[record_type]
    if years < kind.min_years:
        raise ValidationError(
            f"{kind.label} skal opbevares i mindst {kind.min_years} år.", code="min_years"
        )
    with transaction.atomic():
        rule, _ = RetentionRule.objects.update_or_create(
            record_type=record_type, defaults={"years": years, "updated_by": by}
        )
        record(None, AuditAction.UPDATE, obj=rule, purpose="opbevaringsregel", user=by)
    return rule


def set_legal_hold(*, child: Child, reason: str, until: date, by: User) -> LegalHold:
    """Stop every clock of the child's records until ``until``, with a reason."""
    _require_leader(by)
    with transaction.atomic():
        legal = LegalHold.objects.create(child=child, reason=reason, until=until, created_by=by)
        log_action(legal, AuditAction.CREATE, by=by, purpose="retligt tilbagehold", about=child)
    return legal


def lift_legal_hold(*, legal: LegalHold, by: User) -> LegalHold:
    _require_leader(by)
    with transaction.atomic():
        updated = LegalHold.objects.filter(pk=legal.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=by
        )
        if updated:
            log_action(
                legal,
                AuditAction.UPDATE,
                by=by,
                purpose="retligt tilbagehold ophævet",
                about=legal.child,
            )
    legal.refresh_from_db()
    return legal


def approve(*, due_list: DueList, by: User) -> DueList:
    """The PPR leader approves the list; its records are deleted by a task after the commit."""
    _require_leader(by)
    with transaction.atomic():
        if jobs.claim_approval(due_list=due_list, by=by):
            transaction.on_commit(lambda: tasks.delete_approved.delay(due_list.pk))
    return due_list
