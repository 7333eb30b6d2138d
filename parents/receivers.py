"""The parents app listening to the cases app: a parent who referred their own child hears of
PPR's progress (received, visitated) in the portal, by the fixed, content-free notification."""

from typing import Any

from django.dispatch import receiver
from django.urls import reverse

from cases.models import Referral
from cases.referrals.services import referral_progressed

from .models import ParentReferral
from .notify import NEW_MESSAGE, notify_guardian


@receiver(referral_progressed, sender=Referral, dispatch_uid="parents.referral_progressed")
def tell_the_referring_parent(sender: type[Referral], referral: Referral, **kwargs: Any) -> None:
    """Link to the child's page in /foraeldre/ (the guardian's own page), where the referral's
    status timeline is; a referral PPR intake recorded for the parents has no portal sender."""
    submission = ParentReferral.objects.filter(referral=referral).first()
    if submission is None:
        return
    notify_guardian(
        submission.guardian,
        message=NEW_MESSAGE,
        path=reverse("parents:child", kwargs={"pk": submission.guardian_id}),
    )
