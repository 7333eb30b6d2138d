"""PPR's case file (sag) for a child."""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models.access import sees_all_cases
from cases.models.children import Child
from cases.models.ratings import RulerColour
from ppr import text_limits
from ppr.access import VisibleQuerySet
from ppr.accounts.models import CASEWORKER_ROLES
from ppr.audit.audited import Audited
from ppr.esdh import kle
from ppr.organisation.models import Team
from ppr.text_limits import limited_text


class CaseQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """PPR leader and secretary: all cases; case workers: assigned to them or their team."""
        if not user.is_authenticated:
            return self.none()
        if sees_all_cases(user):
            return self.all()
        if user.has_role(*CASEWORKER_ROLES):
            return self.filter(Q(assigned=user) | Q(team_id__in=user.team_ids))
        return self.none()

    def open(self) -> Self:
        return self.filter(status=CaseStatus.OPEN)

    def for_display(self) -> Self:
        """With what a list row and the case header show (child, institution, district, case
        worker, team), in one query. Who closed a case is read only for a closed case (a seventh
        table cost the case page 1 ms of planning). A list's paginator cuts the page's ids from the
        index (status, child_sort_name, id) before it joins the rest
        (``ppr.tables.FixedSizePaginator``), so a deep page stays fast."""
        return self.select_related("child__institution__district", "assigned", "team")


class CaseStatus(models.TextChoices):
    OPEN = "aaben", "Åben"
    CLOSED = "lukket", "Lukket"


class CaseOutcome(models.TextChoices):
    """How a case ended; feeds the effect goals (e.g. referrals to BUP)."""

    NO_FURTHER = "afsluttet_uden_videre", "Afsluttet uden videre"
    GENERAL_SUPPORT = "indsats_almenomraadet", "Indsats i almenområdet"
    SPECIAL_OFFER = "specialtilbud", "Specialtilbud"
    BUP = "henvist_bup", "Henvist til børne- og ungdomspsykiatrien"
    MOVED = "flyttet", "Flyttet"


class Case(Audited, models.Model):
    """PPR's case file (sag) for one child; at most one open case per child."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="cases", verbose_name="barn"
    )
    status = models.CharField(
        "status", max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name="sagsbehandler",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="PPR-team",
    )
    opened_at = models.DateTimeField("oprettet", default=timezone.now)
    closed_at = models.DateTimeField("lukket", null=True, blank=True)
    outcome = models.CharField("udfald", max_length=30, choices=CaseOutcome.choices, blank=True)
    closing_note = limited_text("afslutningsnotat", blank=True, limit=text_limits.NOTE)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lukket af",
    )
    latest_colour = models.CharField(
        "seneste Børnelineal",
        max_length=10,
        choices=RulerColour.choices,
        blank=True,
        help_text="Kopi af barnets seneste vurdering, så sagslisten kan filtrere uden at slå historikken op.",
    )
    # KLE classification for the ESDH and the Sags- og Dokumentindeks (ppr/esdh/kle.py).
    kle_number = models.CharField(
        "KLE-emnenummer",
        max_length=8,
        default=kle.default_number,
        validators=[kle.validate_kle],
        help_text="Fx 17.13.00.",
    )
    kle_facet = models.CharField(
        "handlingsfacet",
        max_length=3,
        default=kle.default_facet,
        validators=[kle.validate_facet],
        help_text="Fx G01.",
    )
    child_sort_name = models.CharField(
        "barnets sorteringsnavn",
        max_length=201,
        editable=False,
        help_text="Kopi af barnets efternavn og fornavn, så sagslisten kan sortere og blade uden at slå børnene op.",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "sag"
        verbose_name_plural = "sager"
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["status", "assigned"]),
            models.Index(fields=["status", "team"]),
            models.Index(fields=["status", "opened_at"]),
            models.Index(fields=["status", "latest_colour"]),
            models.Index(fields=["outcome", "closed_at"]),
            models.Index(fields=["status", "child_sort_name", "id"]),
            models.Index(fields=["child_sort_name", "id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status="aaben"),
                name="case_one_open_per_child",
                violation_error_message="Barnet har allerede en åben sag.",
            ),
            models.CheckConstraint(
                condition=Q(status="aaben") | ~Q(outcome=""),
                name="case_closed_has_outcome",
                violation_error_message="En lukket sag skal have et udfald.",
            ),
        ]

    def __str__(self) -> str:
        return f"Sag {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.child_sort_name:
            self.child_sort_name = self.child.sort_name  # children are never renamed
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cases:case-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"{self.opened_at:%Y}-{self.pk:05d}"

    @property
    def audit_label(self) -> str:
        """The case as the audit log names it (ppr/audit/labels.py)."""
        return f"Sag {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    audit_child = "child_id"
    audit_institution = "child.institution_id"

    @property
    def deadline_link(self) -> str:
        return self.get_absolute_url()

    @property
    def deadline_district_id(self) -> int:
        return self.child.institution.district_id

    def can_be_handled_by(self, user) -> bool:
        return Case.objects.visible_to(user).filter(pk=self.pk).exists()
