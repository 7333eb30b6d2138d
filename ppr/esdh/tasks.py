"""Celery tasks of the ESDH and the index: thin, by id, idempotent, retried with backoff."""

import logging
from typing import Any

from celery import Task, shared_task
from celery.exceptions import Retry

from . import delivery
from .adapter import TransientError

logger = logging.getLogger(__name__)

#: Tries before the periodic job takes over (about 2 h with the backoff).
MAX_RETRIES = 8


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(TransientError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def file_in_esdh(self: Task[Any, Any], filing_id: int) -> str:
    return delivery.file(filing_id)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(TransientError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def sync_index_entry(self: Task[Any, Any], entry_id: str) -> str:
    return delivery.sync_index(entry_id)


def _run(task: Any, arg: object) -> None:
    """Hand the job to Celery. Without a broker it runs here, in the request that queued it:
    tried as often as a worker would, without the wait; a job still failing is left for the
    periodic job and never turns the committed request into an error page."""
    if not task.app.conf.task_always_eager:
        task.delay(arg)
        return
    for attempt in range(MAX_RETRIES + 1):
        try:
            task.apply(args=(arg,), retries=attempt, throw=True)
        except (Retry, TransientError):
            continue
        return
    logger.warning("%s %s not done yet; the periodic job retries it", task.name, arg)


def enqueue_filing(filing_id: int) -> None:
    _run(file_in_esdh, filing_id)


def enqueue_index(entry_id: str) -> None:
    _run(sync_index_entry, entry_id)


@shared_task
def retry_unfinished() -> int:
    """Queue again the filings and index updates whose retries ran out (beat job)."""
    filings = delivery.unfinished_filings()
    for filing_id in filings:
        enqueue_filing(filing_id)
    entries = delivery.unsent_index_entries()
    for entry_id in entries:
        enqueue_index(str(entry_id))
    return len(filings) + len(entries)
