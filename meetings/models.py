"""Meetings: the support model's forums and TRIO referrals (henvisninger), forum bookings,
koordineringskonferencer with their agenda, notater, and the anonymous tværfaglige tirsdagsmøder.
"""

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from cases.models import RulerColour
from ppr import text_limits
from ppr.audit.audited import Audited
from ppr.organisation.models import DAYCARE_KINDS, SCHOOL_KINDS, InstitutionKind
from ppr.text_limits import limited_text

from . import querysets
from .schoolyears import school_year_label

# --- The support model ---------------------------------------------------------------------


class CaseScope(models.TextChoices):
    """Whether a forum discusses children without (ikke aktive) or with an open case (aktive)."""

    INACTIVE = "ikke_aktive", "Ikke aktive sager"
    ACTIVE = "aktive", "Aktive sager"


class Booker(models.TextChoices):
    """Who books (indkalder) a forum meeting."""

    OPEN = "aaben_konsultation", "Åben konsultation ved fast mødetid"
    INSTITUTION = "institution", "Institutionen"
    INSTITUTION_WITH_PPR = (
        "institution_efter_aftale",
        "Institutionen efter aftale med psykolog/talepædagog",
    )
    SOCIAL_WORKER = "socialraadgiver", "Socialrådgiveren indkalder"


class Chair(models.TextChoices):
    """Who leads (er mødeleder for) a forum meeting."""

    INSTITUTION = "institution", "Institutionen"
    SOCIAL_WORKER = "socialraadgiver", "Socialrådgiveren"
    INSTITUTION_OR_SOCIAL_WORKER = (
        "institution_eller_socialraadgiver",
        "Institutionen eller socialrådgiveren",
    )


class MinutesPolicy(models.TextChoices):
    """Who writes the minutes of a forum meeting (and whether they are filed on the case)."""

    NONE = "intet", "Intet referat"
    SOCIAL_WORKER_REFERAT = (
        "socialraadgiver_referat",
        "Socialrådgiveren tager referat, sender det og journaliserer",
    )
    PPR_NOTAT = "ppr_notat", "PPR skriver notat, sender det til deltagerne og journaliserer"


#: The institution kinds a forum can be for, as the edit form offers them.
FORUM_INSTITUTION_KINDS = [*SCHOOL_KINDS, *DAYCARE_KINDS, InstitutionKind.KLUB]


class SupportForum(models.Model):
    """A forum of the support model (mødeforum): for whom, what you get, who books, leads and writes."""

    code = models.SlugField(
        "kode", max_length=50, unique=True, help_text="Fast nøgle; ændres ikke."
    )
    name = models.CharField("navn", max_length=150, unique=True)
    institution_kinds = models.JSONField("for institutionstyper", default=list)
    case_scope = models.CharField("sager", max_length=20, choices=CaseScope.choices)
    children = limited_text("hvilke børn drøftes?", blank=True, limit=text_limits.SHORT)
    offers = limited_text("hvad kan man få ud af mødet?", blank=True, limit=text_limits.SHORT)
    participants = limited_text("hvem deltager?", blank=True, limit=text_limits.SHORT)
    booked_by = models.CharField("hvem booker mødet?", max_length=30, choices=Booker.choices)
    chaired_by = models.CharField("hvem er mødeleder?", max_length=40, choices=Chair.choices)
    minutes_policy = models.CharField("referat", max_length=30, choices=MinutesPolicy.choices)
    position = models.PositiveSmallIntegerField("rækkefølge", default=0)
    active = models.BooleanField("i brug", default=True)
    updated_at = models.DateTimeField("ændret", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ændret af",
    )

    objects = querysets.SupportForumQuerySet.as_manager()

    class Meta:
        verbose_name = "mødeforum"
        verbose_name_plural = "mødefora"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def fits(self, institution: Any) -> bool:
        return institution.kind in self.institution_kinds

    @property
    def requires_named_child(self) -> bool:
        """Active cases are discussed with the child's name; only non-active ones may be anonymous."""
        return self.case_scope == CaseScope.ACTIVE

    @property
    def has_minutes(self) -> bool:
        return self.minutes_policy != MinutesPolicy.NONE

    @property
    def institution_kind_labels(self) -> list[str]:
        labels = dict(InstitutionKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.institution_kinds]


