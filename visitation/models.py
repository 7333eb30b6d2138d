"""Visitation to special support: the offers (tilbud) and the applications for them.

DOMAIN.md, the route of a concern, step 6: a school or daycare leader applies for
specialpædagogisk bistand (or a special group in dagtilbud) on the basis of a final PPV and
the institution's evaluated handleplan; a visitation committee recommends and a decision is
made. Offers are data the PPR leader keeps; they are retired, never deleted.
"""

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from cases.models import EvaluationParty
from ppr import text_limits
from ppr.audit.audited import Audited
from ppr.organisation.models import Institution
from ppr.text_limits import limited_text

from .querysets import (
    AgendaEntryQuerySet,
    ApplicationQuerySet,
    DecisionQuerySet,
    MeetingQuerySet,
    OfferQuerySet,
    PlacementQuerySet,
    ReviewQuerySet,
)

#: The purpose every read and change of the visitation's records is audited under.
PURPOSE = "visitation"


class OfferKind(models.TextChoices):
    SPECIAL_CLASS = "specialklasse", "Specialklasse"
    SPECIAL_SCHOOL = "specialskole", "Specialskole"
    SUPPORT_IN_CLASS = "stoette_almen", "Støtte over 9 timer ugentligt i almenklassen"
    SPECIAL_GROUP = "specialgruppe", "Specialgruppe i dagtilbud"


class Offer(Audited, models.Model):
    """A special offer (tilbud) the municipality visits children to: who runs it, for whom,
    how many places per school year and at what yearly price per place.

    Retired offers are never deleted: placements and decisions keep pointing at them.
    """

    name = models.CharField("navn", max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=OfferKind.choices)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="special_offers",
        verbose_name="drives af",
    )
    target_group = limited_text("målgruppe", limit=text_limits.SHORT)
    min_age = models.PositiveSmallIntegerField(
        "fra alder (år)", default=0, validators=[MaxValueValidator(18)]
    )
    max_age = models.PositiveSmallIntegerField(
        "til alder (år)", default=18, validators=[MaxValueValidator(18)]
    )
    grades = models.CharField(
        "klassetrin", max_length=50, blank=True, help_text="Fx “0.–6. klasse”. Tom i dagtilbud."
    )
    places = models.PositiveSmallIntegerField(
        "pladser pr. skoleår", validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    yearly_price = models.DecimalField(
        "årlig pris pr. plads (kr.)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000000"))],
    )
    own = models.BooleanField(
        "kommunens eget tilbud",
        default=True,
        help_text="Fjern krydset, hvis pladserne købes i en anden kommune eller hos en privat.",
    )
    retired_on = models.DateField("udfaset den", null=True, blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    updated_at = models.DateTimeField("ændret", auto_now=True)

    audit_institution = "institution_id"

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = "tilbud"
        verbose_name_plural = "tilbud"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__lte=F("max_age")),
                name="offer_age_range",
                violation_error_message="Fra-alder skal være mindre end eller lig til-alder.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("visitation:offer-detail", kwargs={"pk": self.pk})

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None


class ApplicationStatus(models.TextChoices):
    DRAFT = "kladde", "Kladde"
    SUBMITTED = "indsendt", "Indsendt"
    ON_AGENDA = "dagsorden", "På visitationsudvalgets dagsorden"
    HEARING = "partshoering", "Partshøring"
    DECIDED = "afgjort", "Afgjort"
    WITHDRAWN = "tilbagetrukket", "Trukket tilbage"


class ParentsPosition(models.TextChoices):
    AGREE = "enig", "Forældrene er enige i ansøgningen"
    PARTLY = "delvist", "Forældrene er delvist enige"
    DISAGREE = "uenig", "Forældrene er uenige i ansøgningen"


