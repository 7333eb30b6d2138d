"""Retention rules, legal holds, the lists of what is due and the deletion log."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone


class RetentionRule(models.Model):
    """How long one record type is kept after its clock starts; edited by the PPR leader."""

    record_type = models.CharField("posttype", max_length=40, unique=True)
    years = models.PositiveSmallIntegerField("opbevaring (år)")
    updated_at = models.DateTimeField("ændret", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ændret af",
    )

    class Meta:
        verbose_name = "opbevaringsregel"
        verbose_name_plural = "opbevaringsregler"
        ordering = ["record_type"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(years__gte=1),
                name="lifecycle_rule_at_least_one_year",
                violation_error_message="Opbevaringen skal være mindst ét år.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.years} år"


class LegalHold(models.Model):
    """A PPR leader's hold on everything about one child, with a reason, until an end date."""

    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="+", verbose_name="barn"
    )
    reason = models.CharField("begrundelse", max_length=500)
    until = models.DateField("gælder til og med")
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="oprettet af",
    )
    lifted_at = models.DateTimeField("ophævet", null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ophævet af",
    )

    class Meta:
        verbose_name = "retligt tilbagehold"
        verbose_name_plural = "retlige tilbagehold"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["child", "until"], name="lifecycle_hold_child_until")]

    def __str__(self) -> str:
        return f"Tilbagehold #{self.pk}"

    def is_active(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.lifted_at is None and self.until >= today


class DueListStatus(models.TextChoices):
    REVIEW = "review", "Afventer godkendelse"
    APPROVED = "approved", "Godkendt – sletter"
    DONE = "done", "Slettet"


class DueList(models.Model):
    """What the nightly job found due for deletion, reviewed and approved as one list."""

    created_on = models.DateField("dannet", default=timezone.localdate)
    status = models.CharField(
        "status", max_length=10, choices=DueListStatus.choices, default=DueListStatus.REVIEW
    )
    approved_at = models.DateTimeField("godkendt", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="godkendt af",
    )
    automatic = models.BooleanField("godkendt automatisk", default=False)
    finished_at = models.DateTimeField("færdig", null=True, blank=True)

    class Meta:
        verbose_name = "sletteliste"
        verbose_name_plural = "slettelister"
        ordering = ["-created_on", "-id"]
        constraints = [
            # One list under review at a time: the nightly job adds to it, never a second.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="review"),
                name="lifecycle_one_list_in_review",
            )
        ]

    def __str__(self) -> str:
        return f"Sletteliste {self.created_on:%d.%m.%Y}"


class DueItemState(models.TextChoices):
    PENDING = "pending", "Afventer"
    DELETED = "deleted", "Slettet"
    HELD = "held", "Tilbageholdt"


class DueItem(models.Model):
    """One record on a due list: its type, internal id and dates; never its content."""

    due_list = models.ForeignKey(
        DueList, on_delete=models.CASCADE, related_name="items", verbose_name="sletteliste"
    )
    record_type = models.CharField("posttype", max_length=40)
    object_id = models.PositiveBigIntegerField("intern id")
    clock_started = models.DateField("uret startede")
    due_on = models.DateField("kan slettes fra")
    state = models.CharField(
        "tilstand", max_length=10, choices=DueItemState.choices, default=DueItemState.PENDING
    )
    batch = models.PositiveIntegerField("parti", null=True, blank=True)

    class Meta:
        verbose_name = "post på slettelisten"
        verbose_name_plural = "poster på slettelisten"
        ordering = ["record_type", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["due_list", "record_type", "object_id"], name="lifecycle_item_once_per_list"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_list", "record_type", "object_id"], name="lifecycle_item_list"
            ),
            models.Index(fields=["record_type", "object_id"], name="lifecycle_item_record"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.object_id}"


class DeletionLogEntry(models.Model):
    """What was deleted, under which rule, when and on whose approval; no personal data."""

    record_type = models.CharField("posttype", max_length=40)
    object_id = models.PositiveBigIntegerField("intern id")
    rule = models.CharField("regel", max_length=200)
    deleted_at = models.DateTimeField("slettet", default=timezone.now)
    due_list = models.ForeignKey(
        DueList,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="sletteliste",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="godkendt af",
    )
    automatic = models.BooleanField("godkendt automatisk", default=False)

    class Meta:
        verbose_name = "sletning"
        verbose_name_plural = "sletningslog"
        ordering = ["-deleted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "object_id"], name="lifecycle_deleted_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.object_id} slettet"
