"""The cases app's main-menu entries: referrals and cases under Sager, Børnelineal under Rapporter."""

from django.http import HttpRequest
from django.urls import reverse

from ppr import menu

#: The pages of tidlig opsporing: the overview and a child's observations.
OBSERVATION_PAGES = ("observation-overview", "child-observations", "observation-create")


@menu.register(10)
def case_entries(request: HttpRequest) -> list[menu.MenuEntry]:
    user = request.user
    app, name = menu.route(request)
    here = name if app == "cases" else ""
    entries = []
    if user.has_perm("cases.view_referral_queue"):
        entries.append(
            menu.MenuEntry(
                "sager",
                "Modtagelse",
                reverse("cases:referral-queue"),
                current=here == "referral-queue",
            )
        )
    if user.has_perm("cases.view_referral_list"):
        entries.append(
            menu.MenuEntry(
                "sager",
                "Indstillinger",
                reverse("cases:referral-list"),
                current=here not in ("referral-queue", *OBSERVATION_PAGES)
                and here.startswith(("referral-", "child-", "guardian-", "consent-")),
            )
        )
    if user.has_perm("cases.view_observation_overview"):
        entries.append(
            menu.MenuEntry(
                "sager",
                "Tidlig opsporing",
                reverse("cases:observation-overview"),
                current=here in OBSERVATION_PAGES,
            )
        )
    if user.has_perm("cases.view_case_list"):
        entries.append(
            menu.MenuEntry(
                "sager",
                "Sager",
                reverse("cases:case-list"),
                current=here.startswith(("case-", "journal-", "ppv-", "rating-create")),
            )
        )
    return entries


@menu.register(70)
def ruler_entries(request: HttpRequest) -> list[menu.MenuEntry]:
    if not request.user.has_perm("cases.view_rating_report"):
        return []
    return [
        menu.MenuEntry(
            "rapporter",
            "Børnelineal",
            reverse("cases:rating-report"),
            current=menu.route(request) == ("cases", "rating-report"),
        )
    ]
