"""Deadline verbs: open, meet, cancel, reassign; notifications; the sweep of the reminder outbox.

Domain apps call ``open_deadline`` when an obligation arises and ``meet_deadlines`` /
``cancel_deadlines`` when it is fulfilled or falls away. A subject may define
``deadline_link`` (a URL path), ``deadline_district_id`` and ``can_be_handled_by(user)``;
``ppr`` never imports the domain apps, so these are read with ``getattr``.

The reminder outbox itself (claims, delivery, the notification e-mail) is ``outbox.py``,
which the tasks call; this module imports the tasks and queues them after commit.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.organisation.models import Municipality

from . import calendar, outbox, tasks
from .models import (
    OUTSTANDING_STATES,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Notification,
)

AUDIT_PURPOSE = "frister"


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
    for notification in created:
        if notification.recipient.email and notification.pk:
            transaction.on_commit(partial(tasks.send_notification_email.delay, notification.pk))


@transaction.atomic
def mark_notifications_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or ``ids``) read."""
    qs = Notification.objects.visible_to(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# --- Reminder outbox (ppr/deadlines/outbox.py) -------------------------------------------


def claim_pending_reminders(*, limit: int = outbox.CLAIM_BATCH) -> list[int]:
    """Claim up to ``limit`` pending reminders and queue their delivery after commit."""
    return outbox.claim_pending_reminders(queue=tasks.queue_reminders, limit=limit)


def requeue_stale_claims(
    *, older_than: timedelta = outbox.CLAIM_TIMEOUT, limit: int = outbox.CLAIM_BATCH
) -> list[int]:
    """The reaper: re-queue claims whose worker evidently died (claimed too long ago, not sent)."""
    return outbox.requeue_stale_claims(
        queue=tasks.queue_reminders, older_than=older_than, limit=limit
    )


def sweep(*, today: date | None = None) -> dict[str, int]:
    """One pass of the beat job: create due reminders, then claim and queue every pending one."""
    return outbox.sweep(queue=tasks.queue_reminders, today=today)
