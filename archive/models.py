"""Deliveries of closed cases to the archive as an arkiveringsversion (bekendtgørelse nr. 128
af 12. februar 2020), and the archive's receipt (kvittering) for each.

Who: the PPR leader alone (archive/rules.py). A case is delivered once: ``DeliveredCase.case``
is unique, so ordering the same case twice – a double submit, the beat job and a leader at
once, or a task run twice – finds the first delivery.
"""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from ppr import text_limits
from ppr.access import VisibleQuerySet
from ppr.text_limits import limited_text


class LeaderOnlyQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """The PPR leader's alone: a delivery concerns every child in it."""
        leader = bool(
            getattr(user, "is_authenticated", False) and user.is_active and user.is_ppr_leader
        )
        return self.all() if leader else self.none()


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Venter"
    BUILDING = "building", "Dannes"
    DELIVERED = "delivered", "Afleveret – afventer kvittering"
    RECEIVED = "received", "Kvitteret af arkivet"
    REJECTED = "rejected", "Afvist af arkivet – skal afleveres igen"
    FAILED = "failed", "Mislykkedes"


class Delivery(models.Model):
    """One arkiveringsversion: the closed cases in it, written by a Celery task to
    PPR_ARCHIVE_DIR as ``<av_id>.1/`` inside the delivery's own folder."""

    restriction_child = ""  # a restricted child's case is still delivered (archive law)

    av_id = models.CharField("arkiveringsversions-id", max_length=40)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bestilt af",
    )
    requested_at = models.DateTimeField("bestilt", auto_now_add=True)
    status = models.CharField(
        "status", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    claimed_at = models.DateTimeField("dannelse startet", null=True, blank=True)
    delivered_at = models.DateTimeField("afleveret", null=True, blank=True)
    folder = models.CharField("mappe", max_length=300, blank=True)
    file_count = models.PositiveIntegerField("antal filer", null=True, blank=True)
    document_count = models.PositiveIntegerField("antal dokumenter", null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField("størrelse (bytes)", null=True, blank=True)
    seconds = models.FloatField("tid (sekunder)", null=True, blank=True)
    error = models.CharField("fejl", max_length=200, blank=True)

    objects = LeaderOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "arkivaflevering"
        verbose_name_plural = "arkivafleveringer"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["delivered", "received", "rejected"]) | ~Q(folder=""),
                name="archive_delivery_delivered_has_folder",
                violation_error_message="En afleveret arkiveringsversion skal have en mappe.",
            ),
        ]

    def __str__(self) -> str:
        return f"Aflevering {self.pk} ({self.av_id})"

    @property
    def is_delivered(self) -> bool:
        return self.status == DeliveryStatus.DELIVERED


class DeliveredCase(models.Model):
    """A closed case in a delivery. ``case`` is unique: a case is delivered once. The case's id
    is kept when the case itself is deleted after the receipt (the deletion needs the row
    gone, the delivery's history does not)."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="cases", verbose_name="aflevering"
    )
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        related_name="archive_delivery",
        verbose_name="sag",
    )
    case_ref = models.PositiveBigIntegerField("sagens id")

    class Meta:
        verbose_name = "afleveret sag"
        verbose_name_plural = "afleverede sager"

    def __str__(self) -> str:
        return f"Sag {self.case_ref}"


class Receipt(models.Model):
    """The archive's receipt (kvittering) that it has received and approved the delivery;
    recorded by a PPR leader. Only then may the delivered cases be deleted."""

    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, related_name="receipt", verbose_name="aflevering"
    )
    archive_reference = models.CharField("arkivets journalnummer", max_length=100)
    received_on = models.DateField("kvitteret den")
    note = limited_text("bemærkning", blank=True, limit=text_limits.NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="registreret af",
    )
    recorded_at = models.DateTimeField("registreret", auto_now_add=True)

    objects = LeaderOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "kvittering"
        verbose_name_plural = "kvitteringer"

    def __str__(self) -> str:
        return f"Kvittering {self.archive_reference}"


class Rejection(models.Model):
    """The archive's receipt that rejects a delivery, with its reason (e.g. a table that does
    not validate); recorded by a PPR leader. The cases stay held (no receipt approves them)
    until the delivery is built and delivered again and the archive approves it. Every
    rejection is kept, so the delivery's history shows each round."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="rejections", verbose_name="aflevering"
    )
    archive_reference = models.CharField("arkivets journalnummer", max_length=100)
    received_on = models.DateField("afvist den")
    reason = limited_text("arkivets begrundelse", limit=text_limits.NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="registreret af",
    )
    recorded_at = models.DateTimeField("registreret", auto_now_add=True)
    redelivered_at = models.DateTimeField("afleveret igen", null=True, blank=True)

    objects = LeaderOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "afvisning fra arkivet"
        verbose_name_plural = "afvisninger fra arkivet"
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Afvisning {self.archive_reference}"
