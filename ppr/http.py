"""Typed requests for views: what the middleware has put on a request by the time a view runs.

Annotate a view's ``request`` with the narrowest type that holds: every request passes
django-htmx's ``HtmxMiddleware`` (``request.htmx``); a view behind ``login_required`` (or a
decorator that implies it) sees a signed-in ``User``, never ``AnonymousUser``.
"""

from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from django_htmx.middleware import HtmxDetails

from ppr.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """A request through django-htmx's middleware."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request of a signed-in user (behind ``login_required``)."""

    user: User


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data for a POST (even an empty one, so that a form is bound and validated),
    else None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def is_signed_in(request: HttpRequest) -> TypeGuard[AuthenticatedHttpRequest]:
    """Has a user signed in on this request? (A request that never reached the authentication
    middleware, e.g. one answered early, has no user at all.)"""
    user = getattr(request, "user", None)
    return user is not None and bool(user.is_authenticated)


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that a login check has passed, where the signature cannot say so
    (a ``ModelAdmin`` method: the admin site lets only active staff in). Refuses an anonymous
    request rather than trusting the caller."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def require_perm(request: AuthenticatedHttpRequest, perm: str, obj: Any = None) -> None:
    """Refuse (403) a signed-in user without the permission, on the object if one is given."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
