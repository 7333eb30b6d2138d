"""Celery tasks for deadlines: thin wrappers around services, ids as arguments, idempotent."""

import logging
from typing import Any

from celery import Task, shared_task

from . import outbox

logger = logging.getLogger(__name__)

#: Back-off between e-mail attempts, in seconds: 1, 2, 4, 8 minutes.
RETRY_BASE_SECONDS = 60


@shared_task(acks_late=True)
def sweep() -> dict[str, int]:
    """Beat job: mark overdue, create due reminder rows, claim and queue them."""
    return outbox.sweep(queue=queue_reminders)


@shared_task(acks_late=True)
def reap_stale_claims() -> int:
    """Beat job: re-queue reminders whose worker died after claiming them."""
    return len(outbox.requeue_stale_claims(queue=queue_reminders))


@shared_task(bind=True, acks_late=True, max_retries=outbox.REMINDER_MAX_ATTEMPTS - 1)
def send_reminder(self: Task[Any, Any], reminder_id: int) -> str:
    """Deliver one reminder; retried with back-off while its e-mail fails."""
    outcome = outbox.deliver_reminder(reminder_id, max_attempts=outbox.REMINDER_MAX_ATTEMPTS)
    if outcome == outbox.Delivery.RETRY:
        if self.request.is_eager:
            # No broker to delay a retry on (demo, tests): the claim stays, and the reaper
            # re-queues it once it is older than CLAIM_TIMEOUT.
            return str(outcome)
        raise self.retry(countdown=RETRY_BASE_SECONDS * 2**self.request.retries)
    return str(outcome)


@shared_task(bind=True, acks_late=True, max_retries=4)
def send_notification_email(self: Task[Any, Any], notification_id: int) -> bool:
    """E-mail one in-app notification (once); retried with back-off on transport errors."""
    try:
        return outbox.email_notification(notification_id)
    except OSError as exc:
        if self.request.is_eager:
            # In-process (demo): never break the request that committed the notification.
            logger.warning(
                "Notification %s: e-mail failed (%s)", notification_id, type(exc).__name__
            )
            return False
        raise self.retry(exc=exc, countdown=RETRY_BASE_SECONDS * 2**self.request.retries) from exc


def queue_reminders(ids: list[int]) -> None:
    """Queue the delivery of claimed reminders, a ``send_reminder`` each (the outbox calls this
    when the claim commits)."""
    if send_reminder.app.conf.task_always_eager:
        for pk in ids:
            send_reminder.delay(pk)
        return
    # One broker connection for the whole batch instead of one per message.
    with send_reminder.app.producer_or_acquire() as producer:
        for pk in ids:
            send_reminder.apply_async((pk,), producer=producer)
