"""Indsatser: the five pejlemærker, the intervention catalogue (indsatsvifte), courses (forløb)
for one child or a group with goals, sessions, attendance and follow-ups, and the absence
procedure "Glad i skole – IGEN" with its absence cases.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from cases.models import Case, Child, RulerColour, RulerRating
from ppr import text_limits
from ppr.accounts.models import Role
from ppr.audit.audited import Audited
from ppr.organisation.models import District, Institution, Team
from ppr.text_limits import limited_text

from .querysets import (
    AbsenceCaseQuerySet,
    AbsenceStepRecordQuerySet,
    CatalogueQuerySet,
    CourseChildQuerySet,
    CourseQuerySet,
    InterventionQuerySet,
)

# --- Pejlemærker ---------------------------------------------------------------------------


class Beacon(models.Model):
    """One of the five professional pejlemærker (seed 004, Bilag 3) that interventions and
    effect goals serve. Seeded by a data migration; the reports app links effect goals here."""

    number = models.PositiveSmallIntegerField(
        "nummer", unique=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField("titel", max_length=200)
    description = limited_text("lykkes ved at", blank=True, limit=text_limits.NOTE)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "pejlemærke"
        verbose_name_plural = "pejlemærker"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=5),
                name="beacon_number_1_to_5",
                violation_error_message="Et pejlemærke har nummer 1–5.",
            )
        ]

    def __str__(self) -> str:
        return f"Pejlemærke {self.number}: {self.title}"


# --- The catalogue -------------------------------------------------------------------------


class PreventionLevel(models.TextChoices):
    """Forebyggelsesniveau; the values are the Børnelineal colours, so they map 1:1."""

    PRIMARY = RulerColour.GROEN.value, "Primær forebyggelse (grøn)"
    SECONDARY = RulerColour.GUL.value, "Sekundær forebyggelse (gul)"
    TERTIARY = RulerColour.ROED.value, "Tertiær forebyggelse (rød)"


#: Prevention (primary + secondary) as opposed to the more intrusive tertiary level.
PREVENTIVE_LEVELS = (PreventionLevel.PRIMARY, PreventionLevel.SECONDARY)


class InterventionForm(models.TextChoices):
    INDIVIDUAL = "individuel", "Individuel"
    GROUP = "gruppe", "Gruppe/hold"
    CONSULTATIVE = "konsultativ", "Konsultativ"


class Intervention(models.Model):
    """An entry in the municipality's catalogue of interventions (indsatsvifte).

    Retired entries are never deleted: old courses keep pointing at them, new ones cannot.
    """

    name = models.CharField("navn", max_length=200, unique=True)
    description = limited_text("beskrivelse", limit=text_limits.NOTE)
    target_group = limited_text("målgruppe", limit=text_limits.SHORT)
    level = models.CharField("forebyggelsesniveau", max_length=10, choices=PreventionLevel.choices)
    form = models.CharField("form", max_length=15, choices=InterventionForm.choices)
    beacons = models.ManyToManyField(
        Beacon, blank=True, related_name="interventions", verbose_name="pejlemærker"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_interventions",
        verbose_name="tovholder",
    )
    typical_length = models.CharField(
        "typisk varighed", max_length=100, blank=True, help_text="Fx “8 gange over 3 måneder”."
    )
    retired_on = models.DateField("udfaset den", null=True, blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    updated_at = models.DateTimeField("ændret", auto_now=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = "indsats"
        verbose_name_plural = "indsatser"
        ordering = ["name"]
        indexes = [models.Index(fields=["retired_on", "level"], name="intervention_retired_level")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indsatser:intervention-detail", kwargs={"pk": self.pk})

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None


# --- Courses (forløb) ----------------------------------------------------------------------


class CourseKind(models.TextChoices):
    CHILD = "barn", "Forløb for ét barn"
    GROUP = "hold", "Hold (gruppeforløb)"


class CourseStatus(models.TextChoices):
    # A draft a koordineringskonference's decision made, for PPR to look through and start.
    DRAFT = "kladde", "Kladde"
    ACTIVE = "aktivt", "Aktivt"
    ENDED = "afsluttet", "Afsluttet"


class CourseOutcome(models.TextChoices):
    """How a course ended; reported by level and institution."""

    GOALS_MET = "maal_naaet", "Målene er nået"
    PARTLY_MET = "delvist_naaet", "Målene er delvist nået"
    NOT_MET = "ikke_naaet", "Målene er ikke nået"
    REFERRED = "videre_indsats", "Afsluttet med henblik på anden indsats"
    DISCONTINUED = "afbrudt", "Afbrudt"


class Course(Audited, models.Model):
    """A forløb: one run of a catalogue intervention, for one child (on the child's case) or for
    a group (hold) of enrolled children."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="courses", verbose_name="indsats"
    )
    kind = models.CharField("type", max_length=10, choices=CourseKind.choices)
    title = models.CharField(
        "navn på forløbet", max_length=200, help_text="Fx “Skilsmissegruppe Vest, forår 2026”."
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name="sag",
    )
    # Where the course runs: the child's institution, or the school hosting the group.
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name="institution",
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name="distrikt",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name="PPR-team",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsible_courses",
        verbose_name="ansvarlig",
    )
    co_leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_led_courses",
        verbose_name="medansvarlige",
    )
    starts_on = models.DateField("start")
    ends_on = models.DateField("forventet slut", null=True, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=CourseStatus.choices, default=CourseStatus.ACTIVE
    )
    ended_on = models.DateField("afsluttet den", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="afsluttet af",
    )
    outcome = models.CharField("udfald", max_length=20, choices=CourseOutcome.choices, blank=True)
    outcome_note = limited_text("afslutningsnotat", blank=True, limit=text_limits.NOTE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="oprettet af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    # Idempotency key from the form: a double submit of "Start forløb" creates one course.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = "forløb"
        verbose_name_plural = "forløb"
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "responsible"], name="course_status_responsible"),
            models.Index(fields=["institution", "starts_on"], name="course_institution_start"),
            models.Index(fields=["starts_on"], name="course_starts_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="hold", case__isnull=True) | Q(kind="barn", case__isnull=False),
                name="course_child_has_case_group_has_none",
                violation_error_message="Et forløb for ét barn hører til barnets sag; et hold har ingen sag.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="course_ends_after_start",
                violation_error_message="Slutdatoen skal ligge på eller efter startdatoen.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["kladde", "aktivt"])
                | (~Q(outcome="") & Q(ended_on__isnull=False)),
                name="course_ended_has_outcome",
                violation_error_message="Et afsluttet forløb skal have et udfald og en dato.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("indsatser:course-detail", kwargs={"pk": self.pk})

    @property
    def is_group(self) -> bool:
        return self.kind == CourseKind.GROUP

    @property
    def is_active(self) -> bool:
        return self.status == CourseStatus.ACTIVE

    @property
    def is_draft(self) -> bool:
        return self.status == CourseStatus.DRAFT

    @property
    def is_ended(self) -> bool:
        return self.status == CourseStatus.ENDED

    @property
    def level(self) -> str:
        return self.intervention.level

    audit_child = "case.child_id"
    audit_institution = "institution_id"

    @property
    def deadline_district_id(self) -> int | None:
        if self.district_id:
            return self.district_id
        return self.institution.district_id if self.institution is not None else None

    def can_download(self, user: object) -> bool:
        """The participant list PDF: whoever may manage the course (documents app asks this;
        the same rows as the ``can_manage_course`` rule)."""
        return Course.objects.managed_by(user).filter(pk=self.pk).exists()


class CourseParticipant(Audited, models.Model):
    """A child enrolled on a course. Removal is recorded, never deleted: attendance stays."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="participants")
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="course_participations", verbose_name="barn"
    )
    enrolled_on = models.DateField("tilmeldt den", default=date.today)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tilmeldt af",
    )
    removed_on = models.DateField("udmeldt den", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="udmeldt af",
    )
    removal_reason = models.CharField("årsag til udmeldelse", max_length=300, blank=True)

    objects = CourseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "deltager"
        verbose_name_plural = "deltagere"
        ordering = ["child__last_name", "child__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "child"],
                condition=Q(removed_on__isnull=True),
                name="participant_once_per_course",
                violation_error_message="Barnet er allerede tilmeldt forløbet.",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | ~Q(removal_reason=""),
                name="participant_removal_has_reason",
                violation_error_message="Angiv en årsag til udmeldelsen.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.child)

    @property
    def is_active(self) -> bool:
        return self.removed_on is None

    audit_child = "child_id"
    audit_institution = "child.institution_id"


class CourseGoal(models.Model):
    """A goal of a course, written so it can be judged: what will be different, and how seen."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField("mål", max_length=500)
    order = models.PositiveSmallIntegerField("rækkefølge", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "mål"
        verbose_name_plural = "mål"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "text"],
                name="goal_unique_text_per_course",
                violation_error_message="Forløbet har allerede dette mål.",
            )
        ]

    def __str__(self) -> str:
        return self.text


