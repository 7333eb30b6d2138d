"""Start-page panel every user gets: who am I here, in which roles and places."""

from django.db.models import prefetch_related_objects
from django.http import HttpRequest

from ppr.overview import Panel, register


@register(order=0)
def my_roles(request: HttpRequest) -> Panel | None:
    memberships = request.user.active_memberships  # type: ignore[union-attr]
    prefetch_related_objects(memberships, "institution", "district", "team")  # their names
    return Panel("accounts/_panel_roles.html", {"memberships": memberships})
