"""Celery tasks of the parents' portal: thin, ids as arguments, idempotent."""

from typing import Any

from celery import Task, shared_task

from . import mail

#: Back-off between e-mail attempts, in seconds: 1, 2, 4, 8 minutes.
RETRY_BASE_SECONDS = 60


@shared_task(bind=True, acks_late=True, max_retries=4)
def email_parent(self: Task[Any, Any], notification_id: int, guardian_id: int) -> bool:
    """E-mail one parent notification (once); retried with back-off on transport errors."""
    try:
        return mail.email_parent(notification_id, guardian_id)
    except OSError as exc:
        if self.request.is_eager:
            return False
        raise self.retry(exc=exc, countdown=RETRY_BASE_SECONDS * 2**self.request.retries) from exc
