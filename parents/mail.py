"""The e-mail of a parent notification: the fixed text and an absolute link, nothing else."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from cases.models import Guardian
from ppr.accounts.models import User
from ppr.deadlines.models import Notification
from ppr.site import absolute_url


def parent_address(user: User, guardian: Guardian) -> str:
    """Where a parent's e-mail goes: the address the staff recorded on the guardian, else the
    login's own (a MitID login without an e-mail has a placeholder at .invalid)."""
    if guardian.email:
        return guardian.email
    if user.email and not user.email.endswith(".invalid"):
        return user.email
    return ""


def email_parent(notification_id: int, guardian_id: int) -> bool:
    """Send one parent notification's e-mail unless already sent. Returns whether it sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        guardian = Guardian.objects.filter(pk=guardian_id).first()
        if notification is None or guardian is None or notification.emailed_at is not None:
            return False
        address = parent_address(notification.recipient, guardian)
        if not address:
            return False
        body = (
            f"{notification.message}.\n\n"
            f"Log ind med MitID for at se den: {absolute_url(notification.link)}\n\n"
            "Af hensyn til dit barns fortrolighed står der ikke mere i denne e-mail."
        )
        EmailMessage(subject=notification.message, body=body, to=[address]).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        return True