class SupportApplication(Audited, models.Model):
    """An ansøgning om specialpædagogisk bistand for one child with an open case: the final PPV
    it rests on, the institution's evaluated handleplan, what is applied for and the parents'
    view. Drafts autosave; a submitted application is locked."""

    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.PROTECT,
        related_name="support_applications",
        verbose_name="barn",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="support_applications",
        verbose_name="sag",
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="support_applications",
        verbose_name="ansøgende institution",
    )
    ppv = models.ForeignKey(
        "cases.Ppv",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_applications",
        verbose_name="PPV",
    )
    status = models.CharField(
        "status", max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_support_applications",
        verbose_name="oprettet af",
    )
    on_parent_request = models.BooleanField("på forældrenes anmodning", default=False)
    # What is applied for.
    requested_kind = models.CharField(
        "der søges om", max_length=20, choices=OfferKind.choices, blank=True
    )
    requested_offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name="ønsket tilbud",
    )
    requested_from = models.DateField("ønsket start", null=True, blank=True)
    request_details = limited_text(
        "begrundelse for ansøgningen", blank=True, limit=text_limits.SECTION
    )
    # The institution's evaluated handleplan (seed 001: tried, evaluated and perhaps adjusted).
    plan_goals = limited_text("handleplan: mål", blank=True, limit=text_limits.SECTION)
    plan_actions = limited_text("handleplan: hvad er gjort", blank=True, limit=text_limits.SECTION)
    plan_period = models.CharField("handleplan: periode", max_length=100, blank=True)
    plan_evaluation = limited_text("handleplan: evaluering", blank=True, limit=text_limits.SECTION)
    plan_evaluated_with = models.JSONField("evalueret med", default=list, blank=True)
    # The parents' view.
    parents_position = models.CharField(
        "forældrenes holdning", max_length=10, choices=ParentsPosition.choices, blank=True
    )
    parents_view = limited_text("forældrenes syn", blank=True, limit=text_limits.SECTION)
    child_view = limited_text("barnets eget perspektiv", blank=True, limit=text_limits.SECTION)
    # Flow.
    submitted_at = models.DateTimeField("indsendt", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="indsendt af",
    )
    # No lost work: every save bumps the version; a save from an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    updated_at = models.DateTimeField("senest gemt", default=timezone.now)

    audit_child = "child_id"
    audit_institution = "institution_id"

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "ansøgning om specialpædagogisk bistand"
        verbose_name_plural = "ansøgninger om specialpædagogisk bistand"
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="application_status_submitted"),
            models.Index(fields=["institution", "status"], name="application_institution"),
        ]
        constraints = [
            # One application in progress per child: a second draft would split the work.
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status__in=["kladde", "indsendt", "dagsorden", "partshoering"]),
                name="application_one_open_per_child",
                violation_error_message="Barnet har allerede en ansøgning, der ikke er afgjort.",
            ),
            models.CheckConstraint(
                condition=Q(status="kladde") | Q(submitted_at__isnull=False, ppv__isnull=False),
                name="application_submitted_has_ppv",
                violation_error_message="En indsendt ansøgning skal bygge på en endelig PPV.",
            ),
        ]

    def __str__(self) -> str:
        return f"Ansøgning nr. {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("visitation:application-detail", kwargs={"pk": self.pk})

    @property
    def audit_label(self) -> str:
        return f"Ansøgning om specialpædagogisk bistand nr. {self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def evaluated_with_labels(self) -> list[str]:
        labels = dict(EvaluationParty.choices)
        return [str(labels.get(value, value)) for value in self.plan_evaluated_with or []]


# --- The visitation committee (visitationsudvalg) --------------------------------------------


class Committee(models.Model):
    """A visitationsudvalg: the members who recommend on applications at its meetings."""

    name = models.CharField("navn", max_length=150, unique=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    class Meta:
        verbose_name = "visitationsudvalg"
        verbose_name_plural = "visitationsudvalg"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("visitation:committee-detail", kwargs={"pk": self.pk})


class MemberFunction(models.TextChoices):
    CHAIR = "formand", "Formand"
    MEMBER = "medlem", "Medlem"
    SECRETARY = "sekretaer", "Sekretær"


class CommitteeMember(models.Model):
    """A user's seat on a committee, with the function they hold there."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name="udvalg"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="committee_seats",
        verbose_name="medlem",
    )
    function = models.CharField(
        "funktion", max_length=10, choices=MemberFunction.choices, default=MemberFunction.MEMBER
    )

    class Meta:
        verbose_name = "udvalgsmedlem"
        verbose_name_plural = "udvalgsmedlemmer"
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user"],
                name="committee_member_once",
                violation_error_message="Personen er allerede medlem af udvalget.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_function_display()})"


class CommitteeMeeting(models.Model):
    """One meeting of a committee; its agenda is built from the applications that are ready."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name="udvalg"
    )
    held_on = models.DateField("mødedato")
    place = models.CharField("sted", max_length=150, blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "visitationsmøde"
        verbose_name_plural = "visitationsmøder"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "held_on"],
                name="committee_meeting_once_a_day",
                violation_error_message="Udvalget har allerede et møde den dag.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.held_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("visitation:meeting-detail", kwargs={"pk": self.pk})


