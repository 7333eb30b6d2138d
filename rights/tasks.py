"""Celery tasks of the rights app: thin, by id, idempotent."""

from functools import partial
from typing import Any

from celery import Task, shared_task

from ppr.tasks import retry_or_give_up

from . import jobs

MAX_RETRIES = 3


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def build_access_export(self: Task[Any, Any], export_id: int) -> str:
    """Build an ordered art. 15 export (routed to the ``pdf`` queue in settings)."""
    try:
        return jobs.build_access_export(export_id=export_id)
    except jobs.TransientExportError as exc:
        return retry_or_give_up(
            self, exc, backoff=5, give_up=partial(jobs.give_up, export_id=export_id)
        )