class Trio(Audited, models.Model):
    """An institution's koordinerende TRIO for one school year (seed 004, Bilag 4 and 5): the
    leader, a PPR psychologist and a pedagogical or teaching resource person. They assess the
    cases the institution's own response could not solve and refer them to one forum."""

    institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        related_name="trios",
        verbose_name="institution",
    )
    school_year = models.PositiveSmallIntegerField(
        "skoleår", help_text="Året skoleåret begynder (1. august): 2026 er 2026/27."
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trios_as_leader",
        verbose_name="leder",
    )
    psychologist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trios_as_psychologist",
        verbose_name="PPR-psykolog",
    )
    resource_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trios_as_resource_person",
        verbose_name="pædagogisk/faglig ressourceperson",
    )
    resource_title = models.CharField(
        "ressourcepersonens funktion",
        max_length=100,
        blank=True,
        help_text="Fx “læringsmiljøvejleder”, “AKT-vejleder” eller “pædagogisk leder”.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ændret af",
    )
    updated_at = models.DateTimeField("ændret", auto_now=True)

    objects = querysets.TrioQuerySet.as_manager()

    class Meta:
        verbose_name = "koordinerende TRIO"
        verbose_name_plural = "koordinerende TRIO'er"
        ordering = ["institution__name", "-school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "school_year"],
                name="trio_one_per_institution_and_school_year",
                violation_error_message="Institutionen har allerede en TRIO for skoleåret.",
            ),
            models.CheckConstraint(
                condition=~Q(leader=F("psychologist"))
                & ~Q(leader=F("resource_person"))
                & ~Q(psychologist=F("resource_person")),
                name="trio_three_different_people",
                violation_error_message="TRIO'en er tre forskellige personer.",
            ),
        ]

    def __str__(self) -> str:
        return f"TRIO {self.institution} {self.school_year_label}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:trio-detail", kwargs={"pk": self.institution_id})

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)

    @property
    def member_ids(self) -> set[int]:
        return {self.leader_id, self.psychologist_id, self.resource_person_id}

    audit_institution = "institution_id"


class ForumReferralStatus(models.TextChoices):
    """A henvisning another decision drafted (kladde) until a person at the institution finishes it."""

    DRAFT = "kladde", "Kladde"
    REFERRED = "henvist", "Henvist"


