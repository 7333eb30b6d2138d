"""Celery tasks of the cases app: thin wrappers around services, safe to run twice."""

from celery import shared_task

from cases.children import cpr as cpr_refresh
from cases.referrals import services as referral_services
from ppr.drafts import services as draft_services
from ppr.organisation.models import Municipality


@shared_task(acks_late=True)
def expire_referral_drafts() -> dict[str, int]:
    """Beat job: warn authors a week before their draft expires (once), delete expired drafts;
    autosaved form drafts (journal, follow-up) go after the same retention."""
    warned, deleted = referral_services.expire_drafts()
    days = Municipality.current().referral_draft_expiry_days
    form_drafts = draft_services.purge_expired(days=days)
    return {"warned": warned, "deleted": deleted, "form_drafts": form_drafts}


@shared_task(acks_late=True)
def refresh_custody_from_cpr() -> dict[str, int]:
    """Beat job (nightly): the custody holders of every open case's child are compared with the
    CPR register; each change is applied and recorded on the case. Off: does nothing."""
    result = cpr_refresh.refresh_open_cases()
    return {
        "children": result.children,
        "changes": result.changes,
        "failed": result.failed,
        "not_found": result.not_found,
    }
