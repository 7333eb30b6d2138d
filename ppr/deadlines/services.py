"""Deadline verbs: open, meet, cancel, reassign; notifications; the reminder outbox.

Domain apps call ``open_deadline`` when an obligation arises and ``meet_deadlines`` /
``cancel_deadlines`` when it is fulfilled or falls away. A subject may define
``deadline_link`` (a URL path), ``deadline_district_id`` and ``can_be_handled_by(user)``;
``ppr`` never imports the domain apps, so these are read with ``getattr``.

The reminder outbox is exactly-once by construction: a ``Reminder`` row per (deadline, kind)
under a unique constraint, claimed by the sweep with ``SELECT … FOR UPDATE SKIP LOCKED`` and
delivered by a task that locks the row, re-checks it, and marks it sent in the same
transaction as the in-app notification. The one duplicate window: if a worker dies after the
SMTP server accepted the e-mail but before the transaction commits, the reaper re-queues the
claim and the e-mail (only the e-mail) is sent again.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.expressions import Combinable
from django.urls import reverse
from django.utils import timezone

from ppr.accounts.models import Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.organisation.models import Municipality
from ppr.site import absolute_url

from . import calendar
from .models import (
    OUTSTANDING_STATES,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
)

logger = logging.getLogger(__name__)

AUDIT_PURPOSE = "frister"

#: Delivery attempts per reminder e-mail before it is marked failed.
REMINDER_MAX_ATTEMPTS = 5
#: A claim older than this is considered lost (worker died) and re-queued by the reaper.
#: Longer than the longest retry back-off so a reminder waiting for its retry is not re-queued.
CLAIM_TIMEOUT = timedelta(minutes=30)
#: Rows claimed per transaction by the sweep.
CLAIM_BATCH = 1000


# --- Due dates ---------------------------------------------------------------------------


def default_due(kind: str, *, start: date | None = None) -> date:
    """The default due date for ``kind`` from the municipality's configuration."""
    municipality = Municipality.current()
    start = start or calendar.today()
    if kind == DeadlineKind.KVITTERING:
        return calendar.add_working_days(start, municipality.receipt_working_days)
    if kind == DeadlineKind.VISITATION:
        return calendar.add_working_days(start, municipality.visitation_working_days)
    if kind == DeadlineKind.NOTAT:
        return calendar.add_working_days(start, municipality.notat_working_days)
    if kind == DeadlineKind.PPV:
        # A service target in weeks, landing on a working day.
        return calendar.add_working_days(start + timedelta(weeks=municipality.ppv_service_weeks), 0)
    raise ValueError(f"Ingen standardfrist for {kind!r}.")


# --- Deadlines ---------------------------------------------------------------------------


def _subject_filter(subject: models.Model, kind: str | None) -> models.QuerySet[Deadline]:
    qs = Deadline.objects.for_subject(subject).filter(state__in=OUTSTANDING_STATES)
    return qs.filter(kind=kind) if kind else qs


@transaction.atomic
def open_deadline(
    *,
    subject: models.Model,
    kind: str,
    due: date,
    responsible: User | None,
    by: User | None,
    title: str,
) -> Deadline:
    """Open a deadline for ``subject``; returns the existing outstanding one of this kind if any."""
    if kind not in DeadlineKind.values:
        raise ValidationError("Ukendt fristtype.", code="kind")
    if subject.pk is None:
        raise ValueError("A deadline's subject must be saved first.")
    existing = _subject_filter(subject, kind).first()
    if existing is not None:
        return existing
    if due < calendar.today():
        raise ValidationError("En frist kan ikke ligge i fortiden.", code="past")
    title = title.strip() or DeadlineKind(kind).label
    try:
        # A savepoint: a racing request may have opened the same deadline a moment ago.
        with transaction.atomic():
            deadline = Deadline.objects.create(
                kind=kind,
                content_type=ContentType.objects.get_for_model(subject),
                object_id=subject.pk,
                title=title[:200],
                due=due,
                responsible=responsible,
                created_by=by,
                link=str(getattr(subject, "deadline_link", "") or "")[:300],
                district_id=getattr(subject, "deadline_district_id", None),
            )
    except IntegrityError:
        existing = _subject_filter(subject, kind).first()
        if existing is None:
            raise
        return existing
    log_action(deadline, AuditAction.CREATE, by=by, purpose=AUDIT_PURPOSE)
    return deadline


