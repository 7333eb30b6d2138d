"""A real Celery worker on Redis is killed mid-batch: every reminder is still delivered, once.

Skipped unless REDIS_URL is set and the tests run on PostgreSQL (the worker is a separate
process and needs the test database). The test uses the Redis database beside the run's own
(its number XOR 1, see tests/conftest.py), so it never touches another test run's or another
xdist worker's queue or cache.

The one duplicate window (documented in ``ppr.deadlines.services``): a worker killed after the
mail server accepted an e-mail but before its transaction committed leaves the reminder
claimed; it is sent again after re-queueing. Only the e-mail can be duplicated (the in-app
notification is in the same transaction), and only for reminders in flight at the kill, so
at most one per worker process.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ppr.deadlines import calendar
from ppr.deadlines.models import Notification, Reminder, ReminderState
from tests.conftest import redis_database, redis_number

from .factories import deadline

ROOT = Path(settings.BASE_DIR)
REMINDERS = 60
CONCURRENCY = 2

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker needs the PostgreSQL test database"
    ),
]


def redis_beside_ours() -> str:
    return redis_database(settings.REDIS_URL, redis_number(settings.REDIS_URL) ^ 1)


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    import redis

    broker = redis_beside_ours()
    redis.Redis.from_url(broker).flushdb()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.deadlines.worker_settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker,
        "PPR_TEST_MAIL_DIR": str(mail_dir),
        "PPR_TEST_MAIL_DELAY": "0.15",
        "PYTHONPATH": str(ROOT),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


class Worker:
    def __init__(self, env: dict[str, str], log: Path, name: str) -> None:
        self.log = log
        self.output = log.open("wb")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "ppr",
                "worker",
                "-Q",
                "celery",
                "-P",
                "prefork",
                "-c",
                str(CONCURRENCY),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool children too
        )
        deadline_at = time.monotonic() + 60
        try:
            while b"ready." not in log.read_bytes():
                assert self.process.poll() is None, log.read_text()
                assert time.monotonic() < deadline_at, "worker did not start"
                time.sleep(0.2)
        except BaseException:
            self.kill()
            raise

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        self.output.close()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def sent_per_reminder(mail_dir: Path) -> Counter[int]:
    return Counter(int(path.name.split("-")[0]) for path in mail_dir.glob("*.eml"))


def all_sent_within(seconds: float) -> bool:
    end = time.monotonic() + seconds
    while Reminder.objects.exclude(state=ReminderState.SENT).exists():
        if time.monotonic() > end:
            return False
        time.sleep(0.3)
    return True


def wait_for(condition, timeout: float, message: str) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, message
        time.sleep(0.3)


def test_killing_the_worker_mid_batch_loses_no_reminder_and_duplicates_at_most_the_in_flight_ones(
    cast, worker_env: dict[str, str], tmp_path: Path
) -> None:
    mail_dir = Path(worker_env["PPR_TEST_MAIL_DIR"])
    people = [cast.psychologist, cast.colleague, cast.outsider]
    for n in range(REMINDERS):
        deadline(responsible=people[n % 3], due=calendar.today() - timedelta(days=1 + n % 4))

    first = Worker(worker_env, tmp_path / "worker1.log", "deadlines-test-1")
    second = None
    try:
        assert f"{REMINDERS} sat i kø" in manage(worker_env, "run_deadline_sweep")
        wait_for(
            lambda: len(sent_per_reminder(mail_dir)) >= 15, 60, "the first worker sent nothing"
        )
        first.kill(signal.SIGKILL)

        states = Counter(Reminder.objects.values_list("state", flat=True))
        in_flight = set(
            Reminder.objects.filter(state=ReminderState.CLAIMED).values_list("pk", flat=True)
        )
        # Really killed mid-batch: some sent, some still claimed. (The 15th e-mail may be written
        # and its row not yet marked sent: that is the send-crash window.)
        assert states[ReminderState.SENT] >= 1 and in_flight, states

        second = Worker(worker_env, tmp_path / "worker2.log", "deadlines-test-2")
        # The reaper (as beat runs it, here with no grace period) re-queues every claim the
        # dead worker held; messages the new worker also gets are found sent and skipped.
        # A row the dead worker's transaction still locks is skipped until the next round.
        for _ in range(12):
            manage(worker_env, "run_deadline_sweep", "--reap", "--reap-after", "0")
            if all_sent_within(10):
                break
        left = list(
            Reminder.objects.exclude(state=ReminderState.SENT).values("pk", "state", "attempts")
        )
        assert not left, f"not every reminder was sent after the restart: {left}"
    finally:
        first.kill()
        if second is not None:
            second.kill(signal.SIGTERM)

    sent = sent_per_reminder(mail_dir)
    reminder_ids = set(Reminder.objects.values_list("pk", flat=True))
    assert len(reminder_ids) == REMINDERS
    assert set(sent) == reminder_ids, "every reminder was e-mailed"
    duplicated = {pk for pk, count in sent.items() if count > 1}
    assert all(count <= 2 for count in sent.values())
    assert duplicated <= in_flight and len(duplicated) <= CONCURRENCY, (
        "only the send-crash window may duplicate"
    )
    # The in-app notification commits with the reminder: never duplicated.
    assert Notification.objects.count() == REMINDERS
    assert Notification.objects.values("reminder").distinct().count() == REMINDERS
