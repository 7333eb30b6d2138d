"""Effect goals (effektmål) with their manual measurements, and the development plan
(udviklingsplan): initiatives with activities, milestones and sub-goals."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ppr import text_limits
from ppr.accounts.models import User
from ppr.text_limits import limited_text

from .querysets import PlanQuerySet, ReportingQuerySet

# --- Effect goals --------------------------------------------------------------------------


class GoalUnit(models.TextChoices):
    COUNT = "antal", "antal"
    PERCENT = "procent", "%"
    MIO_DKK = "mio_kr", "mio. kr."


#: The values a goal of each unit can take (lowest, highest or None) and the Danish error when
#: a value lies outside: a share above 100 % or a negative count is a typing error, not a goal.
UNIT_RANGES: dict[str, tuple[Decimal, Decimal | None, str]] = {
    GoalUnit.COUNT: (Decimal(0), None, "Et antal kan ikke være negativt."),
    GoalUnit.PERCENT: (Decimal(0), Decimal(100), "En procent skal være mellem 0 og 100."),
    GoalUnit.MIO_DKK: (Decimal(0), None, "Et beløb kan ikke være negativt."),
}


def unit_range_error(unit: str, value: Decimal | None) -> str | None:
    """The Danish error when ``value`` cannot be a value of a goal measured in ``unit``."""
    if value is None or unit not in UNIT_RANGES:
        return None
    lowest, highest, message = UNIT_RANGES[unit]
    if value < lowest or (highest is not None and value > highest):
        return message
    return None


class GoalDirection(models.TextChoices):
    LOWER = "lavere", "Lavere er bedre"
    HIGHER = "hoejere", "Højere er bedre"


class Measurement(models.TextChoices):
    AUTOMATIC = "automatisk", "Automatisk fra systemets egne data"
    MANUAL = "manuel", "Manuelt indtastet af PPR-lederen"


class EffectGoal(models.Model):
    """A municipal effect goal: where we started (baseline), where we want to be (target),
    which way is better, and how it is measured (from the system's own data or by hand)."""

    key = models.SlugField("nøgle", max_length=50, unique=True)
    name = models.CharField("effektmål", max_length=200)
    description = limited_text("sådan måles det", blank=True, limit=text_limits.NOTE)
    beacons = models.ManyToManyField(
        "indsatser.Beacon", blank=True, related_name="effect_goals", verbose_name="pejlemærker"
    )
    unit = models.CharField("enhed", max_length=10, choices=GoalUnit.choices)
    direction = models.CharField("retning", max_length=10, choices=GoalDirection.choices)
    baseline_value = models.DecimalField(
        "baseline", max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField("baselineår", null=True, blank=True)
    target_value = models.DecimalField(
        "måltal", max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField("målår", null=True, blank=True)
    measurement = models.CharField("måling", max_length=12, choices=Measurement.choices)
    measure_key = models.CharField(
        "automatisk måling",
        max_length=50,
        blank=True,
        help_text="Navnet på en funktion i reports/measures.py.",
    )
    order = models.PositiveSmallIntegerField("rækkefølge", default=0)
    active = models.BooleanField("aktiv", default=True)
    # Retiring a goal keeps it and its measurements (past reports do not change); it only
    # leaves the overview. Who and when is kept here as well as in the audit log.
    retired_at = models.DateTimeField("udgået", null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="udgået ved",
    )
    # A double submit of the new-goal form creates one goal.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = "effektmål"
        verbose_name_plural = "effektmål"
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(measurement="automatisk") & ~Q(measure_key=""))
                | (Q(measurement="manuel") & Q(measure_key="")),
                name="effect_goal_measure_key_iff_automatic",
                violation_error_message="Et automatisk mål skal pege på en måling; et manuelt mål må ikke.",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True, baseline_year__isnull=True)
                | Q(baseline_value__isnull=False, baseline_year__isnull=False),
                name="effect_goal_baseline_has_year",
                violation_error_message="Angiv både baseline og baselineår (eller ingen af dem).",
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True, target_year__isnull=True)
                | Q(target_value__isnull=False, target_year__isnull=False),
                name="effect_goal_target_has_year",
                violation_error_message="Angiv både måltal og målår (eller ingen af dem).",
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True)
                | Q(target_year__isnull=True)
                | Q(target_year__gte=models.F("baseline_year")),
                name="effect_goal_target_after_baseline",
                violation_error_message="Målåret skal ligge på eller efter baselineåret.",
            ),
            models.CheckConstraint(
                condition=Q(retired_at__isnull=True) | Q(active=False),
                name="effect_goal_retired_is_inactive",
                violation_error_message="Et udgået effektmål vises ikke på oversigten.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:goal-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {
            name: message
            for name in ("baseline_value", "target_value")
            if (message := unit_range_error(self.unit, getattr(self, name)))
        }
        if errors:
            raise ValidationError(errors)

    @property
    def is_automatic(self) -> bool:
        return self.measurement == Measurement.AUTOMATIC

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def lower_is_better(self) -> bool:
        return self.direction == GoalDirection.LOWER