class ForumReferral(Audited, models.Model):
    """A TRIO's henvisning: an institution sends a child (or an anonymous case) to one forum."""

    #: Nothing else records that the follow-up happened: its deadline is marked done by hand.
    deadline_met_by_hand = True

    institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        related_name="forum_referrals",
        verbose_name="institution",
    )
    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_referrals",
        verbose_name="barn",
    )
    anonymous_description = models.CharField(
        "anonym beskrivelse",
        max_length=200,
        blank=True,
        help_text="Kun når barnet ikke nævnes ved navn, fx “dreng, 3. klasse”.",
    )
    referred_on = models.DateField("dato", default=date.today)
    forum = models.ForeignKey(
        SupportForum, on_delete=models.PROTECT, related_name="referrals", verbose_name="forum"
    )
    rationale = limited_text("begrundelse", limit=text_limits.NOTE)
    # The institution's own response before the henvisning (seed 004, Bilag 4–5: "først
    # behandles sagerne af det interne beredskab"). Required when it is sent; a draft may lack it.
    own_tried = limited_text(
        "hvad har institutionen selv prøvet?", blank=True, limit=text_limits.NOTE
    )
    own_from = models.DateField("egen indsats fra", null=True, blank=True)
    own_to = models.DateField("egen indsats til", null=True, blank=True)
    own_result = limited_text("med hvilket resultat?", blank=True, limit=text_limits.NOTE)
    # Only an anonymous henvisning keeps its colour here: a named child's colour is a rating in
    # the child's Børnelineal history (cases.RulerRating, context "trio", forum_referral=this).
    ruler_colour = models.CharField(
        "Børnelineal (anonym henvisning)",
        max_length=10,
        choices=RulerColour.choices,
        blank=True,
    )
    follow_up_on = models.DateField("opfølgning senest", null=True, blank=True)
    status = models.CharField(
        "status",
        max_length=10,
        choices=ForumReferralStatus.choices,
        default=ForumReferralStatus.REFERRED,
    )
    # The indstilling that visitation redirected here ("henvist til andet forum").
    referral = models.OneToOneField(
        "cases.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_referral",
        verbose_name="indstilling",
    )
    # The step of the absence procedure ("Glad i skole – IGEN", 10 %) that drafted it.
    absence_step = models.OneToOneField(
        "indsatser.AbsenceStepRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_referral",
        verbose_name="trin i fraværsproceduren",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="oprettet af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    objects = querysets.ForumReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "henvisning"
        verbose_name_plural = "henvisninger"
        ordering = ["-referred_on", "-created_at"]
        indexes = [models.Index(fields=["institution", "-referred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="kladde")
                | (Q(follow_up_on__isnull=False) & (Q(child__isnull=False) | ~Q(ruler_colour=""))),
                name="forum_referral_referred_is_complete",
                violation_error_message="En henvisning skal have en Børnelineal-farve og en opfølgningsdato.",
            ),
            models.CheckConstraint(
                condition=Q(child__isnull=True) | Q(ruler_colour=""),
                name="forum_referral_named_colour_is_a_rating",
                violation_error_message="En navngiven henvisnings farve er en vurdering i barnets Børnelineal.",
            ),
        ]

    def __str__(self) -> str:
        return f"Henvisning til {self.forum}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:forumreferral-detail", kwargs={"pk": self.pk})

    @property
    def trio_rating(self) -> Any:
        """The TRIO's rating of the named child given on this henvisning (the newest, if it
        was given again), from a prefetch of ``ratings`` when there is one."""
        if self.child_id is None or self.pk is None:
            return None
        ratings = list(self.ratings.all())
        return max(ratings, key=lambda r: (r.rated_on, r.created_at), default=None)

    @property
    def colour(self) -> str:
        """The TRIO's Børnelineal colour: the child's rating, or an anonymous one's own."""
        if self.child_id is None:
            return self.ruler_colour
        rating = self.trio_rating
        return rating.colour if rating is not None else ""

    @property
    def colour_label(self) -> str:
        colour = self.colour
        return str(RulerColour(colour).label) if colour else ""

    @property
    def is_draft(self) -> bool:
        return self.status == ForumReferralStatus.DRAFT

    @property
    def is_anonymous(self) -> bool:
        return self.child_id is None

    @property
    def has_own_response(self) -> bool:
        return bool(self.own_tried and self.own_from and self.own_to and self.own_result)

    @property
    def own_weeks(self) -> int | None:
        """How long the institution's own response ran, in whole weeks (at least one)."""
        if self.own_from is None or self.own_to is None:
            return None
        return max(1, ((self.own_to - self.own_from).days + 1) // 7)

    @property
    def subject_label(self) -> str:
        """How the referral names the child on screen; anonymous ones by their description."""
        if self.child is not None:
            return self.child.name
        return f"Anonym{f': {self.anonymous_description}' if self.anonymous_description else ''}"

    audit_child = "child_id"
    audit_institution = "institution_id"

    @property
    def deadline_link(self) -> str:
        return self.get_absolute_url()

    @property
    def deadline_district_id(self) -> int:
        return self.institution.district_id

    def can_be_handled_by(self, user: Any) -> bool:
        return ForumReferral.objects.visible_to(user).filter(pk=self.pk).exists()


class ForumMeeting(Audited, models.Model):
    """A booked meeting in a forum, e.g. "Indstilling og bistand v/PPR" for one child."""

    forum = models.ForeignKey(
        SupportForum, on_delete=models.PROTECT, related_name="meetings", verbose_name="forum"
    )
    institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        related_name="forum_meetings",
        verbose_name="institution",
    )
    forum_referral = models.ForeignKey(
        ForumReferral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name="henvisning",
    )
    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_meetings",
        verbose_name="barn",
    )
    starts_at = models.DateTimeField("starttidspunkt")
    ends_at = models.DateTimeField("sluttidspunkt")
    location = models.CharField("sted", max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="mødeleder",
    )
    minutes_writer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="referent",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="forum_meetings", verbose_name="deltagere"
    )
    other_participants = models.CharField(
        "øvrige deltagere",
        max_length=300,
        blank=True,
        help_text="Fx “forældre” eller “barnets kontaktperson” – deltagere uden login.",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="booket af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    cancelled_at = models.DateTimeField("aflyst", null=True, blank=True)

    objects = querysets.ForumMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "forummøde"
        verbose_name_plural = "forummøder"
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["institution", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="forum_meeting_ends_after_start",
                violation_error_message="Mødet skal slutte efter det begynder.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.forum} {timezone.localtime(self.starts_at):%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:forummeeting-detail", kwargs={"pk": self.pk})

    @property
    def calendar_title(self) -> str:
        return f"{self.forum.name} – {self.institution.name}"

    audit_child = "child_id"
    audit_institution = "institution_id"

    @property
    def deadline_link(self) -> str:
        return self.get_absolute_url()

    @property
    def deadline_district_id(self) -> int:
        return self.institution.district_id

    def can_be_handled_by(self, user: Any) -> bool:
        return ForumMeeting.objects.visible_to(user).filter(pk=self.pk).exists()


# --- Skolesocialrådgivning: the open consultation ----------------------------------------------


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Mandag"
    TUESDAY = 1, "Tirsdag"
    WEDNESDAY = 2, "Onsdag"
    THURSDAY = 3, "Torsdag"
    FRIDAY = 4, "Fredag"


#: Skolesocialrådgivning offers a pupil and/or the parents "op til 3 samtaler" (seed 004,
#: Bilag 4); more needs the TRIO's henvisning. The default; ``Municipality`` has no field yet.
TALKS_BEFORE_HENVISNING = 3


class ConsultationSlot(Audited, models.Model):
    """A fixed weekly time of Skolesocialrådgivning's open consultation at one school, kept by
    one social worker ("åben konsultation ved en fast mødetid på skolen", seed 004, Bilag 4)."""

    institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        related_name="consultation_slots",
        verbose_name="skole",
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultation_slots",
        verbose_name="socialrådgiver",
    )
    weekday = models.PositiveSmallIntegerField("ugedag", choices=Weekday.choices)
    starts_at = models.TimeField("fra kl.")
    ends_at = models.TimeField("til kl.")
    location = models.CharField("sted", max_length=150, help_text="Fx “Lokale 12 ved kontoret”.")
    active = models.BooleanField("i brug", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="oprettet af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    objects = querysets.ConsultationSlotQuerySet.as_manager()

    class Meta:
        verbose_name = "fast konsultationstid"
        verbose_name_plural = "faste konsultationstider"
        ordering = ["institution__name", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="consultation_slot_ends_after_start",
                violation_error_message="Konsultationstiden skal slutte efter den begynder.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_weekday_display()} kl. {self.starts_at:%H.%M}–{self.ends_at:%H.%M}, "
            f"{self.institution}"
        )

    audit_institution = "institution_id"


class TalkWith(models.TextChoices):
    """Who the social worker talks with (seed 004, Bilag 4: 1. sparring to professionals,
    2. support to pupils and/or parents). Only the second counts towards the three talks."""

    PUPIL = "elev", "Eleven"
    PARENTS = "foraeldre", "Forældrene"
    PUPIL_AND_PARENTS = "elev_og_foraeldre", "Eleven og forældrene"
    PROFESSIONAL = "fagprofessionel", "Sparring til fagprofessionel"


#: The talks that count towards the limit before a henvisning.
COUNTED_TALKS = (TalkWith.PUPIL, TalkWith.PARENTS, TalkWith.PUPIL_AND_PARENTS)


class ConsultationTalk(Audited, models.Model):
    """A talk booked in a consultation slot, about a named child or anonymous. No minutes are
    written ("intet referat"); the row is there to count the talks and to plan the day."""

    slot = models.ForeignKey(
        ConsultationSlot, on_delete=models.PROTECT, related_name="talks", verbose_name="tid"
    )
    held_on = models.DateField("dato")
    talk_with = models.CharField("samtale med", max_length=20, choices=TalkWith.choices)
    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_talks",
        verbose_name="barn",
    )
    anonymous_description = models.CharField(
        "anonym beskrivelse",
        max_length=200,
        blank=True,
        help_text="Kun når barnet ikke nævnes ved navn, fx “pige, 6. klasse”.",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="booket af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    cancelled_at = models.DateTimeField("aflyst", null=True, blank=True)

    objects = querysets.ConsultationTalkQuerySet.as_manager()

    class Meta:
        verbose_name = "samtale i skolesocialrådgivningen"
        verbose_name_plural = "samtaler i skolesocialrådgivningen"
        ordering = ["-held_on", "-created_at"]
        indexes = [
            models.Index(fields=["slot", "-held_on"]),
            models.Index(fields=["child", "held_on"]),
        ]

    def __str__(self) -> str:
        return f"Samtale {self.held_on:%d.%m.%Y}"

    @property
    def subject_label(self) -> str:
        if self.child is not None:
            return self.child.name
        return f"Anonym{f': {self.anonymous_description}' if self.anonymous_description else ''}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def counts(self) -> bool:
        return self.child_id is not None and self.talk_with in COUNTED_TALKS

    audit_child = "child_id"
    audit_institution = "slot.institution_id"


# --- Koordineringskonferencer ----------------------------------------------------------------


class ConferenceSeries(Audited, models.Model):
    """The recurring koordineringskonference of one institution, with its standing participants."""

    institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        related_name="conference_series",
        verbose_name="institution",
    )
    name = models.CharField(
        "navn",
        max_length=200,
        unique=True,
        help_text="Navnet forældrene giver samtykke til (“Drøftelse på et navngivet møde”).",
    )
    room = models.CharField("lokale", max_length=150)
    cadence = models.CharField(
        "hyppighed", max_length=150, blank=True, help_text="Fx “første tirsdag i måneden”."
    )
    standing_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="conference_series",
        verbose_name="faste deltagere",
        blank=True,
    )
    active = models.BooleanField("aktiv", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="oprettet af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    objects = querysets.ConferenceSeriesQuerySet.as_manager()

    class Meta:
        verbose_name = "koordineringskonference (serie)"
        verbose_name_plural = "koordineringskonferencer (serier)"
        ordering = ["institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                name="conference_series_one_per_institution",
                violation_error_message="Institutionen har allerede en række koordineringskonferencer.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:series-detail", kwargs={"pk": self.pk})

    audit_institution = "institution_id"


class ConferenceMeeting(Audited, models.Model):
    """One koordineringskonference: a date, a room, participants and an agenda of opgaver."""

    series = models.ForeignKey(
        ConferenceSeries,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name="koordineringskonference",
    )
    starts_at = models.DateTimeField("starttidspunkt")
    ends_at = models.DateTimeField("sluttidspunkt")
    room = models.CharField("lokale", max_length=150)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="conference_meetings",
        verbose_name="deltagere",
        blank=True,
    )
    cancelled_at = models.DateTimeField("aflyst", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="oprettet af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    objects = querysets.ConferenceMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "koordineringskonference"
        verbose_name_plural = "koordineringskonferencer"
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "starts_at"],
                name="conference_meeting_unique_start",
                violation_error_message="Der er allerede en konference på det tidspunkt.",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="conference_meeting_ends_after_start",
                violation_error_message="Mødet skal slutte efter det begynder.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.name} {timezone.localtime(self.starts_at):%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:conference-detail", kwargs={"pk": self.pk})

    @property
    def institution(self) -> Any:
        return self.series.institution

    @property
    def calendar_title(self) -> str:
        return self.series.name

    audit_institution = "series.institution_id"

    @property
    def deadline_link(self) -> str:
        return self.get_absolute_url()

    @property
    def deadline_district_id(self) -> int:
        return self.series.institution.district_id

    def can_be_handled_by(self, user: Any) -> bool:
        return ConferenceMeeting.objects.visible_to(user).filter(pk=self.pk).exists()


