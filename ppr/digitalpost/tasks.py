"""Celery tasks of Digital Post: thin, by id, idempotent by the message UUID."""

import logging
import uuid
from typing import Any

from celery import Task, shared_task
from celery.exceptions import Retry

from . import sending
from .transports import TransportError

logger = logging.getLogger(__name__)

#: Tries of one message before the periodic resend takes over (about 2 h with the backoff).
MAX_RETRIES = 8


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(TransportError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_message(self: Task[Any, Any], message_id: str) -> str:
    """Send one message; a transient failure is retried with exponential backoff."""
    return sending.deliver(message_id)


def enqueue(message_id: uuid.UUID) -> None:
    """Hand the message to Celery. Without a broker the task runs here, in the request that
    sent the document: a send that still fails after its retries leaves the message 'fejlet'
    for the periodic resend and must not turn the (committed) sending into an error page."""
    if not send_message.app.conf.task_always_eager:
        send_message.delay(str(message_id))
        return
    # In-process, Celery's eager retry raises into the caller instead of trying again: try
    # as often as a worker would, without the wait (the request is still in progress).
    for attempt in range(MAX_RETRIES + 1):
        try:
            send_message.apply(args=(str(message_id),), retries=attempt, throw=True)
        except (Retry, TransportError):
            continue
        return
    logger.warning("Digital Post message %s not sent yet; the resend job retries it", message_id)


@shared_task
def resend_unsent() -> int:
    """Queue again the messages whose retries ran out or whose queueing failed (beat job)."""
    ids = sending.unsent()
    for message_id in ids:
        enqueue(message_id)
    return len(ids)
