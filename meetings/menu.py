"""The meetings app's main-menu entries, under Møder: for everyone who works with children."""

from django.urls import reverse

from meetings.templatetags.meetings_tags import meeting_user, tuesday_user
from ppr import menu
from ppr.http import AuthenticatedHttpRequest

TUESDAY_PAGES = ("tuesday-", "seat-", "swap-", "school-holiday")


@menu.register(20)
def meeting_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    user = request.user
    if not meeting_user(user):
        return []
    app, name = menu.route(request)
    here = name if app == "meetings" else None
    entries = [
        menu.MenuEntry(
            "moeder",
            "Møder",
            reverse("meetings:index"),
            current=here is not None and not here.startswith(("forumreferral-", *TUESDAY_PAGES)),
        ),
        menu.MenuEntry(
            "moeder",
            "Henvisninger",
            reverse("meetings:forumreferral-list"),
            current=here is not None and here.startswith("forumreferral-"),
        ),
    ]
    if tuesday_user(user):
        entries.append(
            menu.MenuEntry(
                "moeder",
                "Tirsdagsmøder",
                reverse("meetings:tuesday-list"),
                current=here is not None and here.startswith(TUESDAY_PAGES),
            )
        )
    return entries
