"""Start-page panel every user gets: who am I here, in which roles and places – and which of
his roles wait for a PPR leader; a PPR leader also sees what waits for his approval."""

from django.db.models import prefetch_related_objects

from ppr.http import AuthenticatedHttpRequest
from ppr.overview import Panel, register

from .models import Membership, SecondFactorRemoval


@register(order=0)
def my_roles(request: AuthenticatedHttpRequest) -> Panel | None:
    user = request.user
    memberships = user.active_memberships
    pending = list(user.memberships.pending())
    prefetch_related_objects([*memberships, *pending], "institution", "district", "team")
    to_decide = 0
    if user.is_ppr_leader:
        to_decide = (
            Membership.objects.pending().filter(user__is_active=True).exclude(user=user).count()
            + SecondFactorRemoval.objects.filter(decided_at__isnull=True).count()
        )
    return Panel(
        "accounts/_panel_roles.html",
        {"memberships": memberships, "pending": pending, "to_decide": to_decide},
    )