def _close(subject: models.Model, kind: str | None, by: User | None, **changes: Any) -> int:
    deadlines = list(_subject_filter(subject, kind).select_for_update())
    for deadline in deadlines:
        for field, value in changes.items():
            setattr(deadline, field, value)
        deadline.save(update_fields=[*changes])
        log_action(deadline, AuditAction.UPDATE, by=by, purpose=AUDIT_PURPOSE)
    return len(deadlines)


@transaction.atomic
def meet_deadlines(
    *, subject: models.Model, kind: str | None = None, by: User | None = None
) -> int:
    """Mark the subject's outstanding deadlines (of ``kind``, or all) as met; returns how many."""
    return _close(subject, kind, by, state=DeadlineState.MET, met_at=timezone.now())


@transaction.atomic
def cancel_deadlines(
    *, subject: models.Model, kind: str | None = None, by: User | None = None
) -> int:
    """Cancel the subject's outstanding deadlines (of ``kind``, or all); returns how many."""
    return _close(subject, kind, by, state=DeadlineState.CANCELLED, cancelled_at=timezone.now())


@transaction.atomic
def reopen_deadlines(
    *, subject: models.Model, kind: str, since: datetime, by: User | None = None
) -> int:
    """Reopen the subject's deadlines cancelled since ``since``: the cancelling action was undone."""
    cancelled = (
        Deadline.objects.for_subject(subject)
        .select_for_update()
        .filter(
            kind=kind,
            state=DeadlineState.CANCELLED,
            cancelled_at__gte=since,
        )
    )
    reopened = 0
    for deadline in cancelled:
        deadline.state = (
            DeadlineState.OVERDUE if deadline.due < calendar.today() else DeadlineState.OPEN
        )
        deadline.cancelled_at = None
        deadline.save(update_fields=["state", "cancelled_at"])
        log_action(deadline, AuditAction.UPDATE, by=by, purpose=AUDIT_PURPOSE)
        reopened += 1
    return reopened


def met_by_hand(deadline: Deadline) -> bool:
    """Is this a deadline people close themselves ("udført"), not one a domain verb closes?

    A subject model opts in with ``deadline_met_by_hand = True`` (e.g. a henvisning's or an
    agenda item's follow-up: nothing else in the product records that the follow-up happened).
    """
    model = deadline.content_type.model_class()
    return bool(getattr(model, "deadline_met_by_hand", False))


@transaction.atomic
def complete_deadline(*, deadline: Deadline, by: User) -> Deadline:
    """The responsible person (or the PPR leader) marks a by-hand deadline as met, audited."""
    deadline = (
        Deadline.objects.select_for_update().select_related("content_type").get(pk=deadline.pk)
    )
    if not (by.is_ppr_leader or Deadline.objects.mine(by).filter(pk=deadline.pk).exists()):
        raise PermissionDenied
    if not deadline.is_outstanding:
        raise ValidationError("Fristen er allerede lukket.", code="closed")
    if not met_by_hand(deadline):
        raise ValidationError(
            "Denne frist lukkes af sig selv, når opgaven er gjort i PPR Sag.", code="automatic"
        )
    deadline.state = DeadlineState.MET
    deadline.met_at = timezone.now()
    deadline.save(update_fields=["state", "met_at"])
    log_action(deadline, AuditAction.UPDATE, by=by, purpose=AUDIT_PURPOSE)
    return deadline


def can_handle(user: User, deadline: Deadline) -> bool:
    """May ``user`` be responsible for ``deadline``? The subject decides, else PPR staff only."""
    if not user.is_active:
        return False
    subject = deadline.subject
    check = getattr(subject, "can_be_handled_by", None)
    if callable(check):
        return bool(check(user))
    return user.is_ppr_staff


