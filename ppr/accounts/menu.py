"""The accounts app's main-menu entry, under Administration: Rettigheder, for the PPR leader."""

from django.http import HttpRequest
from django.urls import reverse

from ppr import menu


@menu.register(81)
def rights_entries(request: HttpRequest) -> list[menu.MenuEntry]:
    if not request.user.has_perm("rights.manage"):
        return []
    app, _name = menu.route(request)
    return [
        menu.MenuEntry(
            "administration", "Rettigheder", reverse("accounts:rights"), current=app == "accounts"
        )
    ]
