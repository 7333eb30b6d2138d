"""The archive delivery's main-menu entry, under Administration, for the PPR leader."""

from django.urls import reverse

from ppr import menu
from ppr.http import AuthenticatedHttpRequest


@menu.register(86)
def archive_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    if not request.user.has_perm("archive.deliver"):
        return []
    app, _name = menu.route(request)
    return [
        menu.MenuEntry(
            "administration", "Arkivaflevering", reverse("archive:list"), current=app == "archive"
        )
    ]
