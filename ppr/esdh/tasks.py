"""Celery tasks of the ESDH and the index: thin, by id, idempotent, retried with backoff."""

import logging
from typing import Any

from celery import Task, shared_task

from ppr.tasks import MAX_RETRIES as MAX_RETRIES
from ppr.tasks import delivery_task, run_or_queue

from . import delivery
from .adapter import TransientError

logger = logging.getLogger(__name__)


@delivery_task(TransientError)
def file_in_esdh(self: Task[Any, Any], filing_id: int) -> str:
    return delivery.file(filing_id)


@delivery_task(TransientError)
def sync_index_entry(self: Task[Any, Any], entry_id: str) -> str:
    return delivery.sync_index(entry_id)


def _run(task: Task[Any, Any], arg: object) -> None:
    if not run_or_queue(task, arg, transient=TransientError):
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
