"""The municipality, its districts and institutions, and PPR's teams."""

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from ppr import generations


class Municipality(models.Model):
    """The kommune this deployment serves (one row), with its configurable defaults."""

    name = models.CharField("navn", max_length=100, default="Demo Kommune")
    logo_text = models.CharField("logotekst", max_length=100, default="PPR")
    referral_draft_expiry_days = models.PositiveSmallIntegerField(
        "kladder slettes efter (dage)", default=30, validators=[MinValueValidator(7)]
    )
    receipt_working_days = models.PositiveSmallIntegerField(
        "frist for kvittering (arbejdsdage)", default=3
    )
    visitation_working_days = models.PositiveSmallIntegerField(
        "frist for visitation (arbejdsdage)", default=10
    )
    ppv_service_weeks = models.PositiveSmallIntegerField("servicemål for PPV (uger)", default=8)
    notat_working_days = models.PositiveSmallIntegerField(
        "frist for notat efter møde (arbejdsdage)", default=5
    )
    reminder_lead_working_days = models.PositiveSmallIntegerField(
        "påmindelse før frist (arbejdsdage)", default=2
    )
    # The sender on every PDF: who the family or school writes to or calls about a document.
    ppr_name = models.CharField(
        "PPR's navn", max_length=100, blank=True, help_text="Fx “PPR Nordvig”."
    )
    ppr_address = models.CharField(
        "PPR's adresse", max_length=200, blank=True, help_text="Fx “Rådhusvej 1, 9990 Nordvig”."
    )
    ppr_phone = models.CharField("PPR's telefon", max_length=30, blank=True)
    ppr_email = models.EmailField("PPR's e-mail", blank=True)

    class Meta:
        verbose_name = "kommune"
        verbose_name_plural = "kommune"
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=1),
                name="municipality_singleton",
                violation_error_message="Der kan kun være én kommune.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @property
    def ppr_sender(self) -> str:
        """PPR's name as a sender: its own name, else "PPR, <kommune>"."""
        return self.ppr_name or f"PPR, {self.name}"

    @property
    def ppr_contact(self) -> str:
        """PPR's address, telephone and e-mail on one line (the parts that are filled in)."""
        parts = [
            self.ppr_address,
            f"Tlf. {self.ppr_phone}" if self.ppr_phone else "",
            self.ppr_email,
        ]
        return " · ".join(part for part in parts if part)

    @classmethod
    def current(cls) -> "Municipality":
        """The one row, from the cache until it is saved (every page shows its name)."""
        return generations.cached("municipality", cls._current_row, timeout=600)

    @classmethod
    def _current_row(cls) -> "Municipality":
        municipality, _ = cls.objects.get_or_create(pk=1)
        return municipality


class District(models.Model):
    """An area of the municipality, e.g. "Vest", "Øst" or a school district."""

    name = models.CharField("navn", max_length=100, unique=True)

    class Meta:
        verbose_name = "distrikt"
        verbose_name_plural = "distrikter"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstitutionKind(models.TextChoices):
    SKOLE = "skole", "Skole"
    SPECIALSKOLE = "specialskole", "Specialskole"
    PRIVATSKOLE = "privatskole", "Privatskole"
    VUGGESTUE = "vuggestue", "Vuggestue"
    BOERNEHAVE = "boernehave", "Børnehave"
    DAGTILBUD = "dagtilbud", "Dagtilbud (integreret)"
    DAGPLEJE = "dagpleje", "Dagpleje"
    KLUB = "klub", "Klub"


SCHOOL_KINDS = (InstitutionKind.SKOLE, InstitutionKind.SPECIALSKOLE, InstitutionKind.PRIVATSKOLE)
DAYCARE_KINDS = (
    InstitutionKind.VUGGESTUE,
    InstitutionKind.BOERNEHAVE,
    InstitutionKind.DAGTILBUD,
    InstitutionKind.DAGPLEJE,
)


class Institution(models.Model):
    """A place where children are every day: a school, a daycare, a club."""

    name = models.CharField("navn", max_length=150, unique=True)
    kind = models.CharField("type", max_length=20, choices=InstitutionKind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="institutions", verbose_name="distrikt"
    )
    min_age = models.PositiveSmallIntegerField(
        "fra alder", default=0, validators=[MaxValueValidator(18)]
    )
    max_age = models.PositiveSmallIntegerField(
        "til alder", default=18, validators=[MaxValueValidator(18)]
    )
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "institution"
        verbose_name_plural = "institutioner"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__lte=F("max_age")),
                name="institution_age_range",
                violation_error_message="Fra-alder skal være mindre end eller lig til-alder.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS

    @property
    def is_daycare(self) -> bool:
        return self.kind in DAYCARE_KINDS


class Team(models.Model):
    """A PPR team (e.g. "Team Vest"); members see the team's cases."""

    name = models.CharField("navn", max_length=100, unique=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name="distrikt",
    )

    class Meta:
        verbose_name = "PPR-team"
        verbose_name_plural = "PPR-teams"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
