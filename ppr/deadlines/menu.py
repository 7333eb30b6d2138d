"""The deadlines app's main-menu entries, under Frister: one's own, and all for the PPR leader."""

from django.urls import reverse

from ppr import menu
from ppr.http import AuthenticatedHttpRequest


@menu.register(40)
def deadline_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    app, name = menu.route(request)
    here = name if app == "deadlines" else None
    entries = [
        menu.MenuEntry(
            "frister",
            "Mine frister",
            reverse("deadlines:deadline-list"),
            current=here == "deadline-list",
        )
    ]
    if request.user.is_ppr_leader:
        entries.append(
            menu.MenuEntry(
                "frister",
                "Alle frister",
                reverse("deadlines:deadline-overview"),
                current=here is not None and here not in ("deadline-list", "notification-list"),
            )
        )
    return entries
