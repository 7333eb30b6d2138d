"""The one door to rows: ``visible_to(user)`` querysets and audited object lookups.

Every domain model's manager derives from ``VisibleQuerySet`` and says which rows a user may
see; the default is none (deny by default). Views fetch objects through ``get_audited_or_404``
so that granting access to a child's data and logging it are the same line of code.

Restriction of processing (GDPR art. 18): a child whose record a PPR leader has restricted
drops out of every ``visible_to`` and ``printable_for`` answer, for every role,
leaders included; the record is opened only on the rights pages (rights/), by a PPR leader,
with a stated purpose. Subclasses do nothing for it: ``VisibleQuerySet.__init_subclass__``
wraps those methods, so a new queryset cannot forget it. Which rows concern a restricted child
is read from the model's ``audit_child`` path (ppr/audit/audited.py), or its own
``restriction_child`` ORM lookup where that path is not a plain chain of foreign keys.
"""

import functools
from collections.abc import Callable
from typing import Any, Self

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ppr.audit.models import AuditAction
from ppr.audit.services import log_action

#: The methods that answer "which rows may this user have"; each leaves out restricted children.
#: Not ``visible_on(case, user)`` (cases/models/access.py): it reads the rows of one case the
#: caller already holds from ``Case.objects.visible_to``, which left a restricted child's case
#: out, and it must decide the case's part without joining the case table.
SCOPING_METHODS = ("visible_to", "printable_for")


def restriction_lookup(model: type[models.Model]) -> str | None:
    """The ORM lookup from ``model`` to the id of the child its rows concern, or None (the rows
    concern no one child, or reach it only through a generic relation, e.g. a document, whose
    subject's queryset decides). ``restriction_child`` on the model wins over ``audit_child``."""
    explicit = getattr(model, "restriction_child", None)
    if explicit is not None:
        return str(explicit) or None
    path = str(getattr(model, "audit_child", "") or "")
    if not path or "audit_child_id" in path or path.startswith("subject"):
        return None
    return path.replace(".", "__")


def restricted_child_ids() -> models.QuerySet[Any]:
    """The ids of children whose processing is restricted, as a subquery."""
    model = apps.get_model(settings.PPR_RESTRICTION_MODEL)
    return model._default_manager.filter(lifted_at__isnull=True).values("child_id")


#: What a custody holder is told when they try to send PPR something about a restricted child.
RESTRICTED_FOR_PARENTS = (
    "Behandlingen af oplysningerne om dit barn er begrænset (databeskyttelsesforordningens "
    "artikel 18). Du kan stadig se det, PPR allerede har sendt dig, men du kan ikke sende "
    "beskeder, samtykker eller svar til PPR, før begrænsningen er ophævet. Kontakt PPR, hvis "
    "du har spørgsmål."
)


def is_restricted(child_id: int) -> bool:
    """Whether the processing of the child's record is restricted now (art. 18)."""
    return restricted_child_ids().filter(child_id=child_id).exists()


def refuse_if_restricted(child_id: int) -> None:
    """No new processing of a restricted child's record: what a custody holder sends (a message,
    a consent, an answer, a referral) is refused in Danish and nothing is saved. Storage and
    showing the data subject what they were already sent go on; withdrawing a consent, which
    only lessens the processing, stays possible."""
    if is_restricted(child_id):
        raise ValidationError(RESTRICTED_FOR_PARENTS, code="restricted")


def _leaving_out_restricted[F: Callable[..., Any]](method: F) -> F:
    @functools.wraps(method)
    def scoped(self: "VisibleQuerySet[Any]", *args: Any, **kwargs: Any) -> Any:
        return method(self, *args, **kwargs).without_restricted()

    scoped.leaves_out_restricted = True  # type: ignore[attr-defined]  # a marker on the function
    return scoped  # type: ignore[return-value]  # same signature as ``method``


def active_user(user: Any) -> bool:
    """Is ``user`` signed in with an active account? (An ``AnonymousUser`` or a closed account
    is no one to a rule or a ``visible_to``.)"""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class VisibleQuerySet[M: models.Model](models.QuerySet[M]):
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in SCOPING_METHODS:
            method = cls.__dict__.get(name)
            if callable(method) and not getattr(method, "leaves_out_restricted", False):
                setattr(cls, name, _leaving_out_restricted(method))

    def without_restricted(self) -> Self:
        """These rows without those of a child whose processing is restricted (art. 18)."""
        lookup = restriction_lookup(self.model)
        if lookup is None:
            return self
        return self.exclude(**{f"{lookup}__in": restricted_child_ids()})

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
