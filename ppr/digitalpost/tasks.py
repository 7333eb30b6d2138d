"""Celery tasks of Digital Post: thin, by id, idempotent by the message UUID."""

import logging
import uuid
from typing import Any

from celery import Task, shared_task

from ppr.tasks import MAX_RETRIES as MAX_RETRIES
from ppr.tasks import delivery_task, run_or_queue

from . import sending
from .transports import TransportError

logger = logging.getLogger(__name__)


@delivery_task(TransportError)
def send_message(self: Task[Any, Any], message_id: str) -> str:
    """Send one message; a transient failure is retried with exponential backoff."""
    return sending.deliver(message_id)


def enqueue(message_id: uuid.UUID) -> None:
    """Hand the message to Celery (or send it here, without a broker): a send that still fails
    after its retries leaves the message 'fejlet' for the periodic resend."""
    if not run_or_queue(send_message, str(message_id), transient=TransportError):
        logger.warning(
            "Digital Post message %s not sent yet; the resend job retries it", message_id
        )


@shared_task
def resend_unsent() -> int:
    """Queue again the messages whose retries ran out or whose queueing failed (beat job)."""
    ids = sending.unsent()
    for message_id in ids:
        enqueue(message_id)
    return len(ids)