class Decision(models.TextChoices):
    """What a koordineringskonference decides for one opgave."""

    START_INTERVENTION = "igangsaet_indsats", "Igangsæt en indsats"
    REFER_PPR = "indstil_ppr", "Indstilling til PPR"
    REFER_FORUM = "henvis_forum", "Henvis til et forum i supportmodellen"
    FOLLOW_UP = "opfoelg", "Følg op på næste møde"
    CLOSE = "afslut", "Afslut"


#: Decisions that need a responsible person and a follow-up date.
DECISIONS_WITH_FOLLOW_UP = [d.value for d in Decision if d != Decision.CLOSE]


class AgendaItem(Audited, models.Model):
    """An opgave on a conference's agenda: about a named child (with consent) or anonymous."""

    #: Nothing else records that the follow-up happened: its deadline is marked done by hand.
    deadline_met_by_hand = True

    meeting = models.ForeignKey(
        ConferenceMeeting, on_delete=models.CASCADE, related_name="items", verbose_name="konference"
    )
    position = models.PositiveSmallIntegerField("nummer")
    title = models.CharField("opgave", max_length=200)
    description = limited_text("beskrivelse", blank=True, limit=text_limits.NOTE)
    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference_items",
        verbose_name="barn",
    )
    anonymous_description = models.CharField("anonym beskrivelse", max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="sat på af",
    )
    submitted_at = models.DateTimeField("sat på", auto_now_add=True)
    decision = models.CharField("beslutning", max_length=30, choices=Decision.choices, blank=True)
    decision_note = limited_text("uddybning af beslutningen", blank=True, limit=text_limits.NOTE)
    forum = models.ForeignKey(
        SupportForum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="henvist til forum",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ansvarlig",
    )
    follow_up_on = models.DateField("opfølgning senest", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="besluttet af",
    )
    decided_at = models.DateTimeField("besluttet", null=True, blank=True)
    # What the decision created for a person to finish (one of each at most: deciding twice
    # finds the one already made).
    forum_referral = models.OneToOneField(
        ForumReferral,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_item",
        verbose_name="henvisning",
    )
    course = models.OneToOneField(
        "indsatser.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_item",
        verbose_name="forløb",
    )
    referral = models.OneToOneField(
        "cases.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_item",
        verbose_name="indstilling",
    )
    # Two laptops in the room may edit the same item: a save from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = querysets.AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = "dagsordenspunkt"
        verbose_name_plural = "dagsordenspunkter"
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_item_unique_position",
                violation_error_message="Punktnummeret findes allerede.",
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.REFER_FORUM) | Q(forum__isnull=False),
                name="agenda_item_forum_decision_has_forum",
                violation_error_message="Vælg det forum, opgaven henvises til.",
            ),
            models.CheckConstraint(
                condition=~Q(decision__in=DECISIONS_WITH_FOLLOW_UP)
                | (Q(responsible__isnull=False) & Q(follow_up_on__isnull=False)),
                name="agenda_item_decision_has_follow_up",
                violation_error_message="En beslutning skal have en ansvarlig og en opfølgningsdato.",
            ),
        ]

    def __str__(self) -> str:
        return f"Punkt {self.position}: {self.title}"

    @property
    def is_anonymous(self) -> bool:
        return self.child_id is None

    @property
    def subject_label(self) -> str:
        if self.child is not None:
            return self.child.name
        return f"Anonym{f': {self.anonymous_description}' if self.anonymous_description else ''}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    audit_child = "child_id"
    audit_institution = "meeting.series.institution_id"

    @property
    def deadline_link(self) -> str:
        return f"{self.meeting.get_absolute_url()}#punkt-{self.pk}"

    @property
    def deadline_district_id(self) -> int:
        return self.meeting.series.institution.district_id

    def can_be_handled_by(self, user: Any) -> bool:
        return AgendaItem.objects.visible_to(user).filter(pk=self.pk).exists()


