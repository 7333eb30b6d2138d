"""Celery tasks of the documents app: thin, by id, idempotent."""

from typing import Any

from celery import Task, shared_task

from . import jobs

#: Retries of a transient failure (storage, database) before the document is marked failed.
MAX_RETRIES = 3


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def render_document(self: Task[Any, Any], document_id: int) -> str:
    """Render an ordered document (routed to the ``pdf`` queue in settings)."""
    retries_left = MAX_RETRIES - self.request.retries
    while True:
        try:
            return jobs.render_document(document_id=document_id)
        except jobs.TransientRenderError as exc:
            if retries_left <= 0:
                jobs.give_up(document_id=document_id, reason=str(exc))
                return "failed"
            retries_left -= 1
            if not self.request.is_eager:
                raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
            # In-process (no broker), Celery's eager retry would raise into the web request
            # that ordered the PDF; try again here instead.
