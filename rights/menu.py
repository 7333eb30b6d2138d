"""The rights app's main-menu entry, under Administration, for the PPR leader."""

from django.urls import reverse

from ppr import menu
from ppr.http import AuthenticatedHttpRequest


@menu.register(85)
def rights_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    if not request.user.has_perm("rights.handle_requests"):
        return []
    app, _name = menu.route(request)
    return [
        menu.MenuEntry(
            "administration",
            "Indsigt og begrænsning",
            reverse("rights:overview"),
            current=app == "rights",
        )
    ]
