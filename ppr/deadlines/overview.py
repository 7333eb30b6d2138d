"""Start-page panel: the user's open deadlines (overdue first) and unread notifications."""

from ppr.http import AuthenticatedHttpRequest
from ppr.overview import Panel, register

from .models import Deadline, Notification, Reminder, ReminderState

PANEL_ROWS = 8


@register(order=20)
def my_deadlines(request: AuthenticatedHttpRequest) -> Panel | None:
    user = request.user
    deadlines = list(Deadline.objects.mine(user).outstanding().overdue_first()[: PANEL_ROWS + 1])
    context: dict[str, object] = {
        "deadlines": deadlines[:PANEL_ROWS],
        "more": len(deadlines) > PANEL_ROWS,
        "overdue": sum(1 for d in deadlines if d.is_overdue),
        "unread": Notification.objects.visible_to(user).unread().count(),
    }
    if user.is_ppr_leader:
        context["failed_reminders"] = (
            Reminder.objects.visible_to(user).filter(state=ReminderState.FAILED).count()
        )
    return Panel("deadlines/_panel.html", context)
