"""The one door to rows: ``visible_to(user)`` querysets and audited object lookups.

Every domain model's manager derives from ``VisibleQuerySet`` and says which rows a user may
see; the default is none (deny by default). Views fetch objects through ``get_audited_or_404``
so that granting access to a child's data and logging it are the same line of code.
"""

from typing import Any, Self

from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ppr.audit.models import AuditAction
from ppr.audit.services import log_action


def active_user(user: Any) -> bool:
    """Is ``user`` signed in with an active account? (An ``AnonymousUser`` or a closed account
    is no one to a rule or a ``visible_to``.)"""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class VisibleQuerySet[M: models.Model](models.QuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Rows ``user`` may see. Subclasses widen this; the base class denies everything."""
        return self.none()

    def related[R: VisibleQuerySet[Any]](self, field: str, queryset: type[R]) -> R:
        """Every row of the model that the foreign key ``field`` points at, from that model's
        manager, which must be a ``queryset``. A querysets module reaches a related model this
        way instead of importing the models module that imports it (an import cycle)."""
        model = self.model._meta.get_field(field).related_model
        rows = model._default_manager.all() if isinstance(model, type) else None
        if not isinstance(rows, queryset):
            raise TypeError(f"{self.model.__name__}.{field} does not lead to a {queryset.__name__}")
        return rows


def get_audited_or_404[T: models.Model](
    request: HttpRequest,
    queryset: models.QuerySet[T],
    *,
    purpose: str,
    action: AuditAction = AuditAction.VIEW,
    **lookup: Any,
) -> T:
    """Fetch one row the user may see (else 404) and log the read in the same step."""
    obj = get_object_or_404(queryset, **lookup)
    audit(request, obj, purpose=purpose, action=action)
    return obj


def audit(
    request: HttpRequest, obj: models.Model, *, purpose: str, action: AuditAction = AuditAction.VIEW
) -> None:
    """Log the user's ``action`` on ``obj`` (a read, unless told otherwise)."""
    log_action(obj, action, by=request.user, purpose=purpose, request=request)
