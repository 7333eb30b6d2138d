"""The data subject's rights: restriction of processing (art. 18) and access exports (art. 15).

Who may use them: the PPR leader alone. A parent's request (for access, or for restriction)
arrives at PPR – by letter, e-mail or Digital Post – and the leader records it here with its
purpose; the system has no self-service for parents (README, "Den registreredes rettigheder").
"""

import uuid
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from ppr import text_limits
from ppr.access import VisibleQuerySet
from ppr.text_limits import limited_text


def _leader(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_ppr_leader)


class LeaderOnlyQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """The PPR leader's alone (restrictions and exports concern restricted children too)."""
        return self.all() if _leader(user) else self.none()

    def active(self) -> Self:
        return self.filter(lifted_at__isnull=True)


class Restriction(models.Model):
    """Restriction of processing (GDPR art. 18) of one child's record: while it is active, the
    child and everything about it drops out of every list, search and page (ppr.access); only a
    PPR leader opens it, stating a purpose each time. Lifting keeps the row (who, when, why)."""

    # Not Audited: the restriction register must list restricted children (ppr.access reads
    # a model's audit_child to leave rows out).
    restriction_child = ""

    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="restrictions", verbose_name="barn"
    )
    reason = limited_text("begrundelse", limit=text_limits.NOTE)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="af"
    )
    restricted_at = models.DateTimeField("begrænset", auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ophævet af",
    )
    lifted_at = models.DateTimeField("ophævet", null=True, blank=True)
    lift_reason = limited_text("begrundelse for ophævelse", blank=True, limit=text_limits.NOTE)

    objects = LeaderOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "begrænsning af behandling"
        verbose_name_plural = "begrænsninger af behandling"
        ordering = ["-restricted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(lifted_at__isnull=True),
                name="restriction_one_active_per_child",
                violation_error_message="Barnets oplysninger er allerede begrænset.",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_by__isnull=False),
                name="restriction_lifted_by_someone",
                violation_error_message="En ophævelse skal have en, der ophævede den.",
            ),
        ]

    def __str__(self) -> str:
        return f"Begrænsning {self.restricted_at:%d.%m.%Y}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Venter"
    RUNNING = "running", "Dannes"
    READY = "ready", "Klar"
    FAILED = "failed", "Mislykkedes"


def export_path(instance: "AccessExport", filename: str) -> str:
    # A random name: the path reveals neither the child nor what the file is.
    return f"exports/{uuid.uuid4().hex}.zip"


class AccessExportQuerySet[M: models.Model](LeaderOnlyQuerySet[M]):
    pass


class AccessExport(models.Model):
    """GDPR art. 15: everything the system holds about one child, as a zip with a PDF to read,
    JSON for machines, the child's access log (without employee names) and the files; built
    by a Celery task (``rights.tasks.build_access_export``) whose progress the page polls."""

    restriction_child = ""  # the export of a restricted child stays the leader's to hand over

    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="access_exports", verbose_name="barn"
    )
    purpose = models.CharField("formål", max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="af"
    )
    requested_at = models.DateTimeField("bestilt", auto_now_add=True)
    status = models.CharField(
        "status", max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField("fremdrift (%)", default=0)
    step = models.CharField("trin", max_length=100, blank=True)
    # Private storage (STORAGES["default"]); downloaded only through the audited view.
    file = models.FileField("fil", upload_to=export_path, blank=True)
    size_bytes = models.PositiveBigIntegerField("størrelse (bytes)", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    record_count = models.PositiveIntegerField("antal poster", null=True, blank=True)
    page_count = models.PositiveIntegerField("antal sider", null=True, blank=True)
    seconds = models.FloatField("tid (sekunder)", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    claimed_at = models.DateTimeField("startet", null=True, blank=True)
    finished_at = models.DateTimeField("færdig", null=True, blank=True)
    error = models.CharField("fejl", max_length=200, blank=True)

    objects = AccessExportQuerySet.as_manager()

    class Meta:
        verbose_name = "indsigtsudtræk"
        verbose_name_plural = "indsigtsudtræk"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.READY) | (~Q(file="") & ~Q(sha256="")),
                name="access_export_ready_has_file",
                violation_error_message="Et færdigt udtræk skal have en fil og en kontrolsum.",
            ),
        ]

    def __str__(self) -> str:
        return f"Indsigt {self.requested_at:%d.%m.%Y %H:%M}"

    @property
    def is_in_progress(self) -> bool:
        return self.status in {ExportStatus.PENDING, ExportStatus.RUNNING}

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == ExportStatus.FAILED

    @property
    def filename(self) -> str:
        return f"indsigt-barn-{self.child_id}-{self.requested_at:%Y%m%d-%H%M}.zip"