# --- Notater ---------------------------------------------------------------------------------


class NoteStatus(models.TextChoices):
    DRAFT = "kladde", "Kladde"
    FINAL = "endelig", "Endelig"


class Note(Audited, models.Model):
    """The notat (or referat) of one meeting; once final it is locked, sent and journaled."""

    forum_meeting = models.OneToOneField(
        ForumMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="note",
        verbose_name="forummøde",
    )
    conference_meeting = models.OneToOneField(
        ConferenceMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="note",
        verbose_name="koordineringskonference",
    )
    title = models.CharField("overskrift", max_length=200)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="meeting_notes", verbose_name="deltagere", blank=True
    )
    other_participants = models.CharField("øvrige deltagere", max_length=300, blank=True)
    text = limited_text("notat", blank=True, limit=text_limits.SECTION)
    decisions = limited_text("beslutninger og aftaler", blank=True, limit=text_limits.SECTION)
    status = models.CharField(
        "status", max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="forfatter",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    updated_at = models.DateTimeField("ændret", auto_now=True)
    finalised_at = models.DateTimeField("endelig", null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gjort endelig af",
    )
    version = models.PositiveIntegerField(default=1)

    objects = querysets.NoteQuerySet.as_manager()

    class Meta:
        verbose_name = "notat"
        verbose_name_plural = "notater"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(forum_meeting__isnull=False, conference_meeting__isnull=True)
                | Q(forum_meeting__isnull=True, conference_meeting__isnull=False),
                name="note_belongs_to_one_meeting",
                violation_error_message="Et notat hører til præcis ét møde.",
            ),
            models.CheckConstraint(
                condition=~Q(status="endelig") | Q(finalised_at__isnull=False),
                name="note_final_has_time",
                violation_error_message="Et endeligt notat skal have et tidspunkt.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:note-detail", kwargs={"pk": self.pk})

    @property
    def meeting(self) -> ForumMeeting | ConferenceMeeting:
        return self.forum_meeting or self.conference_meeting  # type: ignore[return-value]  # one is set: constraint note_belongs_to_one_meeting

    @property
    def institution(self) -> Any:
        return self.meeting.institution

    @property
    def is_final(self) -> bool:
        return self.status == NoteStatus.FINAL

    def named_child_ids(self) -> list[int]:
        """The children the meeting named (and whose open cases the notat is filed on)."""
        if self.forum_meeting is not None:
            return [self.forum_meeting.child_id] if self.forum_meeting.child_id else []
        assert self.conference_meeting is not None
        ids = AgendaItem.objects.filter(
            meeting=self.conference_meeting, child__isnull=False
        ).values_list("child_id", flat=True)
        return sorted({child_id for child_id in ids if child_id is not None})

    audit_child = "forum_meeting.child_id"
    audit_institution = "institution.pk"

    @property
    def deadline_link(self) -> str:
        return self.get_absolute_url()

    @property
    def deadline_district_id(self) -> int:
        return self.institution.district_id

    def can_download(self, user: Any) -> bool:
        """The PDF: whoever may read the notat (PPR, participants, the institution's leader)."""
        return Note.objects.visible_to(user).filter(pk=self.pk).exists()