class Recommendation(models.TextChoices):
    GRANT = "bevilg", "Bevilg"
    REFUSE = "afslaa", "Afslå"
    OTHER = "anden", "Anden indsats"


class AgendaEntry(Audited, models.Model):
    """An application on a committee meeting's agenda: PPR's case presentation and the
    committee's recommendation."""

    meeting = models.ForeignKey(
        CommitteeMeeting, on_delete=models.PROTECT, related_name="entries", verbose_name="møde"
    )
    application = models.ForeignKey(
        SupportApplication,
        on_delete=models.PROTECT,
        related_name="agenda_entries",
        verbose_name="ansøgning",
    )
    order = models.PositiveSmallIntegerField("rækkefølge", default=1)
    presentation = limited_text("sagsfremstilling", blank=True, limit=text_limits.SECTION)
    recommendation = models.CharField(
        "udvalgets indstilling", max_length=10, choices=Recommendation.choices, blank=True
    )
    recommended_offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="anbefalet tilbud",
    )
    recommendation_note = limited_text(
        "begrundelse for indstillingen", blank=True, limit=text_limits.NOTE
    )
    recommended_at = models.DateTimeField("indstillet", null=True, blank=True)

    audit_child = "application.child_id"
    audit_institution = "application.institution_id"

    objects = AgendaEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "dagsordenspunkt (visitation)"
        verbose_name_plural = "dagsordenspunkter (visitation)"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "application"],
                name="agenda_entry_once_per_meeting",
                violation_error_message="Ansøgningen er allerede på mødets dagsorden.",
            ),
            models.CheckConstraint(
                condition=Q(recommendation="") | ~Q(recommendation_note=""),
                name="agenda_recommendation_has_reason",
                violation_error_message="Begrund udvalgets indstilling.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.application}"

    def get_absolute_url(self) -> str:
        return reverse("visitation:entry-detail", kwargs={"pk": self.pk})

    @property
    def audit_label(self) -> str:
        return f"Visitation, dagsordenspunkt nr. {self.pk}"


class Hearing(Audited, models.Model):
    """Partshøring (forvaltningsloven § 19): the parents get the material and a deadline to
    comment before a decision that goes against what they asked for. The decision waits until
    the deadline has passed or the parents have answered."""

    application = models.OneToOneField(
        SupportApplication,
        on_delete=models.PROTECT,
        related_name="hearing",
        verbose_name="ansøgning",
    )
    sent_on = models.DateField("sendt til forældrene")
    deadline = models.DateField("frist for bemærkninger")
    material = limited_text("materiale og forventet afgørelse", limit=text_limits.SECTION)
    answered_on = models.DateField("forældrenes svar modtaget", null=True, blank=True)
    answer = limited_text("forældrenes bemærkninger", blank=True, limit=text_limits.SECTION)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="sendt af",
    )
    # The partshøring letter's PDF, sent by Digital Post to the custody holders with a stored
    # CPR number (none: nobody could get it digitally, the letter went by post).
    letter = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="partshøringsbrev",
    )

    class Meta:
        verbose_name = "partshøring"
        verbose_name_plural = "partshøringer"
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=F("sent_on")),
                name="hearing_deadline_after_sending",
                violation_error_message="Fristen skal ligge efter afsendelsen.",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | ~Q(answer=""),
                name="hearing_answer_has_text",
                violation_error_message="Skriv forældrenes bemærkninger.",
            ),
        ]

    def __str__(self) -> str:
        return f"Partshøring, {self.application}"

    def can_download(self, user: object) -> bool:
        """The partshøring letter: those who run the visitation (who sent it)."""
        has_perm = getattr(user, "has_perm", None)
        return (
            bool(getattr(user, "is_active", False))
            and callable(has_perm)
            and has_perm("visitation.manage_committee") is True
        )

    def is_over(self, today: date) -> bool:
        """The decision may be made: the parents answered, or the deadline has passed."""
        return self.answered_on is not None or today > self.deadline


def hearing_attachment_path(instance: "HearingResponse", filename: str) -> str:
    # A random name: an uploaded file's name may carry the child's name or CPR number.
    return f"hearings/{uuid.uuid4().hex}"


