"""Celery tasks for accounts: thin wrappers around services (rights) and retention (login logs)."""

from celery import shared_task

from . import retention, services, sso


@shared_task(acks_late=True)
def open_monthly_review() -> int:
    """Beat job (daily): this month's review of the rights; a second run in a month does nothing."""
    return services.open_monthly_review().pk


@shared_task(acks_late=True)
def purge_expired_login_logs() -> int:
    """Beat job (nightly): apply PPR_LOGIN_LOG_RETENTION_DAYS to django-axes' login-attempt logs."""
    return retention.purge_expired_login_logs()


@shared_task(acks_late=True)
def list_dormant_accounts() -> int:
    """Beat job (nightly): the accounts not seen for 90 days, for the PPR leader (Rettigheder →
    Roller fra KOMBIT)."""
    return sso.list_dormant_accounts()