# --- Tværfaglige tirsdagsmøder ---------------------------------------------------------------


class Profession(models.TextChoices):
    SOCIAL_WORKER = "socialraadgiver", "Socialrådgiver"
    HEALTH_VISITOR = "sundhedsplejerske", "Sundhedsplejerske"
    PSYCHOLOGIST = "psykolog", "PPR-psykolog"


#: Seats per meeting (seed 004, Bilag 2): two social workers, one health visitor, one psychologist.
SEATS_PER_MEETING = {
    Profession.SOCIAL_WORKER: 2,
    Profession.HEALTH_VISITOR: 1,
    Profession.PSYCHOLOGIST: 1,
}


#: A school year starts on 1 August ("skoleåret 2026/27" runs from August 2026 to July 2027).
SCHOOL_YEAR_STARTS = 8


def school_year_of(day: date) -> str:
    """The school year a day belongs to, as Danes write it: "2026/27"."""
    first = day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


class SchoolHoliday(Audited, models.Model):
    """A school holiday (skoleferie) the PPR leader marks, e.g. the summer holiday or Christmas
    week: the year plan of tirsdagsmøder places no meeting in it."""

    name = models.CharField(
        "ferie", max_length=100, help_text="Fx “Sommerferie” eller “Juleferie”."
    )
    starts_on = models.DateField("første feriedag")
    ends_on = models.DateField("sidste feriedag")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="oprettet af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    class Meta:
        verbose_name = "skoleferie"
        verbose_name_plural = "skoleferier"
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="school_holiday_ends_after_start",
                violation_error_message="Den sidste feriedag skal ligge på eller efter den første.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"

    @property
    def school_year(self) -> str:
        return school_year_of(self.starts_on)

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class TuesdayMeeting(models.Model):
    """A tværfagligt tirsdagsmøde: always anonymous, so it links no child record at all."""

    district = models.ForeignKey(
        "organisation.District",
        on_delete=models.PROTECT,
        related_name="tuesday_meetings",
        verbose_name="distrikt",
    )
    starts_at = models.DateTimeField("starttidspunkt")
    ends_at = models.DateTimeField("sluttidspunkt")
    room = models.CharField("lokale", max_length=150)
    timekeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tidtager",
    )
    any_other_business = limited_text("evt.", blank=True, limit=text_limits.SHORT)
    cancelled_at = models.DateTimeField("aflyst", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="planlagt af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    objects = querysets.TuesdayMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "tværfagligt tirsdagsmøde"
        verbose_name_plural = "tværfaglige tirsdagsmøder"
        ordering = ["starts_at", "district__name"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "starts_at"],
                name="tuesday_meeting_unique_district_start",
                violation_error_message="Der er allerede et tirsdagsmøde i distriktet på det tidspunkt.",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="tuesday_meeting_ends_after_start",
                violation_error_message="Mødet skal slutte efter det begynder.",
            ),
        ]

    def __str__(self) -> str:
        return f"Tværfagligt tirsdagsmøde {self.district} {timezone.localtime(self.starts_at):%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:tuesday-detail", kwargs={"pk": self.pk})

    @property
    def calendar_title(self) -> str:
        return f"Tværfagligt tirsdagsmøde ({self.district.name})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def status_label(self) -> str:
        """What the plan says about the meeting: derived from its time, so a held meeting never
        stays "Planlagt" (nobody has to mark it)."""
        if self.is_cancelled:
            return "Aflyst"
        if self.is_past:
            return "Afholdt"
        if self.starts_at <= timezone.now():
            return "I gang"
        return "Planlagt"

    @property
    def local_date(self) -> date:
        return timezone.localtime(self.starts_at).date()


