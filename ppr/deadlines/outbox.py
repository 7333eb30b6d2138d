"""The reminder outbox and the notification e-mail: the work the deadline tasks do.

The outbox is exactly-once by construction: a ``Reminder`` row per (deadline, kind) under a
unique constraint, claimed by the sweep with ``SELECT … FOR UPDATE SKIP LOCKED`` and delivered
by a task that locks the row, re-checks it, and marks it sent in the same transaction as the
in-app notification. The one duplicate window: if a worker dies after the SMTP server accepted
the e-mail but before the transaction commits, the reaper re-queues the claim and the e-mail
(only the e-mail) is sent again.

The tasks (``tasks.py``) call this module; a claim is handed to ``queue``, which the caller
gives (the tasks module's ``queue_reminders``, also through ``services``), so this module
imports no task.
"""

import logging
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.expressions import Combinable
from django.urls import reverse
from django.utils import timezone

from ppr.accounts.models import Role, User
from ppr.organisation.models import Municipality
from ppr.site import absolute_url

from . import calendar
from .models import (
    OUTSTANDING_STATES,
    Deadline,
    DeadlineState,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
)

logger = logging.getLogger(__name__)

#: Queues the delivery of claimed reminders by id (``tasks.queue_reminders``).
type Queue = Callable[[list[int]], None]

#: Delivery attempts per reminder e-mail before it is marked failed.
REMINDER_MAX_ATTEMPTS = 5
#: A claim older than this is considered lost (worker died) and re-queued by the reaper.
#: Longer than the longest retry back-off so a reminder waiting for its retry is not re-queued.
CLAIM_TIMEOUT = timedelta(minutes=30)
#: Rows claimed per transaction by the sweep.
CLAIM_BATCH = 1000


def email_notification(notification_id: int) -> bool:
    """Send one notification's e-mail unless already sent. Returns whether it sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        body = notification.message
        if notification.link:
            # Through the notification's own link, so that opening it from the e-mail reads it.
            opened = reverse("deadlines:notification-open", args=[notification.pk])
            body += f"\n\nSe mere i PPR Sag: {absolute_url(opened)}"
        EmailMessage(
            subject="PPR Sag: ny notifikation",
            body=body,
            to=[notification.recipient.email],
        ).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        return True


@transaction.atomic
def create_due_reminders(*, today: date | None = None) -> tuple[int, int]:
    """Mark passed deadlines overdue and create missing reminder rows. Returns (near, overdue)."""
    today = today or calendar.today()
    lead = Municipality.current().reminder_lead_working_days
    near_limit = calendar.add_working_days(today, lead)

    Deadline.objects.filter(state=DeadlineState.OPEN, due__lt=today).update(
        state=DeadlineState.OVERDUE
    )

    def missing(kind: str) -> Combinable:
        return ~Exists(Reminder.objects.filter(deadline=OuterRef("pk"), kind=kind))

    near_ids = list(
        Deadline.objects.filter(state=DeadlineState.OPEN, due__gte=today, due__lte=near_limit)
        .filter(missing(ReminderKind.NEAR))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    overdue_ids = list(
        Deadline.objects.filter(state=DeadlineState.OVERDUE)
        .filter(missing(ReminderKind.OVERDUE))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # ignore_conflicts: a concurrent sweep may insert the same rows; the unique constraint wins.
    # Inserting in key order means two sweeps wait for each other instead of deadlocking.
    Reminder.objects.bulk_create(
        [Reminder(deadline_id=pk, kind=ReminderKind.NEAR) for pk in near_ids]
        + [Reminder(deadline_id=pk, kind=ReminderKind.OVERDUE) for pk in overdue_ids],
        ignore_conflicts=True,
        batch_size=CLAIM_BATCH,
    )
    return len(near_ids), len(overdue_ids)


def claim_pending_reminders(*, queue: Queue, limit: int = CLAIM_BATCH) -> list[int]:
    """Claim up to ``limit`` pending reminders (skipping rows another sweep holds) and ``queue``
    their delivery when the claim commits."""
    with transaction.atomic():
        ids = list(
            Reminder.objects.filter(state=ReminderState.PENDING)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(pk__in=ids).update(
                state=ReminderState.CLAIMED, claimed_at=timezone.now()
            )
            transaction.on_commit(partial(queue, ids))
    return ids


def requeue_stale_claims(
    *, queue: Queue, older_than: timedelta = CLAIM_TIMEOUT, limit: int = CLAIM_BATCH
) -> list[int]:
    """The reaper: re-queue claims whose worker evidently died (claimed too long ago, not sent)."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        ids = list(
            Reminder.objects.filter(state=ReminderState.CLAIMED, claimed_at__lte=cutoff)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(pk__in=ids).update(claimed_at=timezone.now())
            transaction.on_commit(partial(queue, ids))
    return ids