class HearingResponse(Audited, models.Model):
    """A custody holder's own answer to a partshøring, written in the parents' portal before
    the deadline (with an optional attachment, checked like a referral's). Its text is also
    added to ``Hearing.answer``, where staff record and read the parents' comments."""

    hearing = models.ForeignKey(
        Hearing, on_delete=models.PROTECT, related_name="responses", verbose_name="partshøring"
    )
    guardian = models.ForeignKey(
        "cases.Guardian", on_delete=models.PROTECT, related_name="+", verbose_name="forælder"
    )
    text = limited_text("bemærkninger", limit=text_limits.SECTION)
    file = models.FileField("bilag", upload_to=hearing_attachment_path, blank=True)
    original_name = models.CharField("filnavn", max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    answered_at = models.DateTimeField("svaret", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="af"
    )

    audit_child = "hearing.application.child_id"
    audit_institution = "hearing.application.institution_id"

    class Meta:
        verbose_name = "forælders svar på partshøring"
        verbose_name_plural = "forældres svar på partshøringer"
        ordering = ["answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hearing", "guardian"],
                name="hearing_response_one_per_guardian",
                violation_error_message="Du har allerede svaret på partshøringen.",
            )
        ]

    def __str__(self) -> str:
        return f"Svar på {self.hearing}"


# --- The decision (afgørelse) and appeals ----------------------------------------------------


class DecisionOutcome(models.TextChoices):
    GRANTED = "bevilget", "Bevilget"
    REFUSED = "afslaaet", "Afslået"
    OTHER = "anden", "Anden indsats"


class Decision(Audited, models.Model):
    """The afgørelse on an application: granted (offer, start, review date), refused or another
    intervention, with reasons naming the facts and the rules relied on (forvaltningsloven
    §§ 22–24) and the appeal guidance (§ 25) as it stood when the decision was made."""

    application = models.OneToOneField(
        SupportApplication,
        on_delete=models.PROTECT,
        related_name="decision",
        verbose_name="ansøgning",
    )
    outcome = models.CharField("afgørelse", max_length=10, choices=DecisionOutcome.choices)
    offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="tilbud",
    )
    starts_on = models.DateField("start", null=True, blank=True)
    review_on = models.DateField("revurderes senest", null=True, blank=True)
    other_intervention = limited_text("anden indsats", blank=True, limit=text_limits.NOTE)
    facts = limited_text("de faktiske forhold", limit=text_limits.SECTION)
    rules_applied = limited_text("regler, der er lagt vægt på", limit=text_limits.NOTE)
    assessment = limited_text("hovedhensyn i vurderingen", limit=text_limits.SECTION)
    appeal_guidance = limited_text("klagevejledning", limit=text_limits.NOTE)
    decided_on = models.DateField("afgjort den")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="afgjort af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    audit_child = "application.child_id"
    audit_institution = "application.institution_id"

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "afgørelse"
        verbose_name_plural = "afgørelser"
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["decided_on"], name="decision_decided_on")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="bevilget")
                | Q(offer__isnull=False, starts_on__isnull=False, review_on__isnull=False),
                name="decision_granted_has_offer_and_dates",
                violation_error_message="En bevilling skal have tilbud, start og revurderingsdato.",
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gt=F("starts_on")),
                name="decision_review_after_start",
                violation_error_message="Revurderingen skal ligge efter starten.",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="anden") | ~Q(other_intervention=""),
                name="decision_other_names_intervention",
                violation_error_message="Beskriv den anden indsats.",
            ),
        ]

    def __str__(self) -> str:
        return f"Afgørelse, {self.application}"

    @property
    def audit_label(self) -> str:
        return f"Afgørelse om specialpædagogisk bistand nr. {self.pk}"

    def can_download(self, user: object) -> bool:
        """The decision letter: PPR on the case and the leader of the child's institution."""
        return Decision.objects.printable_for(user).filter(pk=self.pk).exists()


class AppealOutcome(models.TextChoices):
    PENDING = "verserer", "Verserer"
    UPHELD = "stadfaestet", "Stadfæstet"
    CHANGED = "aendret", "Ændret"
    REMITTED = "hjemvist", "Hjemvist"
    WITHDRAWN = "tilbagekaldt", "Klagen er trukket tilbage"


