"""The reports app's main-menu entry, under Rapporter: for everyone who may open any report."""

from django.urls import reverse

from ppr import menu
from ppr.http import AuthenticatedHttpRequest


@menu.register(60)
def report_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    if not request.user.has_perm("reports.view_any"):
        return []
    app, _name = menu.route(request)
    return [
        menu.MenuEntry(
            "rapporter", "Rapporter", reverse("reports:report-index"), current=app == "reports"
        )
    ]