@transaction.atomic
def reassign_deadline(*, deadline: Deadline, responsible: User, by: User) -> Deadline:
    """The PPR leader hands an outstanding deadline to another person who can handle the subject."""
    if not by.is_ppr_leader:
        raise PermissionDenied
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not deadline.is_outstanding:
        raise ValidationError("Fristen er lukket og kan ikke gives videre.", code="closed")
    if not can_handle(responsible, deadline):
        raise ValidationError(
            "%(name)s har ikke adgang til det, fristen handler om, og kan ikke blive ansvarlig.",
            code="no_access",
            params={"name": str(responsible)},
        )
    if deadline.responsible_id == responsible.pk:
        return deadline
    deadline.responsible = responsible
    deadline.save(update_fields=["responsible"])
    log_action(deadline, AuditAction.UPDATE, by=by, purpose=AUDIT_PURPOSE)
    notify(
        recipients=[responsible],
        message=f"Du er blevet ansvarlig for en frist: {deadline.title} (frist {deadline.due:%d.%m.%Y}).",
        link=deadline.link,
    )
    return deadline


@transaction.atomic
def hand_over_deadlines(
    *, subject: models.Model, previous: User | None, responsible: User | None, by: User | None
) -> int:
    """Move the subject's outstanding deadlines held by ``previous`` (or by nobody) to ``responsible``.

    For a domain reassignment (a case handed to another case worker): the subject's own rules
    already decided who may hold it, so no access check here. Returns how many moved.
    """
    holders = models.Q(responsible__isnull=True)
    if previous is not None:
        holders |= models.Q(responsible=previous)
    deadlines = list(
        _subject_filter(subject, None)
        .filter(holders)
        .exclude(responsible=responsible)
        .select_for_update()
    )
    for deadline in deadlines:
        deadline.responsible = responsible
        deadline.save(update_fields=["responsible"])
        log_action(deadline, AuditAction.UPDATE, by=by, purpose=AUDIT_PURPOSE)
    if deadlines and responsible is not None:
        titles = ", ".join(d.title for d in deadlines)
        notify(
            recipients=[responsible],
            message=f"Du er blevet ansvarlig for: {titles}."[:300],
            link=deadlines[0].link,
        )
    return len(deadlines)


@transaction.atomic
def save_deadline_defaults(*, municipality: Municipality, by: User) -> Municipality:
    """Save the municipality's deadline defaults (the PPR leader's settings page), audited."""
    if not by.is_ppr_leader:
        raise PermissionDenied
    municipality.save(update_fields=list(DEADLINE_DEFAULT_FIELDS))
    log_action(municipality, AuditAction.UPDATE, by=by, purpose=AUDIT_PURPOSE)
    return municipality


DEADLINE_DEFAULT_FIELDS = (
    "receipt_working_days",
    "visitation_working_days",
    "ppv_service_weeks",
    "notat_working_days",
    "reminder_lead_working_days",
)


# --- Notifications -----------------------------------------------------------------------


def notify(*, recipients: Iterable[User], message: str, link: str = "", email: bool = True) -> None:
    """An in-app notification per recipient, and an e-mail queued after commit.

    ``message`` names the task, never the child: it goes into an e-mail.
    """
    rows = [
        Notification(recipient=user, message=message[:300], link=link[:300])
        for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values()
    ]
    created = Notification.objects.bulk_create(rows)
    if not email:
        return
    from .tasks import send_notification_email

    for notification in created:
        if notification.recipient.email and notification.pk:
            transaction.on_commit(partial(send_notification_email.delay, notification.pk))


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
def mark_notifications_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or ``ids``) read."""
    qs = Notification.objects.visible_to(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# --- Reminder outbox ---------------------------------------------------------------------


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


def _queue(ids: list[int]) -> None:
    from .tasks import send_reminder

    def send() -> None:
        if send_reminder.app.conf.task_always_eager:
            for pk in ids:
                send_reminder.delay(pk)
            return
        # One broker connection for the whole batch instead of one per message.
        with send_reminder.app.producer_or_acquire() as producer:
            for pk in ids:
                send_reminder.apply_async((pk,), producer=producer)

    transaction.on_commit(send)


def claim_pending_reminders(*, limit: int = CLAIM_BATCH) -> list[int]:
    """Claim up to ``limit`` pending reminders (skipping rows another sweep holds) and queue them."""
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
            _queue(ids)
    return ids


def requeue_stale_claims(
    *, older_than: timedelta = CLAIM_TIMEOUT, limit: int = CLAIM_BATCH
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
            _queue(ids)
    return ids


def sweep(*, today: date | None = None) -> dict[str, int]:
    """One pass of the beat job: create due reminders, then claim and queue every pending one."""
    near, overdue = create_due_reminders(today=today)
    claimed = 0
    while batch := claim_pending_reminders():
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