class Appellant(models.TextChoices):
    CUSTODY_HOLDER = "foraeldremyndighed", "Forælder med forældremyndighed"
    BOTH_PARENTS = "begge", "Begge forældre med forældremyndighed"
    YOUNG_PERSON = "barnet", "Den unge selv"
    REPRESENTATIVE = "partsrepraesentant", "Partsrepræsentant (fx advokat)"


class Appeal(Audited, models.Model):
    """A complaint to Klagenævnet for Specialundervisning about a decision, and its outcome.

    The municipality receives the complaint first (folkeskolelovens § 51): the PPR leader
    registers when it came and from whom, and later what the board decided."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="appeals", verbose_name="afgørelse"
    )
    received_on = models.DateField("klagen modtaget")
    appellant = models.CharField(
        "klager", max_length=20, choices=Appellant.choices, default=Appellant.CUSTODY_HOLDER
    )
    appellant_name = models.CharField(
        "klagerens navn", max_length=200, blank=True, help_text="Fx forælderens navn."
    )
    outcome = models.CharField(
        "udfald", max_length=15, choices=AppealOutcome.choices, default=AppealOutcome.PENDING
    )
    outcome_on = models.DateField("udfald den", null=True, blank=True)
    note = limited_text("note", blank=True, limit=text_limits.NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="registreret af",
    )

    audit_child = "decision.application.child_id"
    audit_institution = "decision.application.institution_id"

    class Meta:
        verbose_name = "klage"
        verbose_name_plural = "klager"
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="verserer") | Q(outcome_on__isnull=False),
                name="appeal_outcome_has_date",
                violation_error_message="Angiv datoen for klagens udfald.",
            )
        ]

    def __str__(self) -> str:
        return f"Klage over {self.decision}"

    @property
    def audit_label(self) -> str:
        return f"Klage over afgørelse nr. {self.decision_id}"

    @property
    def is_pending(self) -> bool:
        return self.outcome == AppealOutcome.PENDING


class DecisionDispatch(models.Model):
    """The decision letter sent to one custody holder: to whom, when and by whom, recorded as a
    PPV's sending is (``PpvDispatch``): by Digital Post when the custody holder's CPR number is
    stored (``digital_post``), else by letter."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="dispatches", verbose_name="afgørelse"
    )
    guardian = models.ForeignKey(
        "cases.Guardian", on_delete=models.PROTECT, related_name="+", verbose_name="modtager"
    )
    # The name as it was when sent, so the record stays true if the guardian is renamed.
    recipient_name = models.CharField("modtagerens navn", max_length=250)
    sent_at = models.DateTimeField("sendt", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="sendt af",
    )
    # Idempotency key of the send form: a double submit records each recipient once.
    batch = models.UUIDField(editable=False)
    # The letter's Digital Post message (none: the custody holder got it by post).
    digital_post = models.OneToOneField(
        "digitalpost.DigitalPostMessage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Digital Post",
    )

    class Meta:
        verbose_name = "forsendelse af afgørelsesbrev"
        verbose_name_plural = "forsendelser af afgørelsesbreve"
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "guardian"], name="decision_dispatch_once_per_guardian"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} til {self.recipient_name}"


# --- Placement in an offer, capacity, and the yearly reassessment ----------------------------


def school_year_of(day: date) -> int:
    """The school year ``day`` falls in, by the calendar year it starts (1 August): 2026 is
    the school year 2026/27."""
    return day.year if day.month >= 8 else day.year - 1


