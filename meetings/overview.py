"""Start-page panel: the user's next meetings (tirsdagsmøder, konferencer, forum meetings)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from ppr.accounts.models import Role
from ppr.http import AuthenticatedHttpRequest
from ppr.overview import Panel, register

from .models import ConferenceMeeting, ForumMeeting, SeatState, SwapRequest, SwapState, TuesdaySeat
from .transitions import waiting_for

PANEL_ROWS = 5


@dataclass(frozen=True)
class NextMeeting:
    starts_at: datetime
    title: str
    place: str
    url: str


@register(order=30)
def my_next_meetings(request: AuthenticatedHttpRequest) -> Panel | None:
    user = request.user
    if not user.is_authenticated or not (user.roles - {Role.ADMINISTRATOR, Role.PARENT}):
        return None
    now = timezone.now()
    meetings = [
        NextMeeting(
            s.meeting.starts_at,
            s.meeting.calendar_title,
            s.meeting.room,
            s.meeting.get_absolute_url(),
        )
        for s in TuesdaySeat.objects.filter(
            user=user,
            state=SeatState.ACTIVE,
            meeting__starts_at__gte=now,
            meeting__cancelled_at__isnull=True,
        )
        .select_related("meeting__district")
        .order_by("meeting__starts_at")[:PANEL_ROWS]
    ]
    meetings += [
        NextMeeting(m.starts_at, m.calendar_title, m.room, m.get_absolute_url())
        for m in ConferenceMeeting.objects.filter(
            participants=user, starts_at__gte=now, cancelled_at__isnull=True
        )
        .select_related("series")
        .order_by("starts_at")[:PANEL_ROWS]
    ]
    meetings += [
        NextMeeting(m.starts_at, m.calendar_title, m.location, m.get_absolute_url())
        for m in ForumMeeting.objects.filter(
            participants=user, starts_at__gte=now, cancelled_at__isnull=True
        )
        .select_related("forum", "institution")
        .order_by("starts_at")[:PANEL_ROWS]
    ]
    meetings.sort(key=lambda meeting: meeting.starts_at)
    swaps = SwapRequest.objects.filter(colleague=user, state=SwapState.PENDING).count()
    return Panel("meetings/_panel.html", {"meetings": meetings[:PANEL_ROWS], "swaps": swaps})


#: Roles that can sit in a TRIO or lead an institution (the others need not ask the database).
TRIO_ROLES = (Role.INSTITUTION_LEADER, Role.STAFF, Role.PSYCHOLOGIST)


@register(order=31)
def transitions_waiting(request: AuthenticatedHttpRequest) -> Panel | None:
    """Requests at a transition waiting for the TRIO of the user's institution."""
    user = request.user
    if not user.is_authenticated or not user.has_role(*TRIO_ROLES):
        return None
    waiting = waiting_for(user)
    if not waiting:
        return None
    return Panel("meetings/_transitions_panel.html", {"waiting": waiting})
