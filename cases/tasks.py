"""Celery tasks of the cases app: thin wrappers around services, safe to run twice."""

from celery import shared_task

from cases.referrals import services as referral_services


@shared_task(acks_late=True)
def expire_referral_drafts() -> dict[str, int]:
    """Beat job: warn authors a week before their draft expires (once), delete expired drafts."""
    warned, deleted = referral_services.expire_drafts()
    return {"warned": warned, "deleted": deleted}
