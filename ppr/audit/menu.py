"""The audit app's main-menu entry, under Administration: the access log, for the PPR leader."""

from django.urls import reverse

from ppr import menu
from ppr.http import AuthenticatedHttpRequest


@menu.register(80)
def audit_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    if not request.user.is_ppr_leader:
        return []
    app, _name = menu.route(request)
    return [
        menu.MenuEntry(
            "administration", "Adgangslog", reverse("audit:event-list"), current=app == "audit"
        )
    ]
