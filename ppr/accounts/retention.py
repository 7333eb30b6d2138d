"""Retention of django-axes' login-attempt logs: the only path that removes their rows.

``PPR_LOGIN_LOG_RETENTION_DAYS`` bounds how long successful logins (``AccessLog``), failed logins
(``AccessFailureLog``) and the per-user failure counters (``AccessAttempt``) are kept. A row is
removed only when it is older than the retention *and* than the lock-out cool-off, so a lock-out
still in force, and the failures it counts, survive whatever the retention is set to.
"""

from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone


def purge_expired_login_logs(*, now: datetime | None = None) -> int:
    """Delete login-attempt rows older than the retention period; returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.LOGIN_LOG_RETENTION_DAYS)
    cool_off = get_cool_off()
    with transaction.atomic():
        deleted, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
        if cool_off is None:
            # Lock-outs never cool off: every counter may be one in force, so none is removed.
            failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
            return deleted + failures
        guarded = min(cutoff, now - cool_off)
        failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=guarded).delete()
        attempts = AccessAttempt.objects.filter(attempt_time__lt=guarded)
        if getattr(settings, "AXES_USE_ATTEMPT_EXPIRATION", False):  # set by axes.conf
            attempts = attempts.exclude(expiration__expires_at__gt=now)
        counters, _ = attempts.delete()
    return deleted + failures + counters
