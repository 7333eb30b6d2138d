"""A real Celery worker consumes tasks from Redis (runs only when REDIS_URL is configured).

Without REDIS_URL tasks run in-process (CELERY_TASK_ALWAYS_EAGER) and every other test covers
them that way; this test proves the production path: JSON over the broker, a worker thread,
the task's own database connection.
"""

import time
import uuid
from datetime import timedelta

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from ppr.audit.models import AuditAction, AuditEvent
from ppr.audit.services import record
from ppr.audit.tasks import purge_expired_audit_events
from ppr.celery import app

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs a real Redis: set REDIS_URL"),
]


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def close_worker_connections(**kwargs: object) -> None:
    """Close the worker thread's database connections after each task.

    A worker process would reuse them until it exits; the test's worker thread ends with the
    test, and an unclosed connection is a ResourceWarning (an error here). Django keeps an
    in-memory SQLite connection open on close(), so that one is closed the base class's way.
    """
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            BaseDatabaseWrapper.close(connection)
        else:
            connection.close()


#: A queue of this test run's own: other test runs or workers on the same Redis never see
#: its messages, and messages left over in the default queue never reach this worker.
QUEUE = f"test-{uuid.uuid4().hex}"


@pytest.fixture
def worker(transactional_db, django_db_serialized_rollback):
    """One worker thread for the test; the test data is committed so the worker can see it."""
    assert not app.conf.task_always_eager, "with REDIS_URL set, tasks must go through the broker"
    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=20, queues=[QUEUE]
        ) as controller:
            yield controller
    finally:
        task_postrun.disconnect(close_worker_connections)
        # kombu keeps the queue's bindings as Redis sets; remove them so runs leave no trace.
        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(QUEUE, f"_kombu.binding.{QUEUE}", f"_kombu.binding_permanent.{QUEUE}")
        client.close()


def test_the_audit_purge_runs_through_a_real_worker(worker, cast) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS + 10)):
        old = record(None, AuditAction.VIEW, user=cast.psychologist, child_id=1, purpose="gammel")
    recent = record(None, AuditAction.VIEW, user=cast.psychologist, child_id=1, purpose="ny")

    purge_expired_audit_events.apply_async(queue=QUEUE)

    assert wait_for(lambda: not AuditEvent.objects.filter(pk=old.pk).exists()), (
        "the worker never ran the purge"
    )
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_tasks_travel_as_json() -> None:
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