class SeatState(models.TextChoices):
    ACTIVE = "deltager", "Deltager"
    CANCELLED = "afbud", "Afbud"


class TuesdaySeat(models.Model):
    """One place at a tirsdagsmøde, held by one participant of one profession."""

    meeting = models.ForeignKey(
        TuesdayMeeting, on_delete=models.CASCADE, related_name="seats", verbose_name="møde"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tuesday_seats",
        verbose_name="deltager",
    )
    profession = models.CharField("faggruppe", max_length=20, choices=Profession.choices)
    state = models.CharField(
        "status", max_length=10, choices=SeatState.choices, default=SeatState.ACTIVE
    )
    cancelled_at = models.DateTimeField("afbud meldt", null=True, blank=True)

    objects = querysets.TuesdayChildQuerySet.as_manager()

    class Meta:
        verbose_name = "plads ved tirsdagsmøde"
        verbose_name_plural = "pladser ved tirsdagsmøder"
        ordering = ["meeting", "profession", "user__first_name"]
        indexes = [models.Index(fields=["user", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(state="deltager"),
                name="tuesday_seat_once_per_meeting",
                violation_error_message="Personen deltager allerede i mødet.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_profession_display()})"

    @property
    def is_active(self) -> bool:
        return self.state == SeatState.ACTIVE


class SwapState(models.TextChoices):
    PENDING = "afventer", "Afventer svar"
    ACCEPTED = "accepteret", "Accepteret"
    DECLINED = "afslaaet", "Afslået"
    WITHDRAWN = "trukket_tilbage", "Trukket tilbage"


class SwapRequest(models.Model):
    """A participant asks a colleague to take their seat, optionally taking one of theirs back."""

    seat = models.ForeignKey(
        TuesdaySeat, on_delete=models.CASCADE, related_name="swap_requests", verbose_name="plads"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="spurgt af",
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="kollega"
    )
    counter_seat = models.ForeignKey(
        TuesdaySeat,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="til gengæld",
        help_text="Kollegaens plads ved et andet møde, som du overtager (et bytte).",
    )
    state = models.CharField(
        "status", max_length=20, choices=SwapState.choices, default=SwapState.PENDING
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    answered_at = models.DateTimeField("besvaret", null=True, blank=True)

    objects = querysets.SwapRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "bytteanmodning"
        verbose_name_plural = "bytteanmodninger"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(state="afventer"),
                name="swap_one_pending_per_seat",
                violation_error_message="Der er allerede en ubesvaret bytteanmodning for pladsen.",
            ),
        ]

    def __str__(self) -> str:
        return f"Bytte: {self.seat.meeting}"


class Discussion(models.Model):
    """One problem brought to a tirsdagsmøde, in keywords, with its priority and minutes."""

    meeting = models.ForeignKey(
        TuesdayMeeting, on_delete=models.CASCADE, related_name="discussions", verbose_name="møde"
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bragt af",
    )
    keywords = models.CharField("problemstilling i stikord", max_length=300)
    priority = models.PositiveSmallIntegerField("prioritet")
    minutes = models.PositiveSmallIntegerField("minutter")

    objects = querysets.TuesdayChildQuerySet.as_manager()

    class Meta:
        verbose_name = "drøftelse"
        verbose_name_plural = "drøftelser"
        ordering = ["meeting", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "priority"],
                name="discussion_unique_priority",
                violation_error_message="To drøftelser kan ikke have samme prioritet.",
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=90),
                name="discussion_minutes_range",
                violation_error_message="En drøftelse varer mellem 1 og 90 minutter.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority}. {self.keywords}"


class CalendarFeed(models.Model):
    """A participant's private calendar subscription; only a hash of the URL's token is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name="bruger",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    last_used_at = models.DateTimeField("senest hentet", null=True, blank=True)

    objects = querysets.CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = "kalenderabonnement"
        verbose_name_plural = "kalenderabonnementer"

    def __str__(self) -> str:
        return f"Kalender for {self.user}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


# --- Overgange (transitions) -----------------------------------------------------------------


class TransitionKind(models.TextChoices):
    """The changes of institution or stage seed 004 (pejlemærke 2) calls "overgange og skift":
    from dagtilbud to school, and between the school's stages (indsatser's ``STAGE_GRADES``)."""

    SCHOOL_START = "skolestart", "Skolestart: dagtilbud → 0. klasse"
    MELLEMTRIN = "mellemtrin", "Indskoling → mellemtrin (3. → 4. klasse)"
    OVERSKOLING = "overskoling", "Mellemtrin → overskoling (6. → 7. klasse)"


class TransitionRequestStatus(models.TextChoices):
    SENT = "sendt", "Afventer modtagende TRIO"
    ACKNOWLEDGED = "kvitteret", "Modtagende TRIO handler"


class TransitionRequest(Audited, models.Model):
    """The sending institution's TRIO asks the receiving institution's TRIO to act on a child
    with a yellow or red Børnelineal rating who changes institution or stage (seed 004,
    pejlemærke 2: "systematisk opsporing ... særligt ved overgange og skift"). The receiving
    side sees the child's name only while every custody holder consents to it
    (``meetings.transitions.TRANSITION_CONSENT``); otherwise age, stage, colour and the text."""

    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.PROTECT,
        related_name="transition_requests",
        verbose_name="barn",
    )
    school_year = models.PositiveSmallIntegerField(
        "skoleår", help_text="Skoleåret barnet begynder i den nye institution eller det nye trin."
    )
    kind = models.CharField("overgang", max_length=20, choices=TransitionKind.choices)
    sending_institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        related_name="transitions_sent",
        verbose_name="afgivende institution",
    )
    receiving_institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        related_name="transitions_received",
        verbose_name="modtagende institution",
    )
    # The colour and grade when the request was sent: what the receiving TRIO was told.
    colour = models.CharField("Børnelineal", max_length=10, choices=RulerColour.choices)
    grade_before = models.PositiveSmallIntegerField("klassetrin før overgangen", null=True)
    message = limited_text("afgivende institutions beskrivelse", limit=text_limits.NOTE)
    status = models.CharField(
        "status",
        max_length=10,
        choices=TransitionRequestStatus.choices,
        default=TransitionRequestStatus.SENT,
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="sendt af",
    )
    sent_at = models.DateTimeField("sendt", auto_now_add=True)
    response = limited_text("det vil modtagende TRIO gøre", blank=True, limit=text_limits.NOTE)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="kvitteret af",
    )
    responded_at = models.DateTimeField("kvitteret", null=True, blank=True)

    objects = querysets.TransitionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "anmodning ved overgang"
        verbose_name_plural = "anmodninger ved overgang"
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["receiving_institution", "status"], name="transition_receiving"),
            models.Index(fields=["sending_institution", "school_year"], name="transition_sending"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "school_year", "receiving_institution"],
                name="transition_one_request_per_receiver",
                violation_error_message="Den modtagende institution er allerede bedt om at handle.",
            ),
            models.CheckConstraint(
                condition=Q(status="sendt") | ~Q(response=""),
                name="transition_acknowledged_has_response",
                violation_error_message="Skriv hvad den modtagende TRIO vil gøre.",
            ),
            models.CheckConstraint(
                condition=Q(grade_before__isnull=True) | Q(grade_before__lte=10),
                name="transition_grade_0_10",
                violation_error_message="Klassetrinnet skal være 0–10.",
            ),
        ]

    def __str__(self) -> str:
        return f"Overgang til {self.receiving_institution} {self.school_year_label}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:transition-request-detail", kwargs={"pk": self.pk})

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)

    @property
    def is_acknowledged(self) -> bool:
        return self.status == TransitionRequestStatus.ACKNOWLEDGED

    @property
    def grade_label(self) -> str:
        if self.grade_before is None:
            return "dagtilbud"
        return f"{self.grade_before}. klasse"

    def anonymous_label(self, today: date | None = None) -> str:
        """How the receiving side names a child without consent: age and the change of stage."""
        age = self.child.age_on(today or timezone.localdate())
        kind = str(self.get_kind_display())
        return f"Barn på {age} år – {kind[0].lower()}{kind[1:]}"

    audit_child = "child_id"
    audit_institution = "sending_institution_id"
