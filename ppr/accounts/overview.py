"""Start-page panel every user gets: who am I here, in which roles and places."""

from django.http import HttpRequest

from ppr.overview import Panel, register


@register(order=0)
def my_roles(request: HttpRequest) -> Panel | None:
    memberships = request.user.active_memberships  # type: ignore[union-attr]
    return Panel("accounts/_panel_roles.html", {"memberships": memberships})
