"""Benchmark: the deadline sweep over 300,000 open deadlines of which 5,000 are due.

Creates the deadlines with bulk_create in its own PostgreSQL database, then reports
- the sweep's query time (marking overdue + finding the due deadlines + inserting reminder rows),
- the claim time (SELECT … FOR UPDATE SKIP LOCKED + UPDATE + queueing),
- the time until every due reminder is marked sent with ONE worker.

With REDIS_URL set, a real ``celery worker -c 1`` is started on Redis database 13 and e-mails go
to files (tests/deadlines/worker_settings.py); without it, tasks run in-process (eager).

    createdb -h 127.0.0.1 -U postgres ppr_bench_deadlines
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppr_bench_deadlines REDIS_URL=redis://127.0.0.1:6379/0 \\
        DJANGO_DEBUG=true .venv/bin/python bench/deadlines_sweep.py

Not part of the test run.
"""

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppr.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

TOTAL = int(os.environ.get("BENCH_DEADLINES", "300000"))
DUE = int(os.environ.get("BENCH_DUE", "5000"))
USERS = 50

REDIS = os.environ.get("REDIS_URL", "")
if REDIS:
    parts = urlsplit(REDIS)
    os.environ["REDIS_URL"] = REDIS = urlunsplit((parts.scheme, parts.netloc, "/13", "", ""))

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from ppr.accounts.models import Membership, Role, User  # noqa: E402
from ppr.deadlines import calendar, outbox, services  # noqa: E402
from ppr.deadlines.models import Deadline, DeadlineKind, Notification, Reminder, ReminderState  # noqa: E402
from ppr.organisation.models import District, Municipality  # noqa: E402


def seconds(start: float) -> str:
    return f"{time.perf_counter() - start:.2f} s"


def setup() -> None:
    assert connection.vendor == "postgresql", "run the benchmark on PostgreSQL (DATABASE_URL)"
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE deadlines_notification, deadlines_reminder, deadlines_deadline RESTART IDENTITY CASCADE"
        )
    Municipality.current()
    users = []
    for n in range(USERS):
        user, created = User.objects.get_or_create(
            email=f"bench{n}@example.dk", defaults={"first_name": f"Bench {n}"}
        )
        if created:
            Membership.objects.create(user=user, role=Role.PSYCHOLOGIST, approved_at=timezone.now())
        users.append(user)
    district, _ = District.objects.get_or_create(name="Benchmark")
    content_type = ContentType.objects.get_for_model(District)
    today = calendar.today()
    near = calendar.add_working_days(today, 1)
    started = time.perf_counter()
    batch: list[Deadline] = []
    for n in range(TOTAL):
        if n < DUE // 2:
            due = today - timedelta(days=1 + n % 10)  # overdue
        elif n < DUE:
            due = near  # within the reminder lead time
        else:
            due = calendar.add_working_days(today, 10) + timedelta(days=n % 300)  # not due yet
        batch.append(
            Deadline(
                kind=DeadlineKind.PPV,
                content_type=content_type,
                object_id=n + 1,
                title="PPV",
                due=due,
                responsible=users[n % USERS],
                link=f"/sager/{n + 1}/",
                district=district,
            )
        )
        if len(batch) == 10000:
            Deadline.objects.bulk_create(batch)
            batch = []
    Deadline.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE deadlines_deadline")
        cursor.execute("VACUUM ANALYZE deadlines_reminder")
    print(f"Created {TOTAL:,} open deadlines ({DUE:,} due) in {seconds(started)}")


def explain() -> None:
    today = calendar.today()
    query = Deadline.objects.filter(
        state="open", due__lte=calendar.add_working_days(today, 2), due__gte=today
    )
    print("Plan for the near-deadline query:")
    print("  " + query.explain().replace("\n", "\n  "))


def start_worker(mail_dir: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.deadlines.worker_settings",
        "PPR_TEST_MAIL_DIR": mail_dir,
        "PPR_TEST_MAIL_DELAY": "0",
        "PYTHONPATH": str(ROOT),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "ppr", "worker", "-Q", "celery", "-c", "1",
         "-P", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    time.sleep(6)  # let it connect before the clock starts
    return process


def run() -> None:
    setup()
    explain()
    worker = None
    mail_dir = tempfile.mkdtemp(prefix="ppr-bench-mail-")
    if REDIS:
        worker = start_worker(mail_dir)
    try:
        started = time.perf_counter()
        t0 = time.perf_counter()
        near, overdue = outbox.create_due_reminders()
        create_time = time.perf_counter() - t0
        t0 = time.perf_counter()
        claimed = 0
        # Eager (no Redis): claim_pending_reminders also delivers in-process, so only time the
        # claim itself with a real worker.
        while batch := services.claim_pending_reminders():
            claimed += len(batch)
        claim_time = time.perf_counter() - t0
        print(
            f"Sweep queries (mark overdue, find due, insert {near + overdue:,} reminder rows): {create_time:.2f} s"
        )
        label = "claim + queue" if REDIS else "claim + in-process delivery"
        print(f"{label} of {claimed:,} reminders: {claim_time:.2f} s")
        while Reminder.objects.exclude(state=ReminderState.SENT).exists():
            time.sleep(0.5)
        total = time.perf_counter() - started
        print(
            f"All {Reminder.objects.count():,} reminders sent ({'one Celery worker on Redis' if REDIS else 'in-process'}): "
            f"{total:.1f} s from the start of the sweep ({Reminder.objects.count() / total:.0f}/s); "
            f"{Notification.objects.count():,} notifications"
        )
        t0 = time.perf_counter()
        services.sweep()
        print(f"A second sweep with nothing to do: {seconds(t0)}")
    finally:
        if worker is not None:
            os.killpg(worker.pid, 15)
            worker.wait(timeout=30)


if __name__ == "__main__":
    run()
