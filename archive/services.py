"""The archive delivery's verbs: order a delivery of closed cases, build it (the Celery task's
work), and record the archive's receipt.

A case is delivered once (``DeliveredCase.case`` is unique, and ordering locks the cases), so
a double submit, the nightly job and a leader at the same time, or a task run twice, make one
delivery. Building is claimed with a conditional UPDATE: two workers never write one delivery.
"""

import contextlib
import logging
import shutil
import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from cases.models import Case, CaseStatus
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action

from . import package
from .models import DeliveredCase, Delivery, DeliveryStatus, Receipt, Rejection

logger = logging.getLogger(__name__)

PURPOSE = "arkivaflevering"
#: A build claimed longer ago than this is presumed dead and taken again.
LEASE = timedelta(hours=2)


class TransientDeliveryError(Exception):
    """Storage or database trouble: try again."""


def cases_to_deliver() -> QuerySet[Case]:
    """Closed cases not yet in a delivery (none when the archive need not keep cases)."""
    if not settings.PPR_ARCHIVE_KEEP_CASES:
        return Case.objects.none()
    return Case.objects.filter(status=CaseStatus.CLOSED, archive_delivery__isnull=True)


def order_delivery(*, case_ids: Iterable[int], by: Any) -> Delivery | None:
    """Order one delivery of those of ``case_ids`` that are closed and not yet delivered;
    None when there are none (all delivered already, or none closed)."""
    wanted = sorted(set(case_ids))
    with transaction.atomic():
        # The lock serialises two orders of the same cases; the second finds them delivered.
        locked = list(
            Case.objects.select_for_update()
            .filter(pk__in=wanted, status=CaseStatus.CLOSED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        taken = set(
            DeliveredCase.objects.filter(case_id__in=locked).values_list("case_id", flat=True)
        )
        fresh = [pk for pk in locked if pk not in taken]
        if not fresh:
            return None
        delivery = Delivery.objects.create(av_id=settings.PPR_ARCHIVE_AV_ID, requested_by=by)
        DeliveredCase.objects.bulk_create(
            DeliveredCase(delivery=delivery, case_id=pk, case_ref=pk) for pk in fresh
        )
        log_action(delivery, AuditAction.CREATE, by=by, purpose=PURPOSE)
        from . import tasks  # the tasks call these services

        transaction.on_commit(lambda: tasks.build_delivery.delay(delivery.pk))
    return delivery


def _claim(delivery_id: int) -> datetime | None:
    now = timezone.now()
    claimable = Q(status=DeliveryStatus.PENDING) | Q(
        status=DeliveryStatus.BUILDING, claimed_at__lt=now - LEASE
    )
    claimed = Delivery.objects.filter(claimable, pk=delivery_id).update(
        status=DeliveryStatus.BUILDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return now if claimed == 1 else None


def delivery_folder(delivery: Delivery) -> Path:
    return Path(settings.PPR_ARCHIVE_DIR) / f"levering-{delivery.pk}"


def build_delivery(*, delivery_id: int) -> str:
    """Write the ordered delivery's arkiveringsversion: "delivered", "failed" or "skipped"."""
    claimed_at = _claim(delivery_id)
    if claimed_at is None:
        return "skipped"
    started = time.monotonic()
    delivery = Delivery.objects.get(pk=delivery_id)
    ours = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.BUILDING, claimed_at=claimed_at
    )
    cases = list(
        Case.objects.filter(archive_delivery__delivery=delivery)
        .select_related("child")
        .order_by("pk")
    )
    final = delivery_folder(delivery)
    work = final.with_name(f".{final.name}.tmp")
    try:
        shutil.rmtree(work, ignore_errors=True)
        target = work / f"{delivery.av_id}.1"
        written = package.write(
            av_id=delivery.av_id,
            cases=cases,
            target=target,
            receives_cpr=settings.PPR_ARCHIVE_RECEIVES_CPR,
        )
        problems = package.validate(target)
        if problems:
            raise ValueError("; ".join(problems)[:500])
        shutil.rmtree(final, ignore_errors=True)
        # The archive collects a folder that is complete: it appears under its name at once.
        work.rename(final)
    except (OSError, DatabaseError) as exc:
        with contextlib.suppress(DatabaseError):
            ours.update(status=DeliveryStatus.PENDING, error=type(exc).__name__)
        raise TransientDeliveryError(type(exc).__name__) from exc
    except Exception as exc:  # a template, PDF or schema error: trying again will not help
        logger.exception("Archive delivery %s could not be built", delivery_id)
        shutil.rmtree(work, ignore_errors=True)
        ours.update(status=DeliveryStatus.FAILED, error=str(exc)[:200])
        return "failed"
    finished = ours.update(
        status=DeliveryStatus.DELIVERED,
        folder=str(final),
        delivered_at=timezone.now(),
        file_count=written.file_count,
        document_count=len(written.documents),
        size_bytes=written.size_bytes,
        seconds=round(time.monotonic() - started, 2),
        error="",
    )
    if not finished:
        return "skipped"
    for case in cases:
        log_action(case.child, AuditAction.EXPORT, by=delivery.requested_by, purpose=PURPOSE)
    return "delivered"


def give_up(*, delivery_id: int, reason: str) -> None:
    Delivery.objects.filter(
        pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.BUILDING]
    ).update(status=DeliveryStatus.FAILED, error=reason[:200])


def retry_delivery(delivery: Delivery, *, by: Any) -> Delivery:
    """Order a failed delivery, or one the archive rejected, built and delivered again (the
    folder is written anew; the cases stay held until the archive approves it). A double
    submit orders one build."""
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        rejected = locked.status == DeliveryStatus.REJECTED
        updated = Delivery.objects.filter(
            pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.REJECTED]
        ).update(status=DeliveryStatus.PENDING, error="")
        if updated:
            if rejected:
                Rejection.objects.filter(delivery=locked, redelivered_at__isnull=True).update(
                    redelivered_at=timezone.now()
                )
            purpose = "aflever igen efter arkivets afvisning" if rejected else "prøv igen"
            log_action(delivery, AuditAction.UPDATE, by=by, purpose=f"{PURPOSE}: {purpose}")
            from . import tasks

            transaction.on_commit(lambda: tasks.build_delivery.delay(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def record_receipt(
    *,
    delivery: Delivery,
    archive_reference: str,
    received_on: date,
    note: str,
    by: Any,
    approved: bool = True,
    reason: str = "",
) -> Receipt | Rejection:
    """Record the archive's receipt. Approved: the delivery is received, and the cases in it
    may be deleted when their retention rule says so. Rejected (with the archive's reason):
    the delivery is rejected, its cases stay held, and the leader can deliver it again. A
    double submit finds the first receipt or rejection."""
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        existing = Receipt.objects.filter(delivery=locked).first()
        if existing is not None:
            return existing
        if not approved:
            same = Rejection.objects.filter(
                delivery=locked, archive_reference=archive_reference, redelivered_at__isnull=True
            ).first()
            if same is not None:
                return same
        if locked.status != DeliveryStatus.DELIVERED:
            raise ValidationError(
                "Der kan kun registreres en kvittering for en aflevering, der er afleveret.",
                code="not_delivered",
            )
        if not approved:
            reason = reason.strip()
            if not reason:
                raise ValidationError(
                    {"reason": "Skriv arkivets begrundelse for afvisningen."}, code="reason"
                )
            rejection = Rejection.objects.create(
                delivery=locked,
                archive_reference=archive_reference,
                received_on=received_on,
                reason=reason,
                recorded_by=by,
            )
            locked.status = DeliveryStatus.REJECTED
            locked.save(update_fields=["status"])
            log_action(rejection, AuditAction.CREATE, by=by, purpose=f"{PURPOSE}: afvisning")
            return rejection
        receipt = Receipt.objects.create(
            delivery=locked,
            archive_reference=archive_reference,
            received_on=received_on,
            note=note,
            recorded_by=by,
        )
        locked.status = DeliveryStatus.RECEIVED
        locked.save(update_fields=["status"])
        log_action(receipt, AuditAction.CREATE, by=by, purpose=f"{PURPOSE}: kvittering")
    return receipt


def awaiting_receipt(case_ids: Iterable[int]) -> set[int]:
    """Those of ``case_ids`` the archive must keep and has not yet receipted: not delivered,
    or delivered without a receipt. Empty when the archive need not keep cases."""
    ids = set(case_ids)
    if not settings.PPR_ARCHIVE_KEEP_CASES or not ids:
        return set()
    received = set(
        DeliveredCase.objects.filter(
            case_id__in=ids, delivery__status=DeliveryStatus.RECEIVED
        ).values_list("case_id", flat=True)
    )
    return ids - received
