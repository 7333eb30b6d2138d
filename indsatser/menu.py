"""The indsatser app's main-menu entries, under Indsatser: the catalogue, courses and absence."""

from django.urls import reverse

from ppr import menu
from ppr.http import AuthenticatedHttpRequest

ABSENCE_PAGES = ("absence-", "procedure-")


@menu.register(30)
def intervention_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    user = request.user
    app, name = menu.route(request)
    here = name if app == "indsatser" else None
    entries = []
    if user.has_perm("indsatser.view_catalogue"):
        entries.append(
            menu.MenuEntry(
                "indsatser",
                "Indsatsvifte",
                reverse("indsatser:intervention-list"),
                current=here is not None and here.startswith("intervention-"),
            )
        )
    if user.has_perm("indsatser.view_courses"):
        entries.append(
            menu.MenuEntry(
                "indsatser",
                "Forløb",
                reverse("indsatser:course-list"),
                current=here is not None and not here.startswith(("intervention-", *ABSENCE_PAGES)),
            )
        )
    if user.has_perm("indsatser.view_absence"):
        entries.append(
            menu.MenuEntry(
                "indsatser",
                "Bekymrende fravær",
                reverse("indsatser:absence-list"),
                current=here is not None and here.startswith(ABSENCE_PAGES),
            )
        )
    return entries
