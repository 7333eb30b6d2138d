"""Celery tasks for rights: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def open_monthly_review() -> int:
    """Beat job (daily): this month's review of the rights; a second run in a month does nothing."""
    return services.open_monthly_review().pk
