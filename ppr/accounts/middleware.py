"""Session limits, the MFA requirement and the parents' separate portal, enforced on every request."""

import time
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from ppr.accounts.models import Role
from ppr.http import HtmxHttpRequest

Handler = Callable[[HttpRequest], HttpResponse]

LOGIN_AT = "ppr_login_at"
#: Set by the KOMBIT login (ppr.saml.views.acs): the municipality's IdP vouched for two factors
#: (NSIS Substantial or High), so the session needs no TOTP of ours.
MFA_BY_IDP = "ppr_mfa_by_idp"
LAST_SEEN = "ppr_last_seen"


def activity_precision() -> float:
    """How old the stamp of the last activity may grow before a request renews it: a thirtieth of
    the idle timeout (one minute of 30). Renewing it on every request would write the session –
    an UPDATE and a COMMIT – on every page. The server may therefore log out up to this much
    *before* the timeout, never after; the page's idle warning allows for it."""
    return settings.SESSION_IDLE_TIMEOUT / 30


def note_activity(request: HttpRequest) -> None:
    request.session[LAST_SEEN] = time.time()


class SessionLimitsMiddleware:
    """Log out after the idle timeout (default 30 min) and the absolute limit (default 10 h)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HtmxHttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            expired = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                logout(request)
                messages.info(
                    request, "Du er blevet logget ud, fordi du har været inaktiv for længe."
                )
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            # A poll (the notification bell) is not activity; everything else is.
            if (
                request.headers.get("X-PPR-Poll") != "1"
                and now - last_seen >= activity_precision()
                or LAST_SEEN not in session
            ):
                session[LAST_SEEN] = now
        return self.get_response(request)


EXEMPT_PREFIXES = ("/konto/", "/static/", "/healthz", "/favicon")


class RequireMfaMiddleware:
    """PPR staff and leaders must set up TOTP before they can use the application."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.PPR_MFA_REQUIRED
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and user.requires_mfa
            and not request.session.get(MFA_BY_IDP)
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request, "Du skal opsætte totrinsbekræftelse, før du kan bruge PPR Sag."
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


#: The parents' portal (the ``parents`` app's URLs) and what its pages need: the only paths a
#: parent's session reaches. Every staff page answers a parent 403.
PARENT_PORTAL = "/foraeldre/"
PARENT_PREFIXES = (
    PARENT_PORTAL,
    "/konto/logout/",
    "/session/forny/",
    "/static/",
    "/healthz",
    "/favicon.ico",
)


class PortalSeparationMiddleware:
    """A parent (a custody holder signed in with MitID, ``Role.PARENT``) reaches the parents'
    portal only: the start page sends them there, every other staff page is 403. (Staff are
    kept out of the portal by its own views: ``parents.access.parent_required``.)"""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.has_role(Role.PARENT)
            and not request.path.startswith(PARENT_PREFIXES)
        ):
            if request.path == "/":
                return redirect(PARENT_PORTAL)
            raise PermissionDenied
        return self.get_response(request)
