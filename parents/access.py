"""Who is a parent, and which children a parent may see: the one door of the parents' portal.

A parent is a user whose only role is ``Role.PARENT`` and who has a ``ParentIdentity`` (made at
their MitID login). Their children are the children of the guardian rows stored with their CPR
number's keyed hash (under any configured key) that hold custody today. Every parent page starts
from ``guardianships(user)`` or ``children_of(user)`` and is wrapped in ``parent_required``; an
object outside them is a 404. Staff never reach these pages (403), and a parent reaches no staff
page (``ppr.accounts.middleware.PortalSeparationMiddleware``: 403).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse_lazy

from cases.models import Child, Guardian
from ppr.accounts.models import Role

from .models import ParentIdentity

#: Where an anonymous visitor of a parent page is sent: the parents' MitID login.
LOGIN_URL = reverse_lazy("parents:login")


def is_parent(user: Any) -> bool:
    """A signed-in parent: the parent role and nothing else (a staff role never mixes in)."""
    return bool(user.is_authenticated and user.roles == {Role.PARENT})


def identity_of(user: Any) -> ParentIdentity | None:
    """The parent's MitID identity (cached on the user), None for anyone else."""
    if not is_parent(user):
        return None
    try:
        identity: ParentIdentity = user.parent_identity
    except ObjectDoesNotExist:
        return None
    return identity


def guardianships(user: Any) -> QuerySet[Guardian]:
    """The guardian rows through which ``user`` holds custody today: one per child."""
    identity = identity_of(user)
    if identity is None:
        return Guardian.objects.none()
    return Guardian.objects.with_cpr_hashes(identity.lookup_hashes()).holding_custody()


def children_of(user: Any) -> QuerySet[Child]:
    """The children ``user`` holds custody of today (none for anyone but a parent)."""
    return Child.objects.filter(pk__in=guardianships(user).values("child_id"))


type View = Callable[..., HttpResponseBase]


def parent_required(view: View) -> View:
    """A parents' page: anonymous → the MitID login, anyone but a parent → 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), str(LOGIN_URL))
        if not is_parent(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class ParentRequiredMixin(AccessMixin):
    """``parent_required`` for class-based views."""

    login_url = LOGIN_URL

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not is_parent(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # AccessMixin precedes the view class