def school_year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def school_year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of the school year starting in ``year`` (1 August – 31 July)."""
    return date(year, 8, 1), date(year + 1, 7, 31)


class PlacementEndReason(models.TextChoices):
    RETURNED = "almen", "Tilbage til almentilbuddet"
    CHANGED = "skift", "Skiftet til et andet tilbud"
    MOVED = "fraflyttet", "Fraflyttet kommunen"
    OTHER = "andet", "Andet"


class Placement(Audited, models.Model):
    """A child's place in an offer for a period, made by a granted decision. Counted against
    the offer's places in every school year it spans; over capacity only with the PPR leader's
    recorded override. Reassessed at least yearly (``PlacementReview``); a return to the
    general offer ends it."""

    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="placements", verbose_name="barn"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="placements", verbose_name="sag"
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="placements", verbose_name="tilbud"
    )
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="placement", verbose_name="afgørelse"
    )
    starts_on = models.DateField("start")
    ends_on = models.DateField(
        "planlagt slut", null=True, blank=True, help_text="Tom: indtil revurderingen afslutter den."
    )
    school_year = models.PositiveSmallIntegerField(
        "første skoleår", help_text="Året skoleåret begynder (1. august): 2026 er 2026/27."
    )
    review_on = models.DateField("næste revurdering senest")
    # Over capacity: only with the PPR leader's recorded reason.
    over_capacity = models.BooleanField("ud over kapaciteten", default=False)
    override_reason = limited_text(
        "begrundelse for at gå ud over kapaciteten", blank=True, limit=text_limits.NOTE
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="kapacitet tilsidesat af",
    )
    ended_on = models.DateField("afsluttet den", null=True, blank=True)
    end_reason = models.CharField(
        "årsag til afslutning", max_length=10, choices=PlacementEndReason.choices, blank=True
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="afsluttet af",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="placeret af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    audit_child = "child_id"
    audit_institution = "offer.institution_id"

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = "placering i specialtilbud"
        verbose_name_plural = "placeringer i specialtilbud"
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["offer", "starts_on", "ended_on"], name="placement_offer_period"),
            models.Index(fields=["end_reason", "ended_on"], name="placement_end_reason"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="placement_ends_after_start",
                violation_error_message="Slutdatoen skal ligge efter starten.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="placement_ended_has_reason",
                violation_error_message="Angiv, hvorfor placeringen er afsluttet.",
            ),
            models.CheckConstraint(
                condition=Q(over_capacity=False)
                | (Q(override_by__isnull=False) & ~Q(override_reason="")),
                name="placement_override_has_reason",
                violation_error_message="Begrund, hvorfor barnet placeres ud over kapaciteten.",
            ),
        ]

    def __str__(self) -> str:
        return f"Placering nr. {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("visitation:placement-detail", kwargs={"pk": self.pk})

    @property
    def audit_label(self) -> str:
        return f"Placering i specialtilbud nr. {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    @property
    def last_day(self) -> date | None:
        """The placement's last day: when it ended, else its planned end (None: open)."""
        return self.ended_on or self.ends_on

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)

    # The deadlines app reads these from the review deadline's subject.
    @property
    def deadline_link(self) -> str:
        return reverse("visitation:placement-review", kwargs={"pk": self.pk})

    @property
    def deadline_district_id(self) -> int | None:
        return self.child.institution.district_id

    def can_be_handled_by(self, user: object) -> bool:
        return Placement.objects.reviewable_by(user).filter(pk=self.pk).exists()


class ReviewOutcome(models.TextChoices):
    CONTINUE = "fortsaet", "Placeringen fortsætter"
    CHANGE = "aendr", "Støtten skal ændres"
    RETURN = "almen", "Barnet vender tilbage til almentilbuddet"


class PlacementReview(Audited, models.Model):
    """The yearly reassessment of a placement: the child's progress, a Børnelineal rating and
    the outcome (continue, change, or return to the general offer, which ends the placement)."""

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="reviews", verbose_name="placering"
    )
    reviewed_on = models.DateField("revurderet den")
    progress = limited_text("barnets udvikling og progression", limit=text_limits.SECTION)
    rating = models.ForeignKey(
        "cases.RulerRating",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Børnelineal-vurdering",
    )
    outcome = models.CharField("resultat", max_length=10, choices=ReviewOutcome.choices)
    change_note = limited_text("hvad skal ændres", blank=True, limit=text_limits.NOTE)
    next_review_on = models.DateField("næste revurdering senest", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="revurderet af",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    # Idempotency key from the form: a double submit saves one review.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    audit_child = "placement.child_id"
    audit_institution = "placement.offer.institution_id"

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "revurdering af placering"
        verbose_name_plural = "revurderinger af placeringer"
        ordering = ["-reviewed_on", "-pk"]
        indexes = [models.Index(fields=["outcome", "reviewed_on"], name="review_outcome_on")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="almen") & Q(next_review_on__isnull=True))
                | (~Q(outcome="almen") & Q(next_review_on__isnull=False)),
                name="review_next_unless_returned",
                violation_error_message="Angiv næste revurdering, medmindre barnet vender tilbage.",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="aendr") | ~Q(change_note=""),
                name="review_change_is_described",
                violation_error_message="Beskriv, hvad der skal ændres.",
            ),
        ]

    def __str__(self) -> str:
        return f"Revurdering {self.reviewed_on:%d.%m.%Y}, {self.placement}"

    @property
    def audit_label(self) -> str:
        return f"Revurdering af placering nr. {self.placement_id}"
