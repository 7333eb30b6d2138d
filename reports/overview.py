"""Start-page panel for the PPR leader: effect goals off track and late plan activities."""

from django.utils import timezone

from ppr.http import AuthenticatedHttpRequest
from ppr.overview import Panel, register

from .goals import Track, progress
from .models import OPEN_STATUSES, EffectGoal, PlanActivity


@register(order=60)
def goals_panel(request: AuthenticatedHttpRequest) -> Panel | None:
    user = request.user
    if not user.has_perm("reports.change_goals"):
        return None
    items = progress(EffectGoal.objects.visible_to(user).filter(active=True))
    late = (
        PlanActivity.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
        .count()
    )
    return Panel(
        "reports/_panel.html",
        {
            "off_track": [item for item in items if item.track is Track.OFF_TRACK],
            "late_activities": late,
        },
    )
