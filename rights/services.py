"""Restricting and lifting (art. 18), opening a restricted record, and ordering an access
export (art. 15). Each verb is one transaction with its own audit row; the export's file is
built by ``rights.tasks.build_access_export`` after commit (``rights.jobs``)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Child
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action

from . import tasks
from .models import AccessExport, Restriction

PURPOSE_RESTRICT = "begrænsning af behandling (GDPR art. 18)"
PURPOSE_LIFT = "ophævelse af begrænsning (GDPR art. 18)"
PURPOSE_EXPORT = "indsigt (GDPR art. 15)"


@transaction.atomic
def restrict(child: Child, *, by: Any, reason: str) -> Restriction:
    """Restrict the processing of ``child``'s record; a second restriction is refused."""
    Child.objects.select_for_update().filter(pk=child.pk).first()
    if Restriction.objects.active().filter(child=child).exists():
        raise ValidationError("Barnets oplysninger er allerede begrænset.", code="already")
    try:
        with transaction.atomic():
            restriction = Restriction.objects.create(child=child, reason=reason, restricted_by=by)
    except IntegrityError as exc:  # a concurrent restriction won the race
        raise ValidationError("Barnets oplysninger er allerede begrænset.", code="already") from exc
    log_action(child, AuditAction.UPDATE, by=by, purpose=f"{PURPOSE_RESTRICT}: {reason[:120]}")
    return restriction


@transaction.atomic
def lift(restriction: Restriction, *, by: Any, reason: str) -> bool:
    """Lift an active restriction (logged with its reason); False if it was already lifted."""
    lifted = Restriction.objects.filter(pk=restriction.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=by, lift_reason=reason
    )
    if lifted:
        log_action(
            restriction.child, AuditAction.UPDATE, by=by, purpose=f"{PURPOSE_LIFT}: {reason[:120]}"
        )
    return bool(lifted)


def opened(child: Child, *, by: Any, purpose: str, request: Any = None) -> None:
    """A PPR leader opened a restricted record for ``purpose``: the read is logged with it."""
    log_action(
        child,
        AuditAction.VIEW,
        by=by,
        purpose=f"begrænset behandling: {purpose[:160]}",
        request=request,
    )


@transaction.atomic
def request_access_export(child: Child, *, by: Any, purpose: str) -> AccessExport:
    """Order an art. 15 export of ``child``; built after commit by a Celery task."""
    export = AccessExport.objects.create(child=child, requested_by=by, purpose=purpose)
    log_action(child, AuditAction.EXPORT, by=by, purpose=f"{PURPOSE_EXPORT}: {purpose[:150]}")
    transaction.on_commit(lambda: tasks.build_access_export.delay(export.pk))
    return export


@transaction.atomic
def retry_access_export(export: AccessExport, *, by: Any) -> AccessExport:
    """Try a failed export again; a no-op unless it failed."""
    retried = AccessExport.objects.filter(pk=export.pk, status="failed").update(
        status="pending", progress=0, step="", error="", claimed_at=None
    )
    if retried:
        transaction.on_commit(lambda: tasks.build_access_export.delay(export.pk))
    export.refresh_from_db()
    return export