class CourseSession(models.Model):
    """One meeting (gang) of a course; attendance is recorded per participant."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("dato")
    topic = models.CharField("emne", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "gang"
        verbose_name_plural = "gange"
        ordering = ["held_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "held_on"],
                name="session_one_per_course_day",
                violation_error_message="Forløbet har allerede en gang på denne dato.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y}" + (f" – {self.topic}" if self.topic else "")


class Attendance(models.Model):
    """Whether a participant was present at a session (absent when the row says so)."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(
        CourseParticipant, on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField("til stede")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "fremmøde"
        verbose_name_plural = "fremmøde"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"],
                name="attendance_once_per_session_participant",
                violation_error_message="Fremmødet er allerede registreret.",
            )
        ]

    def __str__(self) -> str:
        return "Til stede" if self.present else "Fraværende"


class FollowUpStatus(models.TextChoices):
    PLANNED = "planlagt", "Planlagt"
    HELD = "afholdt", "Afholdt"
    CANCELLED = "aflyst", "Aflyst"


class FollowUp(Audited, models.Model):
    """Opfølgning (pejlemærke 3): a planned date with a deadline; when held, a note, each goal's
    status and Børnelineal ratings (context follow-up) so the case shows before and after."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="follow_ups")
    planned_on = models.DateField("planlagt til")
    status = models.CharField(
        "status", max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    held_on = models.DateField("afholdt den", null=True, blank=True)
    note = limited_text("notat", blank=True, limit=text_limits.NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="registreret af",
    )
    ratings = models.ManyToManyField(
        RulerRating, blank=True, related_name="course_follow_ups", verbose_name="Børnelineal"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "opfølgning"
        verbose_name_plural = "opfølgninger"
        ordering = ["planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "planned_on"],
                name="follow_up_one_per_course_day",
                violation_error_message="Der er allerede planlagt en opfølgning på denne dato.",
            ),
            models.CheckConstraint(
                condition=~Q(status="afholdt") | (Q(held_on__isnull=False) & ~Q(note="")),
                name="follow_up_held_has_date_and_note",
                violation_error_message="En afholdt opfølgning skal have en dato og et notat.",
            ),
        ]

    def __str__(self) -> str:
        return f"Opfølgning {self.planned_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("indsatser:follow-up-record", kwargs={"pk": self.pk})

    @property
    def is_planned(self) -> bool:
        return self.status == FollowUpStatus.PLANNED

    @property
    def deadline_link(self) -> str:
        return self.get_absolute_url()

    @property
    def deadline_district_id(self) -> int | None:
        return self.course.deadline_district_id

    audit_child = "course.audit_child_id"
    audit_institution = "course.audit_institution_id"


class GoalStatus(models.TextChoices):
    MET = "opfyldt", "Opfyldt"
    PARTLY = "delvist", "Delvist opfyldt"
    NOT_MET = "ikke", "Ikke opfyldt"


class GoalAssessment(models.Model):
    """At one follow-up, how far one goal has been reached."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="assessments")
    goal = models.ForeignKey(CourseGoal, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField("status", max_length=10, choices=GoalStatus.choices)

    class Meta:
        verbose_name = "målvurdering"
        verbose_name_plural = "målvurderinger"
        ordering = ["goal__order", "goal__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "goal"],
                name="assessment_once_per_follow_up_goal",
                violation_error_message="Målet er allerede vurderet ved denne opfølgning.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_status_display()}"


# --- Absence procedure ("Glad i skole – IGEN") ---------------------------------------------


#: Roles a procedure step can be the responsibility of.
STEP_ROLE_CHOICES = [
    (Role.STAFF.value, "Skolens medarbejder (klasselærer/kontaktlærer)"),
    (Role.INSTITUTION_LEADER.value, "Skoleleder"),
    (Role.PSYCHOLOGIST.value, "PPR (psykolog)"),
    (Role.PPR_LEADER.value, "PPR-leder"),
    (Role.SOCIAL_WORKER.value, "Socialrådgiver"),
]


class AbsenceProcedureStep(models.Model):
    """One step of the municipality's absence procedure: what is done, by whom, when it applies
    (unlawful absence in the quarter reaching ``threshold_percent``) and how fast."""

    order = models.PositiveSmallIntegerField("rækkefølge", unique=True)
    title = models.CharField("trin", max_length=200)
    description = limited_text("beskrivelse", blank=True, limit=text_limits.NOTE)
    responsible_role = models.CharField("ansvarlig", max_length=20, choices=STEP_ROLE_CHOICES)
    threshold_percent = models.DecimalField(
        "gælder fra ulovligt fravær (%)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="0 betyder: så snart der er ulovligt fravær.",
    )
    deadline_working_days = models.PositiveSmallIntegerField(
        "frist (arbejdsdage)", help_text="0 betyder samme dag."
    )
    # "Glad i skole – IGEN": at 10 % the school involves its support model – the TRIO refers
    # the pupil to a forum. The step then drafts that henvisning, prefilled (meetings app).
    refer_to_forum = models.CharField(
        "henvis til forum",
        max_length=50,
        blank=True,
        help_text="Koden på et forum i supportmodellen, fx “tvaerfagligt_skoleteam”. Når "
        "trinnet starter, oprettes en udfyldt kladde til TRIO'ens henvisning til forummet.",
    )
    active = models.BooleanField("i brug", default=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "trin i fraværsproceduren"
        verbose_name_plural = "trin i fraværsproceduren"
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=0, threshold_percent__lte=100),
                name="absence_step_threshold_0_100",
                violation_error_message="Grænsen skal være mellem 0 og 100 %.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def applies_at(self, percent: Decimal) -> bool:
        """Whether an unlawful absence of ``percent`` in a quarter calls for this step."""
        return percent > 0 and percent >= self.threshold_percent


class GradeStage(models.TextChoices):
    """The school's stages as seed 004 §3.6 splits absence work: mellemtrin and overskoling."""

    INDSKOLING = "indskoling", "Indskoling (0.–3. klasse)"
    MELLEMTRIN = "mellemtrin", "Mellemtrin (4.–6. klasse)"
    OVERSKOLING = "overskoling", "Overskoling (7.–10. klasse)"


#: The grades (klassetrin) of each stage, lowest and highest.
STAGE_GRADES: dict[str, tuple[int, int]] = {
    GradeStage.INDSKOLING: (0, 3),
    GradeStage.MELLEMTRIN: (4, 6),
    GradeStage.OVERSKOLING: (7, 10),
}


def stage_of(grade: int | None) -> str | None:
    """The stage of a grade (0 is børnehaveklasse), None for an unknown grade."""
    if grade is None:
        return None
    return next((s for s, (lo, hi) in STAGE_GRADES.items() if lo <= grade <= hi), None)


class AbsenceCaseStatus(models.TextChoices):
    OPEN = "aaben", "Åben"
    CLOSED = "lukket", "Lukket"


class AbsenceCase(Audited, models.Model):
    """Bekymrende fravær for one pupil in one quarter: the school's recorded unlawful absence
    and the procedure steps it has called for."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="absence_cases", verbose_name="elev"
    )
    # The pupil's school when the case was opened; a later move does not move the case.
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="absence_cases", verbose_name="skole"
    )
    year = models.PositiveSmallIntegerField("år", validators=[MinValueValidator(2000)])
    quarter = models.PositiveSmallIntegerField(
        "kvartal", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    # The pupil's grade in the quarter (0 = børnehaveklasse); cases opened before the grade was
    # recorded have none and are reported as "klassetrin ikke oplyst".
    grade = models.PositiveSmallIntegerField(
        "klassetrin",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    absence_percent = models.DecimalField(
        "ulovligt fravær i kvartalet (%)",
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    # Denormalised from the applied steps so the school's list can sort and filter cheaply.
    current_step = models.ForeignKey(
        AbsenceProcedureStep,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="nuværende trin",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="absence_cases",
        verbose_name="kontaktperson på skolen",
    )
    status = models.CharField(
        "status", max_length=10, choices=AbsenceCaseStatus.choices, default=AbsenceCaseStatus.OPEN
    )
    closed_on = models.DateField("lukket den", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="oprettet af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    objects = AbsenceCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "fraværssag"
        verbose_name_plural = "fraværssager"
        ordering = ["-year", "-quarter", "child__last_name", "pk"]
        indexes = [
            models.Index(fields=["institution", "status"], name="absence_institution_status"),
            models.Index(fields=["year", "quarter"], name="absence_year_quarter"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "year", "quarter"],
                name="absence_case_one_per_child_quarter",
                violation_error_message="Eleven har allerede en fraværssag for dette kvartal.",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="absence_case_quarter_1_4",
                violation_error_message="Kvartalet skal være 1–4.",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=0, grade__lte=10),
                name="absence_case_grade_0_10",
                violation_error_message="Klassetrinnet skal være 0–10.",
            ),
            models.CheckConstraint(
                condition=Q(absence_percent__gte=0, absence_percent__lte=100),
                name="absence_case_percent_0_100",
                violation_error_message="Fraværet skal være mellem 0 og 100 %.",
            ),
        ]

    def __str__(self) -> str:
        return f"Fraværssag {self.year} K{self.quarter}"

    def get_absolute_url(self) -> str:
        return reverse("indsatser:absence-detail", kwargs={"pk": self.pk})

    @property
    def period_label(self) -> str:
        return f"{self.quarter}. kvartal {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status == AbsenceCaseStatus.OPEN

    @property
    def stage(self) -> str | None:
        return stage_of(self.grade)

    @property
    def grade_label(self) -> str:
        if self.grade is None:
            return "ikke oplyst"
        return "0. klasse (børnehaveklasse)" if self.grade == 0 else f"{self.grade}. klasse"

    audit_child = "child_id"
    audit_institution = "institution_id"


class AbsenceRegistration(models.Model):
    """One recording of the quarter's unlawful absence: the history behind the current figure."""

    absence_case = models.ForeignKey(
        AbsenceCase, on_delete=models.CASCADE, related_name="registrations"
    )
    percent = models.DecimalField("ulovligt fravær (%)", max_digits=4, decimal_places=1)
    recorded_on = models.DateField("registreret den")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "fraværsregistrering"
        verbose_name_plural = "fraværsregistreringer"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.percent} % ({self.recorded_on:%d.%m.%Y})"


class AbsenceStepRecord(Audited, models.Model):
    """A procedure step that applies to an absence case: its deadline, and who did it when."""

    absence_case = models.ForeignKey(AbsenceCase, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(
        AbsenceProcedureStep, on_delete=models.PROTECT, related_name="records", verbose_name="trin"
    )
    triggered_on = models.DateField("gældende fra")
    triggered_at_percent = models.DecimalField("ved fravær (%)", max_digits=4, decimal_places=1)
    due = models.DateField("frist")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ansvarlig",
    )
    done_on = models.DateField("udført den", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="udført af",
    )
    note = limited_text("note", blank=True, limit=text_limits.NOTE)

    objects = AbsenceStepRecordQuerySet.as_manager()

    class Meta:
        # A record exists from the step's start: open or done ("udført trin" named open ones wrongly).
        verbose_name = "trin i fraværsproceduren"
        verbose_name_plural = "trin i fraværsproceduren"
        ordering = ["step__order", "pk"]
        indexes = [models.Index(fields=["done_on", "due"], name="absence_step_done_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["absence_case", "step"],
                name="absence_step_once_per_case",
                violation_error_message="Trinnet er allerede i gang for denne fraværssag.",
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | (Q(done_by__isnull=False) & ~Q(note="")),
                name="absence_step_done_has_who_and_note",
                violation_error_message="Et udført trin skal have hvem og en note.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.step)

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due < today

    @property
    def deadline_link(self) -> str:
        return self.absence_case.get_absolute_url()

    @property
    def deadline_district_id(self) -> int:
        return self.absence_case.institution.district_id

    audit_child = "absence_case.child_id"
    audit_institution = "absence_case.institution_id"
