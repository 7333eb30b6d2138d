"""Start-page panel "Nye dokumenter": the institution leader's newest printable documents."""

from datetime import timedelta

from django.utils import timezone

from ppr.accounts.models import Role
from ppr.http import AuthenticatedHttpRequest
from ppr.overview import Panel, register

from . import services

#: Documents shown on the panel, and how far back "new" reaches.
PANEL_ROWS = 5
NEW_FOR = timedelta(days=30)


@register(order=13)
def new_documents(request: AuthenticatedHttpRequest) -> Panel | None:
    """For institution leaders: final PPVs and notater about their children, newest first."""
    user = request.user
    if not user.is_authenticated or not user.institution_ids(Role.INSTITUTION_LEADER):
        return None
    recent = services.listed_documents(user).filter(created_at__gte=timezone.now() - NEW_FOR)
    rows = list(recent[: PANEL_ROWS + 1])
    return Panel(
        "documents/panel_new_documents.html",
        {"documents": rows[:PANEL_ROWS], "more": len(rows) > PANEL_ROWS, "days": NEW_FOR.days},
    )
