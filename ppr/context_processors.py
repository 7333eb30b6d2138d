from django.conf import settings
from django.http import HttpRequest

from ppr.organisation.models import Municipality


def ppr(request: HttpRequest) -> dict[str, object]:
    """The municipality's name and the session limits every page needs."""
    # Cached on the request: included templates rendered with the request (django-tables2's
    # render_table) run the context processors again, and the municipality does not change.
    municipality = getattr(request, "_ppr_municipality", None)
    if municipality is None:
        municipality = Municipality.current()
        request._ppr_municipality = municipality  # type: ignore[attr-defined]
    return {
        "municipality": municipality,
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_idle_warning": settings.SESSION_IDLE_WARNING,
    }
