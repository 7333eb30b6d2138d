"""Telling custody holders that something waits for them in the portal: an in-app notification
and an e-mail that names no child and carries no content, only an absolute link (a parent's
e-mail may be read by others; the content is behind MitID)."""

from functools import partial

from django.db import transaction

from cases.models import Guardian
from ppr.accounts.models import User
from ppr.deadlines.models import Notification

from . import tasks
from .models import ParentIdentity

NEW_TASK = "Du har en ny opgave i PPR Sag"
NEW_MESSAGE = "Du har en ny besked i PPR Sag"


def parent_users(guardian: Guardian) -> list[User]:
    """The active parent logins (MitID identities) of a guardian row: none if the guardian has
    no CPR number recorded, or has never signed in."""
    if not guardian.has_cpr:
        return []
    identities = ParentIdentity.objects.filter(
        cpr_hash__in=Guardian.hashes_for(guardian.cpr), user__is_active=True
    ).select_related("user")
    return [identity.user for identity in identities]


def notify_guardian(guardian: Guardian, *, message: str, path: str) -> list[Notification]:
    """A notification to each parent login of ``guardian``, e-mailed once the transaction
    commits. ``message`` is one of the fixed texts above: never the child, never content."""
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=user, message=message, link=path)
            for user in parent_users(guardian)
        ]
    )
    for notification in created:
        transaction.on_commit(partial(tasks.email_parent.delay, notification.pk, guardian.pk))
    return created