def sweep(*, queue: Queue, today: date | None = None) -> dict[str, int]:
    """One pass of the beat job: create due reminders, then claim and queue every pending one."""
    near, overdue = create_due_reminders(today=today)
    claimed = 0
    while batch := claim_pending_reminders(queue=queue):
        claimed += len(batch)
    return {"near": near, "overdue": overdue, "claimed": claimed}


def reminder_recipients(deadline: Deadline) -> list[User]:
    """The responsible person; for an unassigned deadline (or an inactive one) the PPR leaders and secretaries."""
    if deadline.responsible is not None and deadline.responsible.is_active:
        return [deadline.responsible]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__active=True,
            memberships__role__in=[Role.PPR_LEADER, Role.SECRETARY],
        ).distinct()
    )


def reminder_message(reminder: Reminder, deadline: Deadline) -> str:
    if reminder.kind == ReminderKind.NEAR:
        return f"Frist nærmer sig: {deadline.title} – frist {deadline.due:%d.%m.%Y}."
    return f"Frist overskredet: {deadline.title} – fristen var {deadline.due:%d.%m.%Y}."


class Delivery(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    DONE_BEFORE = "done_before"
    RETRY = "retry"
    FAILED = "failed"


def _still_due(reminder: Reminder, deadline: Deadline) -> bool:
    if reminder.kind == ReminderKind.NEAR:
        return deadline.state == DeadlineState.OPEN
    return deadline.state in OUTSTANDING_STATES


def deliver_reminder(reminder_id: int, *, max_attempts: int = REMINDER_MAX_ATTEMPTS) -> Delivery:
    """Send one claimed reminder: in-app notification and e-mail, marked sent in one transaction.

    Locks the row first, so a re-queued duplicate waits and then finds it sent. On an e-mail
    error the notification is kept, the attempt counted, and the caller retries; after
    ``max_attempts`` the reminder is marked failed for the PPR leader to see.
    """
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related("deadline__responsible")
            .filter(pk=reminder_id)
            .first()
        )
        if reminder is None or reminder.state not in (ReminderState.CLAIMED, ReminderState.PENDING):
            return Delivery.DONE_BEFORE
        deadline = reminder.deadline
        now = timezone.now()
        if not _still_due(reminder, deadline):
            reminder.state = ReminderState.SKIPPED
            reminder.save(update_fields=["state"])
            return Delivery.SKIPPED
        recipients = reminder_recipients(deadline)
        message = reminder_message(reminder, deadline)
        if reminder.notified_at is None:
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient=u, message=message, link=deadline.link, reminder=reminder
                    )
                    for u in recipients
                ],
                ignore_conflicts=True,
            )
            reminder.notified_at = now
        reminder.attempts += 1
        addresses = [u.email for u in recipients if u.email]
        try:
            if addresses:
                body = message + (
                    f"\n\nSe mere i PPR Sag: {absolute_url(deadline.link)}" if deadline.link else ""
                )
                EmailMessage(
                    subject=f"PPR Sag: {ReminderKind(reminder.kind).label.lower()}",
                    body=body,
                    to=addresses,
                    headers={"X-PPR-Reminder": str(reminder.pk)},
                ).send()
        except Exception as exc:  # noqa: BLE001 - any transport error is retried, then reported
            reminder.last_error = type(exc).__name__[:200]
            logger.warning(
                "Reminder %s: e-mail failed (%s), attempt %s",
                reminder.pk,
                reminder.last_error,
                reminder.attempts,
            )
            if reminder.attempts >= max_attempts:
                reminder.state = ReminderState.FAILED
                reminder.save(update_fields=["state", "attempts", "last_error", "notified_at"])
                return Delivery.FAILED
            reminder.claimed_at = now
            reminder.save(update_fields=["attempts", "last_error", "notified_at", "claimed_at"])
            return Delivery.RETRY
        reminder.state = ReminderState.SENT
        reminder.sent_at = now
        reminder.save(update_fields=["state", "sent_at", "attempts", "notified_at"])
        return Delivery.SENT
