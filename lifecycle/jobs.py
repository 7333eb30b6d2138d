"""The life cycle's work for the Celery tasks: list what is due, claim an approval, delete an
approved list in resumable batches. ``services`` approves and queues the tasks; the tasks call
this module, which imports neither."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import Case, Referral
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import record

from . import registry
from .models import (
    DeletionLogEntry,
    DueItem,
    DueItemState,
    DueList,
    DueListStatus,
    RetentionRule,
)
from .record_types import CLOSED_CASE, CLOSED_REFERRAL

PURPOSE = "sletning efter opbevaringsregel"


def years_for(key: str) -> int:
    row = RetentionRule.objects.filter(record_type=key).values_list("years", flat=True).first()
    return row if row is not None else registry.RECORD_TYPES[key].default_years


def rule_text(key: str, years: int) -> str:
    """How the deletion log names a rule: type, years and clock; no personal data."""
    kind = registry.RECORD_TYPES[key]
    return f"{kind.label}: {years} år efter at {kind.clock[0].lower()}{kind.clock[1:]}"


def _in_deletion() -> set[tuple[str, int]]:
    """Records on an approved list not yet deleted: not listed again."""
    return set(
        DueItem.objects.filter(
            due_list__status=DueListStatus.APPROVED, state=DueItemState.PENDING
        ).values_list("record_type", "object_id")
    )


def list_due(*, today: date | None = None) -> DueList:
    """The nightly job: the list under review, brought up to date with what is due today.

    Running it twice gives the same list: an item is added once (unique per list), a record no
    longer due (a case reopened) leaves the list, and a held record is listed as held.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        due_list = DueList.objects.select_for_update().filter(status=DueListStatus.REVIEW).first()
        if due_list is None:
            due_list = DueList.objects.create(created_on=today)
        busy = _in_deletion()
        candidates = [
            c
            for kind in registry.record_types()
            for c in kind.due(years_for(kind.key), today)
            if c.key not in busy
        ]
        held = registry.held(candidates, today)
        existing = {
            (i.record_type, i.object_id): i
            for i in due_list.items.only("pk", "record_type", "object_id", "state")
        }
        wanted = {c.key for c in candidates}
        DueItem.objects.filter(
            pk__in=[i.pk for key, i in existing.items() if key not in wanted]
        ).delete()
        new, changed = [], []
        for c in candidates:
            state = DueItemState.HELD if c.key in held else DueItemState.PENDING
            item = existing.get(c.key)
            if item is None:
                new.append(
                    DueItem(
                        due_list=due_list,
                        record_type=c.record_type,
                        object_id=c.object_id,
                        clock_started=c.clock_started,
                        due_on=c.due_on,
                        state=state,
                    )
                )
            elif item.state != state:
                item.state = state
                changed.append(item)
        DueItem.objects.bulk_create(new, batch_size=1000)
        DueItem.objects.bulk_update(changed, ["state"], batch_size=1000)
    return due_list


def claim_approval(*, due_list: DueList, by: User | None) -> bool:
    """Mark the list approved if it is still under review (a conditional UPDATE: a double
    submit or two leaders at once approve it once); ``by`` None is the automatic approval."""
    claimed = DueList.objects.filter(pk=due_list.pk, status=DueListStatus.REVIEW).update(
        status=DueListStatus.APPROVED,
        approved_at=timezone.now(),
        approved_by=by,
        automatic=by is None,
    )
    if claimed:
        record(
            None,
            AuditAction.DELETE,
            obj=due_list,
            purpose=PURPOSE,
            term="sletteliste godkendt" + (" automatisk" if by is None else ""),
            user=by,
        )
    due_list.refresh_from_db()
    return bool(claimed)


def delete_batch(*, due_list: DueList, size: int, today: date | None = None) -> int:
    """Delete the next ``size`` pending records of one type in one transaction; returns how
    many items the batch settled (0: nothing left). The batch's deletions, its log entries and
    its items' state commit together, so a crash loses at most the batch in flight, and
    running again resumes after the last committed batch."""
    today = today or timezone.localdate()
    with transaction.atomic():
        first = (
            DueItem.objects.select_for_update(skip_locked=True)
            .filter(due_list=due_list, state=DueItemState.PENDING)
            .order_by("record_type", "object_id")
            .first()
        )
        if first is None:
            return 0
        kind = registry.RECORD_TYPES[first.record_type]
        items = list(
            DueItem.objects.select_for_update(skip_locked=True)
            .filter(due_list=due_list, state=DueItemState.PENDING, record_type=kind.key)
            .order_by("object_id")[:size]
        )
        last = DueItem.objects.filter(due_list=due_list).aggregate(last=Max("batch"))["last"]
        batch = (last or 0) + 1
        candidates = [
            registry.Candidate(i.record_type, i.object_id, i.clock_started, i.due_on, None)
            for i in items
        ]
        # Holds are asked again: one set after the approval still stops the deletion.
        children = _children_of(kind.key, [i.object_id for i in items])
        candidates = [
            registry.Candidate(
                c.record_type, c.object_id, c.clock_started, c.due_on, children.get(c.object_id)
            )
            for c in candidates
        ]
        held = registry.held(candidates, today)
        ids = [i.object_id for i in items if (kind.key, i.object_id) not in held]
        extra = kind.delete(ids) if ids else []
        years = years_for(kind.key)
        rule = rule_text(kind.key, years)
        now = timezone.now()
        DeletionLogEntry.objects.bulk_create(
            [
                DeletionLogEntry(
                    record_type=record_type,
                    object_id=pk,
                    rule=rule,
                    deleted_at=now,
                    due_list=due_list,
                    approved_by=due_list.approved_by,
                    automatic=due_list.automatic,
                )
                for record_type, pk in [(kind.key, pk) for pk in ids] + list(extra)
            ],
            ignore_conflicts=True,
        )
        for item in items:
            item.state = (
                DueItemState.HELD if (kind.key, item.object_id) in held else DueItemState.DELETED
            )
            item.batch = batch
        DueItem.objects.bulk_update(items, ["state", "batch"])
    return len(items)


def _children_of(key: str, ids: list[int]) -> dict[int, int]:
    """The child each record concerns, for the holds (none for anonymous records)."""
    model = {CLOSED_CASE: Case, CLOSED_REFERRAL: Referral}.get(key)
    if model is None:
        return {}
    return dict(model._default_manager.filter(pk__in=ids).values_list("pk", "child"))


def delete_approved(*, due_list: DueList, size: int | None = None) -> int:
    """Work through an approved list batch by batch; safe to run again after a crash."""
    size = size or settings.RETENTION_BATCH_SIZE
    settled = 0
    while count := delete_batch(due_list=due_list, size=size):
        settled += count
    DueList.objects.filter(pk=due_list.pk, status=DueListStatus.APPROVED).update(
        status=DueListStatus.DONE, finished_at=timezone.now()
    )
    return settled
