from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ppr import menu
from ppr.accounts.middleware import activity_precision
from ppr.organisation.models import Municipality


def request_municipality(request: HttpRequest) -> Municipality:
    """The municipality, loaded once per request and shared by the views that need it and
    this context processor."""
    # Cached on the request: included templates rendered with the request (django-tables2's
    # render_table) run the context processors again, and the municipality does not change.
    municipality: Municipality | None = getattr(request, "_ppr_municipality", None)
    if municipality is None:
        municipality = Municipality.current()
        request._ppr_municipality = municipality  # type: ignore[attr-defined]  # our per-request cache: HttpRequest declares no such attribute
    return municipality


def ppr(request: HttpRequest) -> dict[str, object]:
    """The municipality's name and the session limits every page needs."""
    return {
        "municipality": request_municipality(request),
        # The least time the server keeps an idle session (ppr.accounts.middleware): the page's
        # warning and logout come before the server's, never after.
        "session_idle_timeout": int(settings.SESSION_IDLE_TIMEOUT - activity_precision()),
        "session_idle_warning": settings.SESSION_IDLE_WARNING,
        # Built once, and only by a page that shows it (not by table fragments or e-mails).
        "main_menu": SimpleLazyObject(lambda: menu.main_menu(request)),
    }
