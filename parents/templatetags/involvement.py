"""The referral pages' "Forældrenes eget perspektiv" panel (the cases app's templates load it
by name, so cases imports nothing of this app)."""

from typing import Any

from django import template

from cases.models import ReferralStatus

from ..access import guardianships
from ..models import PerspectiveInvitation

register = template.Library()


@register.inclusion_tag("parents/_perspective_panel.html", takes_context=True)
def perspective_panel(context: dict[str, Any], referral: Any) -> dict[str, Any]:
    """Who was invited to write the parents' perspective, when each answered and what they
    wrote; the invite button for the institution's leader while the referral is a draft. The
    caller has found the referral through ``visible_to`` (one query)."""
    user = context["request"].user
    invitations = list(
        PerspectiveInvitation.objects.filter(referral=referral)
        .select_related("guardian")
        .order_by("invited_at", "pk")
    )
    return {
        "referral": referral,
        "invitations": invitations,
        "can_invite": referral.status == ReferralStatus.DRAFT
        and user.has_perm("parents.invite_parents", referral),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("parents/_tasks.html", takes_context=True)
def parent_tasks(context: dict[str, Any]) -> dict[str, Any]:
    """The parent's open tasks on the portal's start page: invitations to write the parents'
    perspective into a draft (one query)."""
    user = context["request"].user
    invitations = list(
        PerspectiveInvitation.objects.filter(
            guardian__in=guardianships(user), referral__status=ReferralStatus.DRAFT
        )
        .select_related("referral__child", "referral__institution")
        .order_by("invited_at", "pk")
    )
    return {"invitations": invitations}
