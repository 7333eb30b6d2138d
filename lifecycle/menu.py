"""The life cycle's main-menu entry, under Administration: for the PPR leader."""

from django.urls import reverse

from ppr import menu
from ppr.http import AuthenticatedHttpRequest


@menu.register(82)
def lifecycle_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    if not request.user.has_perm("lifecycle.manage"):
        return []
    app, _name = menu.route(request)
    return [
        menu.MenuEntry(
            "administration",
            "Sletning og opbevaring",
            reverse("lifecycle:review"),
            current=app == "lifecycle",
        )
    ]
