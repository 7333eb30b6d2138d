"""django-axes' login-attempt logs are kept by PPR_LOGIN_LOG_RETENTION_DAYS (issue 19): a nightly
beat job removes older rows, never a lock-out still in force."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone

from ppr.accounts.retention import purge_expired_login_logs
from ppr.accounts.tasks import purge_expired_login_logs as purge_task
from tests.accounts.test_login import login
from tests.factories import PASSWORD
from tests.test_production_settings import clean_environment, manage


def age(model, pk: int, days: int) -> None:
    """``attempt_time`` is set on insert (auto_now_add): move the row back in time."""
    model.objects.filter(pk=pk).update(attempt_time=timezone.now() - timedelta(days=days))


def row(model, days: int, name: str = "laerer@skole.dk"):
    """A login-attempt row ``days`` old (``attempt_time`` is set on insert: move it back)."""
    fields = {"username": name, "ip_address": "10.0.0.1", "user_agent": "test", "path_info": "/"}
    if model is AccessAttempt:
        fields |= {"get_data": "", "post_data": "", "failures_since_start": 1}
    created = model.objects.create(**fields)
    age(model, created.pk, days)
    return created


def test_rows_older_than_the_retention_are_removed_and_newer_kept(db, settings) -> None:
    settings.LOGIN_LOG_RETENTION_DAYS = 183
    kept = {}
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        row(model, 184, name="gammel@skole.dk")
        kept[model] = row(model, 182, name="ny@skole.dk").pk

    assert purge_expired_login_logs() == 3

    for model, pk in kept.items():
        assert list(model.objects.values_list("pk", flat=True)) == [pk]


def test_a_lockout_in_force_survives_even_a_retention_of_zero_days(client, cast, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_LOG_RETENTION_DAYS = 0
    login(client, cast.psychologist.email, PASSWORD)
    client.logout()
    for _ in range(3):
        login(client, cast.school_leader.email, "forkert")
    assert AccessAttempt.objects.get().failures_since_start == 3

    # The lock-out (30 minutes) is in force: its counter and failures stay, the login log goes.
    assert purge_expired_login_logs(now=timezone.now() + timedelta(minutes=29)) == 1
    assert AccessAttempt.objects.count() == 1
    assert AccessFailureLog.objects.count() == 3
    assert not AccessLog.objects.exists()
    locked = login(client, cast.school_leader.email, PASSWORD)
    assert "midlertidigt spærret" in locked.content.decode()

    # Once it has cooled off, a retention of zero days removes it.
    assert purge_expired_login_logs(now=timezone.now() + timedelta(minutes=31)) == 5
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_the_nightly_beat_job_runs_the_purge(db, settings) -> None:
    job = settings.CELERY_BEAT_SCHEDULE["accounts-login-log-retention-purge"]
    assert job == {"task": "ppr.accounts.tasks.purge_expired_login_logs", "schedule": 86400.0}
    assert purge_task.name == job["task"]
    row(AccessLog, settings.LOGIN_LOG_RETENTION_DAYS + 1)
    assert purge_task.apply().get() == 1
    assert not AccessLog.objects.exists()


def test_the_retention_is_read_from_the_environment_and_defaults_to_the_audit_logs() -> None:
    show = "from django.conf import settings as s; print(s.LOGIN_LOG_RETENTION_DAYS, s.AUDIT_RETENTION_DAYS)"

    def days(**env: str) -> list[str]:
        result = manage("shell", "-c", show, env=clean_environment(DJANGO_DEBUG="true", **env))
        return result.stdout.strip().splitlines()[-1].split()

    assert days() == ["183", "183"]
    assert days(PPR_LOGIN_LOG_RETENTION_DAYS="400") == ["400", "183"]
