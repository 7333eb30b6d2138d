"""The visitation app's main-menu entries, under Sager: the applications; under Indsatser:
the special offers."""

from django.http import HttpRequest
from django.urls import reverse

from ppr import menu


@menu.register(25)
def visitation_entries(request: HttpRequest) -> list[menu.MenuEntry]:
    user = request.user
    app, name = menu.route(request)
    here = name if app == "visitation" else ""
    entries = []
    if user.has_perm("visitation.view_applications"):
        entries.append(
            menu.MenuEntry(
                "sager",
                "Visitation",
                reverse("visitation:application-list"),
                current=here.startswith("application-"),
            )
        )
    if user.has_perm("visitation.view_meetings"):
        entries.append(
            menu.MenuEntry(
                "moeder",
                "Visitationsmøder",
                reverse("visitation:meeting-list"),
                current=here.startswith(("meeting-", "entry-", "committee-")),
            )
        )
    if user.has_perm("visitation.view_offers"):
        entries.append(
            menu.MenuEntry(
                "indsatser",
                "Specialtilbud",
                reverse("visitation:offer-list"),
                current=here.startswith("offer-"),
            )
        )
    return entries
