"""The retry shapes the apps' Celery tasks share. A delivery to an outside system (Digital
Post, the ESDH and its index) is retried with backoff on a transient error, run in the request
without a broker, and left for a periodic beat job once the retries run out; a job that builds
a file (an art. 15 export, an archive delivery) retries a transient error a few times, then
gives up and records why."""

from collections.abc import Callable
from typing import Any, Concatenate

from celery import Task, shared_task
from celery.exceptions import Retry

#: Tries of one delivery before the periodic job takes over (about 2 h with the backoff).
MAX_RETRIES = 8


def delivery_task[**P, R](
    *transient: type[Exception],
) -> Callable[[Callable[Concatenate[Task[P, R], P], R]], Task[P, R]]:
    """A bound task retried on a ``transient`` error with exponential backoff (30 s doubling,
    at most an hour, with jitter), ``MAX_RETRIES`` times."""
    return shared_task(
        bind=True,
        acks_late=True,
        autoretry_for=transient,
        retry_backoff=30,
        retry_backoff_max=3600,
        retry_jitter=True,
        max_retries=MAX_RETRIES,
    )


def run_or_queue(task: Task[Any, Any], arg: object, *, transient: type[Exception]) -> bool:
    """Hand the job to Celery. Without a broker it runs here, in the request that queued it:
    tried as often as a worker would, without the wait (Celery's eager retry would raise into
    the caller instead of trying again). False if it still fails: the caller leaves it for the
    periodic job and never turns the committed request into an error page."""
    if not task.app.conf.task_always_eager:
        task.delay(arg)
        return True
    for attempt in range(MAX_RETRIES + 1):
        try:
            task.apply(args=(arg,), retries=attempt, throw=True)
        except (Retry, transient):
            continue
        return True
    return False


def retry_or_give_up(
    task: Task[Any, Any], error: Exception, *, backoff: int, give_up: Callable[..., object]
) -> str:
    """After a transient ``error`` in a bound task: retried on a worker after ``backoff``
    seconds, doubling with each retry; in-process (no broker) or with the retries used up,
    ``give_up(reason=…)`` and 'failed'."""
    if task.request.is_eager or task.request.retries >= (task.max_retries or 0):
        give_up(reason=str(error))
        return "failed"
    raise task.retry(exc=error, countdown=backoff * 2**task.request.retries) from error
