"""The accounts app's main-menu entry, under Administration: Rettigheder, for the PPR leader."""

from django.urls import reverse

from ppr import menu
from ppr.http import AuthenticatedHttpRequest


@menu.register(81)
def rights_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    if not request.user.has_perm("rights.manage"):
        return []
    app, _name = menu.route(request)
    return [
        menu.MenuEntry(
            "administration", "Rettigheder", reverse("accounts:rights"), current=app == "accounts"
        )
    ]
