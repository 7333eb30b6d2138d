from celery import shared_task

from . import services


@shared_task(acks_late=True)
def purge_expired_audit_events() -> int:
    """Beat job: apply the audit retention period."""
    return services.purge_expired()
