"""Two sweeps (or two deliveries) at the same time on PostgreSQL: still exactly once.

SQLite serialises writers and ignores FOR UPDATE, so these run on PostgreSQL only.
"""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from ppr.deadlines import outbox, services
from ppr.deadlines.models import Notification, Reminder, ReminderState

from .factories import deadline, subject

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

WEDNESDAY = date(2026, 4, 1)


def run_together(*functions: Callable[[], object]) -> list[object]:
    """Start every function at the same moment in its own thread (own connection)."""
    barrier = threading.Barrier(len(functions))
    results: list[object] = [None] * len(functions)
    errors: list[BaseException] = []

    def run(index: int, function: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = function()
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def sent_reminder_ids() -> Counter[str]:
    return Counter(message.extra_headers["X-PPR-Reminder"] for message in mail.outbox)


@pytest.mark.parametrize("round_", range(3))
def test_two_sweeps_at_once_send_each_reminder_exactly_once(cast, round_: int) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        shared = subject()
        people = [cast.psychologist, cast.colleague, cast.outsider]
        for n in range(150):
            due = WEDNESDAY - timedelta(days=1 + n % 5) if n % 2 else date(2026, 4, 7)
            deadline(responsible=people[n % 3], due=due, on=shared if n == 0 else None)
        results = run_together(services.sweep, services.sweep)
        assert Reminder.objects.count() == 150
        assert sum(r["claimed"] for r in results) == 150  # type: ignore[index]  # run_together returns list[object]; sweep's results are dicts
        assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.SENT}
        counts = sent_reminder_ids()
        assert len(counts) == 150 and set(counts.values()) == {1}
        assert Notification.objects.count() == 150


def test_the_same_reminder_delivered_by_two_workers_at_once_is_sent_once(cast) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        deadline(responsible=cast.psychologist, due=date(2026, 4, 7))
        outbox.create_due_reminders()
        reminder = Reminder.objects.get()
        Reminder.objects.filter(pk=reminder.pk).update(state=ReminderState.CLAIMED)
        outcomes = run_together(
            lambda: outbox.deliver_reminder(reminder.pk),
            lambda: outbox.deliver_reminder(reminder.pk),
        )
    assert sorted(outcomes) == sorted([outbox.Delivery.SENT, outbox.Delivery.DONE_BEFORE])  # type: ignore[type-var]  # run_together returns list[object]; these are Delivery values
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_two_claims_at_once_split_the_pending_reminders_without_overlap(cast) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        for _ in range(60):
            deadline(responsible=cast.psychologist, due=date(2026, 3, 30))
        outbox.create_due_reminders()
    # Claim without running the tasks: each claimer queues only what it locked.
    queued: list[list[int]] = []

    def record(ids: list[int]) -> None:
        queued.append(list(ids))

    first, second = run_together(
        lambda: outbox.claim_pending_reminders(queue=record, limit=40),
        lambda: outbox.claim_pending_reminders(queue=record, limit=40),
    )
    assert not set(first) & set(second)
    assert len(first) + len(second) == 60  # type: ignore[arg-type]  # run_together returns list[object]; these are lists
    assert Reminder.objects.filter(state=ReminderState.CLAIMED).count() == 60
