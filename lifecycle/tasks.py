"""The life cycle's Celery tasks: thin wrappers around ``jobs``, safe to run twice."""

from celery import shared_task
from django.conf import settings

from . import jobs
from .models import DueItemState, DueList, DueListStatus


@shared_task
def list_due_records() -> int:
    """The nightly job: bring the list under review up to date; returns its number of items.
    With PPR_RETENTION_AUTO_APPROVE the list is approved and deleted here, without review."""
    due_list = jobs.list_due()
    if (
        settings.RETENTION_AUTO_APPROVE
        and due_list.items.filter(state=DueItemState.PENDING).exists()
        and jobs.claim_approval(due_list=due_list, by=None)
    ):
        jobs.delete_approved(due_list=due_list)
    return due_list.items.count()


@shared_task(acks_late=True)
def delete_approved(due_list_id: int) -> int:
    """Delete an approved list's records in batches; a rerun resumes where a crash stopped."""
    due_list = DueList.objects.filter(pk=due_list_id, status=DueListStatus.APPROVED).first()
    if due_list is None:
        return 0
    return jobs.delete_approved(due_list=due_list)