class GoalMeasurement(models.Model):
    """A measured value of a manual effect goal for one year, entered by the PPR leader."""

    goal = models.ForeignKey(
        EffectGoal, on_delete=models.CASCADE, related_name="measurements", verbose_name="effektmål"
    )
    year = models.PositiveSmallIntegerField("år")
    value = models.DecimalField("målt værdi", max_digits=12, decimal_places=2)
    note = models.CharField("kilde/bemærkning", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="registreret af",
    )
    recorded_at = models.DateTimeField("registreret", auto_now=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = "måling"
        verbose_name_plural = "målinger"
        ordering = ["goal", "year"]
        constraints = [
            # One value per goal and year: entering a year again corrects it (and is audited).
            models.UniqueConstraint(
                fields=["goal", "year"],
                name="goal_measurement_one_per_year",
                violation_error_message="Der er allerede en måling for dette år.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.year}"

    def clean(self) -> None:
        if self.goal_id and (message := unit_range_error(self.goal.unit, self.value)):
            raise ValidationError({"value": message})


class PreventionSpending(models.Model):
    """The municipality's spending on prevention in one year, entered by the PPR leader (from
    the economy department's accounts): set against the spending on special offers computed
    from the placements, it gives the prevention share (seed 004 §1: 28 % → 40 %)."""

    year = models.PositiveSmallIntegerField("år", unique=True)
    amount = models.DecimalField(
        "udgift til forebyggelse (kr.)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    note = models.CharField("kilde/bemærkning", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="registreret af",
    )
    recorded_at = models.DateTimeField("registreret", auto_now=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = "udgift til forebyggelse"
        verbose_name_plural = "udgifter til forebyggelse"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="prevention_spending_not_negative",
                violation_error_message="Et beløb kan ikke være negativt.",
            ),
        ]

    def __str__(self) -> str:
        return f"Udgift til forebyggelse {self.year}"


# --- Development plan ----------------------------------------------------------------------


class DevelopmentPlan(models.Model):
    """A development plan (udviklingsplan), e.g. "PPR på sporet": initiatives and their steps."""

    key = models.SlugField("nøgle", max_length=50, unique=True)
    name = models.CharField("navn", max_length=200)
    description = limited_text("formål", blank=True, limit=text_limits.NOTE)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "udviklingsplan"
        verbose_name_plural = "udviklingsplaner"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:plan-overview")

    def can_download(self, user: object) -> bool:
        """The printed status overview (documents app asks this): the PPR leader's."""
        return isinstance(user, User) and user.is_ppr_leader


class PlanInitiative(models.Model):
    """A development initiative (udviklingsindsats) of the plan, with its tovholder."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="initiatives", verbose_name="plan"
    )
    number = models.CharField("nummer", max_length=10, help_text="Fx “3.1”.")
    title = models.CharField("titel", max_length=200)
    description = limited_text("beskrivelse", blank=True, limit=text_limits.NOTE)
    owner_text = models.CharField("tovholder", max_length=200, blank=True)
    beacons = models.ManyToManyField(
        "indsatser.Beacon", blank=True, related_name="plan_initiatives", verbose_name="pejlemærker"
    )
    effect_goals = models.ManyToManyField(
        EffectGoal, blank=True, related_name="plan_initiatives", verbose_name="effektmål"
    )
    order = models.PositiveSmallIntegerField("rækkefølge", default=0)
    # A double submit of the new-initiative form creates one initiative.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "udviklingsindsats"
        verbose_name_plural = "udviklingsindsatser"
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="plan_initiative_number_unique",
                violation_error_message="Planen har allerede en indsats med dette nummer.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ActivityKind(models.TextChoices):
    ACTIVITY = "aktivitet", "Aktivitet"
    MILESTONE = "milepael", "Milepæl"
    SUBGOAL = "delmaal", "Delmål"


class ActivityStatus(models.TextChoices):
    NOT_STARTED = "ikke_startet", "Ikke startet"
    IN_PROGRESS = "i_gang", "I gang"
    DONE = "afsluttet", "Afsluttet"
    POSTPONED = "udskudt", "Udskudt"
    CANCELLED = "aflyst", "Aflyst"


#: Statuses in which an activity still has to happen: past its date it is late.
OPEN_STATUSES = (ActivityStatus.NOT_STARTED, ActivityStatus.IN_PROGRESS)


class PlanActivity(models.Model):
    """An activity, milestone or sub-goal of an initiative: what, when, who (tovholder),
    its status and notes. The PPR leader keeps the status up to date."""

    initiative = models.ForeignKey(
        PlanInitiative,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name="udviklingsindsats",
    )
    kind = models.CharField("type", max_length=10, choices=ActivityKind.choices)
    # Some initiatives run two working groups, each with its own numbered steps (seed 004 §3.6).
    group = models.CharField("arbejdsgruppe", max_length=200, blank=True)
    number = models.PositiveSmallIntegerField("nummer")
    title = models.CharField("titel", max_length=300)
    due_on = models.DateField("dato")
    due_label = models.CharField(
        "dato som skrevet i planen", max_length=50, blank=True, help_text="Fx “Ult. sept.”."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_activities",
        verbose_name="ansvarlig (bruger)",
    )
    owner_text = models.CharField("ansvarlig", max_length=200, blank=True)
    status = models.CharField(
        "status", max_length=15, choices=ActivityStatus.choices, default=ActivityStatus.NOT_STARTED
    )
    status_note = models.CharField("statusbemærkning", max_length=300, blank=True)
    notes = limited_text("noter", blank=True, limit=text_limits.NOTE)
    beacons = models.ManyToManyField(
        "indsatser.Beacon", blank=True, related_name="plan_activities", verbose_name="pejlemærker"
    )
    effect_goals = models.ManyToManyField(
        EffectGoal, blank=True, related_name="plan_activities", verbose_name="effektmål"
    )
    # No lost work: a save from an older version of the row is refused, not silently applied.
    version = models.PositiveIntegerField(default=1)
    # A double submit of the new-activity form creates one activity.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    updated_at = models.DateTimeField("ændret", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ændret af",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "aktivitet i udviklingsplanen"
        verbose_name_plural = "aktiviteter i udviklingsplanen"
        ordering = ["initiative", "group", "kind", "number"]
        indexes = [models.Index(fields=["status", "due_on"], name="plan_activity_status_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "group", "kind", "number"],
                name="plan_activity_unique_number",
                violation_error_message="Indsatsen har allerede en aktivitet med dette nummer.",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_text=""),
                name="plan_activity_has_owner",
                violation_error_message="Angiv hvem der er ansvarlig.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}: {self.title}"

    @property
    def label(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def owner_name(self) -> str:
        if self.owner_id:
            return str(self.owner)
        return self.owner_text

    def is_late(self, today: date) -> bool:
        """Past its date and still to be done."""
        return self.status in OPEN_STATUSES and self.due_on < today
