"""Children, guardians and consent; referrals (indstillinger); PPR cases, journal and Børnelineal."""

from datetime import date
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError as StdnumError

from ppr import crypto, text_limits
from ppr.access import VisibleQuerySet
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES, Role
from ppr.audit.audited import Audited
from ppr.confirm import can_still_undo
from ppr.organisation.models import Institution, Team
from ppr.text_limits import limited_text

# --- CPR -----------------------------------------------------------------------------------

#: PPR serves children and young people 0-18 (DOMAIN.md); a CPR number that makes a new child
#: older than this is a typo (or the wrong century), not a child for PPR.
OLDEST_AGE = 18


def normalise_cpr(value: str) -> str:
    """Validate a CPR number (format and birth date; no modulus-11 check) and return 10 digits."""
    try:
        number = stdnum_cpr.compact(value)
        if not number.isdigit() or len(number) != 10:
            raise StdnumError()
        stdnum_cpr.get_birth_date(number)
    except (StdnumError, ValueError) as exc:
        raise ValidationError(
            "Ugyldigt CPR-nummer. Skriv det som ddmmåå-xxxx.", code="invalid_cpr"
        ) from exc
    return number


def check_plausible_child(number: str, today: date | None = None) -> None:
    """Refuse a CPR number whose birth date makes a child PPR does not serve: not yet born, or
    older than PPR's oldest age. The message says what is odd."""
    today = today or timezone.localdate()
    born = stdnum_cpr.get_birth_date(number)
    if born > today:
        raise ValidationError(
            "CPR-nummeret giver en fødselsdato i fremtiden (%(born)s). Tjek CPR-nummeret.",
            code="unborn",
            params={"born": f"{born:%d.%m.%Y}"},
        )
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age > OLDEST_AGE:
        raise ValidationError(
            "CPR-nummeret giver et barn på %(age)d år (født %(born)s). PPR arbejder med børn og "
            "unge op til %(oldest)d år. Tjek CPR-nummeret.",
            code="too_old",
            params={"age": age, "born": f"{born:%d.%m.%Y}", "oldest": OLDEST_AGE},
        )


def mask_cpr(number: str) -> str:
    return f"{number[:6]}-xxxx"


# --- Querysets ---------------------------------------------------------------------------


def _sees_all_cases(user: Any) -> bool:
    return bool(user.has_role(Role.PPR_LEADER, Role.SECRETARY))


class CaseQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """PPR leader and secretary: all cases; case workers: assigned to them or their team."""
        if not user.is_authenticated:
            return self.none()
        if _sees_all_cases(user):
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


class ChildQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """PPR sees children with a case or a submitted referral (leader/secretary: all);
        institution leaders and staff see the children of their institution."""
        if not user.is_authenticated:
            return self.none()
        if _sees_all_cases(user):
            return self.all()
        condition = Q(pk__in=[])
        if user.has_role(*CASEWORKER_ROLES):
            condition |= Q(cases__assigned=user) | Q(cases__team_id__in=user.team_ids)
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(institution_id__in=institutions)
        return self.filter(pk__in=self.model._default_manager.filter(condition).values("pk"))

    def with_cpr(self, value: str) -> Self:
        """The child with this CPR number, hashed under any configured key (see ppr/crypto.py)."""
        return self.filter(cpr_hash__in=Child.hashes_for(value))


def _on_their_cases(user: Any, case: Any = None) -> Q:
    """A case worker's rows: those of cases assigned to them or to one of their teams. Given
    the one ``case`` the rows belong to, that is decided here from the case, without a join."""
    if case is None:
        return Q(case__assigned=user) | Q(case__team_id__in=user.team_ids)
    if case.assigned_id == user.pk or case.team_id in user.team_ids:
        return Q()
    return Q(pk__in=[])


class OnCaseQuerySet[M: models.Model](VisibleQuerySet[M]):
    """Rows that belong to a case; the case page reads them for one case at a time.
    Subclasses say which rows in ``_visible``, with ``_on_their_cases(user, case)``."""

    def visible_to(self, user: Any) -> Self:
        return self._visible(user, case=None)

    def visible_on(self, case: Any, user: Any) -> Self:
        """``visible_to(user).filter(case=case)``: the same rows, with the conditions on the case
        decided from ``case`` itself, so without a join to the case table."""
        return self._visible(user, case=case).filter(case=case)

    def _visible(self, user: Any, case: Any) -> Self:
        return self.none()


class ReferralQuerySet[M: models.Model](OnCaseQuerySet[M]):
    def _visible(self, user: Any, case: Any) -> Self:
        """Institutions see their own referrals (staff: drafts too); PPR sees submitted ones
        (case workers: those of their cases). PPR intake also sees the drafts of parents' own
        requests, which it records itself."""
        if not user.is_authenticated:
            return self.none()
        condition = Q(pk__in=[])
        if _sees_all_cases(user):
            condition |= ~Q(status=ReferralStatus.DRAFT) | Q(parent_request=True)
        elif user.has_role(*CASEWORKER_ROLES):
            condition |= ~Q(status=ReferralStatus.DRAFT) & _on_their_cases(user, case)
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(institution_id__in=institutions)
        return self.filter(condition)


class CaseContentQuerySet[M: models.Model](OnCaseQuerySet[M]):
    """Journal entries and the like: PPR's professional content, not for the secretary."""

    def _visible(self, user: Any, case: Any) -> Self:
        """The PPR leader, and case workers on the case (assigned or team)."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.PPR_LEADER):
            return self.all()
        if user.has_role(*CASEWORKER_ROLES):
            return self.filter(_on_their_cases(user, case))
        return self.none()


class RatingQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Børnelineal ratings: PPR leader/secretary all; case workers for their cases' children;
        institution leaders for the children of their institution."""
        if not user.is_authenticated:
            return self.none()
        if _sees_all_cases(user):
            return self.all()
        return self.filter(child__in=Child.objects.visible_to(user))


# --- Children, guardians, consent ----------------------------------------------------------


class Child(Audited, models.Model):
    """A child or pupil. The CPR number is stored encrypted, with a keyed hash for lookup."""

    cpr_encrypted = models.TextField(editable=False)
    cpr_hash = models.CharField(max_length=64, unique=True, editable=False)
    first_name = models.CharField("fornavn", max_length=100)
    last_name = models.CharField("efternavn", max_length=100)
    birth_date = models.DateField("fødselsdato", editable=False)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="children", verbose_name="institution"
    )
    group = models.CharField("klasse/gruppe", max_length=50, blank=True)
    fictitious = models.BooleanField("fiktivt (demodata)", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = "barn"
        verbose_name_plural = "børn"
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["institution", "last_name"]),
            models.Index(fields=["birth_date"]),
            models.Index(fields=["last_name", "first_name"]),
        ]
        # Name search (icontains) is served on PostgreSQL by trigram indexes on UPPER(first_name)
        # and UPPER(last_name), created by migration 0005 (not expressible portably here).

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        """How lists sort children: by last name, then first name."""
        return f"{self.last_name} {self.first_name}"

    def set_cpr(self, value: str) -> None:
        number = normalise_cpr(value)
        self.cpr_encrypted = crypto.encrypt(number)
        self.cpr_hash = crypto.lookup_hash(number)
        self.birth_date = stdnum_cpr.get_birth_date(number)

    @property
    def cpr(self) -> str:
        """The full CPR number. Showing it to a user must be audited (AuditAction.REVEAL_CPR)."""
        return stdnum_cpr.format(crypto.decrypt(self.cpr_encrypted))

    @property
    def cpr_masked(self) -> str:
        return f"{self.birth_date:%d%m%y}-xxxx"

    @classmethod
    def hash_for(cls, value: str) -> str:
        """The hash a child with this CPR number is stored with (the newest key's)."""
        return crypto.lookup_hash(normalise_cpr(value))

    @classmethod
    def hashes_for(cls, value: str) -> list[str]:
        """The hashes a child with this CPR number may be stored with, one per configured key."""
        return crypto.lookup_hashes(normalise_cpr(value))

    def rekey(self) -> bool:
        """Encrypt and hash the CPR number with the newest key; False if it already was."""
        if crypto.is_current(self.cpr_encrypted):
            return False
        self.set_cpr(crypto.decrypt(self.cpr_encrypted))
        return True

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    audit_child = "pk"
    audit_institution = "institution_id"


class GuardianRelation(models.TextChoices):
    MOR = "mor", "Mor"
    FAR = "far", "Far"
    MEDMOR = "medmor", "Medmor"
    ANDEN = "anden", "Anden"


class Guardian(models.Model):
    """A parent or other adult around the child; ``has_custody`` marks forældremyndighed."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="guardians", verbose_name="barn"
    )
    name = models.CharField("navn", max_length=200)
    relation = models.CharField("relation", max_length=10, choices=GuardianRelation.choices)
    has_custody = models.BooleanField("forældremyndighed", default=True)
    phone = models.CharField("telefon", max_length=30, blank=True)
    email = models.EmailField("e-mail", blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)

    class Meta:
        verbose_name = "forælder/værge"
        verbose_name_plural = "forældre/værger"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"


class ConsentScope(models.TextChoices):
    REFERRAL = "indstilling", "Indstilling til PPR"
    MEETING = "moede", "Drøftelse på et navngivet møde"


class ConsentForm(models.TextChoices):
    WRITTEN = "skriftligt", "Skriftligt"
    ORAL = "mundtligt", "Mundtligt"


class Consent(models.Model):
    """One guardian's consent for one purpose; withdrawn consent stays on record."""

    guardian = models.ForeignKey(
        Guardian, on_delete=models.CASCADE, related_name="consents", verbose_name="forælder"
    )
    scope = models.CharField("formål", max_length=20, choices=ConsentScope.choices)
    meeting_name = models.CharField(
        "møde", max_length=200, blank=True, help_text="Kun ved samtykke til et navngivet møde."
    )
    given_on = models.DateField("givet den")
    form = models.CharField("form", max_length=20, choices=ConsentForm.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="registreret af",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField("trukket tilbage den", null=True, blank=True)
    # When the withdrawal was registered: it can be undone for a few minutes (ppr.confirm).
    withdrawn_at = models.DateTimeField("tilbagetrækning registreret", null=True, blank=True)
    note = limited_text("note", blank=True, limit=text_limits.NOTE)

    class Meta:
        verbose_name = "samtykke"
        verbose_name_plural = "samtykker"
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="moede") | ~Q(meeting_name=""),
                name="consent_meeting_named",
                violation_error_message="Angiv hvilket møde samtykket gælder.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} – {self.guardian.name}"

    def clean(self) -> None:
        born = self.guardian.child.birth_date if self.guardian_id else None
        if born and self.given_on and self.given_on < born:
            raise ValidationError(
                {
                    "given_on": (
                        f"Samtykket er dateret {self.given_on:%d.%m.%Y}, før barnet blev født "
                        f"({born:%d.%m.%Y}). Tjek datoen."
                    )
                }
            )

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    @property
    def purpose_label(self) -> str:
        """What the consent is for, and from whom (e.g. for a screen reader's button label)."""
        purpose = self.get_scope_display()
        if self.meeting_name:
            purpose = f"{purpose}: {self.meeting_name}"
        return f"({purpose}, {self.guardian.name})"

    @property
    def withdraw_question(self) -> str:
        """What withdrawing this consent means, said before it is done."""
        return (
            f"Samtykket {self.purpose_label} registreres som trukket tilbage i dag. Barnet kan "
            "derefter ikke nævnes eller indstilles på grundlag af det."
        )

    @property
    def withdrawal_undoable(self) -> bool:
        """A withdrawal registered a few minutes ago can still be undone ("Fortryd")."""
        return self.withdrawn_on is not None and can_still_undo(self.withdrawn_at)


# --- Børnelineal ---------------------------------------------------------------------------


class RulerColour(models.TextChoices):
    """Børnelineal colours; each maps 1:1 to a prevention level."""

    GROEN = "groen", "Grøn (primær forebyggelse)"
    GUL = "gul", "Gul (sekundær forebyggelse)"
    ROED = "roed", "Rød (tertiær forebyggelse)"


# --- Referrals -----------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    DRAFT = "kladde", "Kladde"
    SUBMITTED = "indsendt", "Indsendt"
    RECEIVED = "modtaget", "Modtaget"
    ACCEPTED = "accepteret", "Accepteret"
    REJECTED = "afvist", "Afvist"
    REDIRECTED = "henvist", "Henvist til andet forum"
    CLOSED = "afsluttet", "Afsluttet"


VISITED_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED, ReferralStatus.REDIRECTED)
#: Submitted and received: what waits in PPR's intake queue for visitation.
WAITING_STATUSES = [ReferralStatus.SUBMITTED, ReferralStatus.RECEIVED]


class ReferralRequest(models.TextChoices):
    """What the institution asks of PPR."""

    PPV = "ppv", "Pædagogisk psykologisk vurdering (PPV)"
    SPECIAL_SUPPORT = "specialpaedagogisk_bistand", "Ansøgning om specialpædagogisk bistand"
    SPARRING = "sparring", "Sparring og vejledning"
    OBSERVATION = "observation", "Observation"
    TEST = "test", "Test/udredning"
    SPEECH = "tale", "Tale-/sprogvurdering"
    OTHER = "andet", "Andet"


class EvaluationParty(models.TextChoices):
    """With whom the handleplan was evaluated (seed 001)."""

    PUPIL = "elev", "Eleven/barnet"
    CLASS_TEAM = "klasseteam", "Klasseteam/personale"
    PARENTS = "foraeldre", "Forældre"
    RESOURCE = "ressourcepersoner", "Institutionens ressourcepersoner"
    PPR = "ppr", "PPR"


class RedirectForum(models.TextChoices):
    """Support-model forums a referral can be redirected to (the meetings app makes this a link)."""

    SKOLESOCIALRAADGIVNING = "skolesocialraadgivning", "Skolesocialrådgivning"
    TVAERFAGLIGT_SKOLETEAM = "tvaerfagligt_skoleteam", "Tværfagligt skoleteam"
    SPARRING = "sparring_ppr", "Sparring og vejledning v/PPR"
    NETVAERKSMOEDE = "koordinerende_netvaerksmoede", "Koordinerende netværksmøde"
    SMAABOERNSTEAM = "tvaerfagligt_smaaboernsteam", "Tværfagligt småbørnsteam"
    STOETTETEAM = "vejledning_stoetteteam", "Vejledning fra støtteteamet"


class Referral(Audited, models.Model):
    """An indstilling til PPR from an institution (or the parents' own request)."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="referrals", verbose_name="barn"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="referrals", verbose_name="institution"
    )
    status = models.CharField(
        "status", max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_referrals",
        verbose_name="oprettet af",
    )
    # The sections of the form (DOMAIN.md, "The route of a concern", step 3).
    concern = limited_text("bekymringen", blank=True, limit=text_limits.SECTION)
    strengths = limited_text("barnets styrker og ressourcer", blank=True, limit=text_limits.SECTION)
    child_perspective = limited_text(
        "barnets eget perspektiv", blank=True, limit=text_limits.SECTION
    )
    parents_perspective = limited_text(
        "forældrenes perspektiv", blank=True, limit=text_limits.SECTION
    )
    plan_goals = limited_text("handleplan: mål", blank=True, limit=text_limits.SECTION)
    plan_actions = limited_text("handleplan: hvad er gjort", blank=True, limit=text_limits.SECTION)
    plan_period = models.CharField("handleplan: periode", max_length=100, blank=True)
    plan_evaluation = limited_text("handleplan: evaluering", blank=True, limit=text_limits.SECTION)
    plan_evaluated_with = models.JSONField("evalueret med", default=list, blank=True)
    earlier_interventions = limited_text(
        "tidligere indsatser", blank=True, limit=text_limits.SECTION
    )
    requests = models.JSONField("hvad ønskes af PPR", default=list, blank=True)
    request_details = limited_text("uddybning af ønsket", blank=True, limit=text_limits.SECTION)
    ruler_colour = models.CharField(
        "Børnelineal", max_length=10, choices=RulerColour.choices, blank=True
    )
    parent_request = models.BooleanField("forældrenes egen henvendelse", default=False)
    parent_request_note = limited_text(
        "note om forældrenes henvendelse", blank=True, limit=text_limits.NOTE
    )
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
    received_at = models.DateTimeField("modtaget", null=True, blank=True)
    decided_at = models.DateTimeField("visiteret", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="visiteret af",
    )
    rejection_reason = limited_text("begrundelse for afvisning", blank=True, limit=text_limits.NOTE)
    redirect_forum = models.CharField(
        "henvist til", max_length=40, choices=RedirectForum.choices, blank=True
    )
    case = models.ForeignKey(
        "Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="sag",
    )
    # No lost work: every save bumps the version; a save from an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "indstilling"
        verbose_name_plural = "indstillinger"
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # Date ranges without a status (the start page's yearly count).
            models.Index(fields=["submitted_at"]),
            models.Index(fields=["institution", "status"]),
            models.Index(fields=["status", "updated_at"]),
            # PPR's intake queue (submitted and received, oldest first): with two statuses the
            # index above cannot give the order, and the waiting ones are a few percent of all.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=WAITING_STATUSES),
                name="referral_waiting_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="afvist") | ~Q(rejection_reason=""),
                name="referral_rejection_has_reason",
                violation_error_message="En afvisning skal have en begrundelse.",
            ),
            models.CheckConstraint(
                condition=~Q(status="henvist") | ~Q(redirect_forum=""),
                name="referral_redirect_has_forum",
                violation_error_message="Vælg det forum, indstillingen henvises til.",
            ),
        ]

    def __str__(self) -> str:
        return f"Indstilling #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("cases:referral-detail", kwargs={"pk": self.pk})

    @property
    def audit_label(self) -> str:
        """The referral as the audit log names it (ppr/audit/labels.py)."""
        return f"Indstilling nr. {self.pk}"

    audit_child = "child_id"
    audit_institution = "institution_id"

    def can_download(self, user) -> bool:
        """The receipt PDF: for whoever sees the referral once it has been submitted."""
        visible = Referral.objects.visible_to(user).filter(pk=self.pk)
        return visible.exclude(status=ReferralStatus.DRAFT).exists()

    @property
    def deadline_link(self) -> str:
        return self.get_absolute_url()

    @property
    def deadline_district_id(self) -> int:
        return self.institution.district_id


class ReferralEvent(models.Model):
    """One step of a referral's timeline, shown to the submitting institution."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField("status", max_length=20, choices=ReferralStatus.choices)
    at = models.DateTimeField("tidspunkt", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = limited_text("note", blank=True, limit=text_limits.NOTE)

    class Meta:
        verbose_name = "hændelse på indstilling"
        verbose_name_plural = "hændelser på indstillinger"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%d.%m.%Y}"


def attachment_path(instance: "ReferralAttachment", filename: str) -> str:
    # The stored name is random: an uploaded file name may contain a child's name or CPR.
    import uuid

    return f"referrals/{instance.referral_id}/{uuid.uuid4().hex}"


class ReferralAttachment(Audited, models.Model):
    """A document attached to a referral (PDF, DOCX, JPEG or PNG; checked by content)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField("filnavn", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bilag"
        verbose_name_plural = "bilag"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    audit_child = "referral.child_id"
    audit_institution = "referral.institution_id"


# --- Cases ---------------------------------------------------------------------------------


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


class JournalKind(models.TextChoices):
    SAMTALE = "samtale", "Samtale"
    OBSERVATION = "observation", "Observation"
    TEST = "test", "Test"
    MOEDE = "moede", "Møde"
    TELEFON = "telefon", "Telefon"
    KORRESPONDANCE = "korrespondance", "Korrespondance"
    DOKUMENT = "dokument", "Dokument"
    ANDET = "andet", "Andet"


class JournalEntry(Audited, models.Model):
    """A dated journal note on a case. Corrections keep the original (JournalRevision)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="journal_entries", verbose_name="sag"
    )
    occurred_on = models.DateField("dato")
    kind = models.CharField("type", max_length=20, choices=JournalKind.choices)
    title = models.CharField("overskrift", max_length=200, blank=True)
    text = limited_text("tekst", limit=text_limits.JOURNAL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="forfatter",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # Set when the entry files a document (a final PPV, a meeting notat) into the journal.
    document_type = models.CharField(max_length=100, blank=True)
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Idempotency key from the form: a double submit of a new entry saves one row.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = CaseContentQuerySet.as_manager()

    class Meta:
        verbose_name = "journalnotat"
        verbose_name_plural = "journalnotater"
        ordering = ["-occurred_on", "-created_at"]
        indexes = [models.Index(fields=["case", "-occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d.%m.%Y}"

    @property
    def is_corrected(self) -> bool:
        return self.version > 1

    audit_child = "case.child_id"
    audit_institution = "case.child.institution_id"


class JournalRevision(models.Model):
    """The text, title and date an entry had before a correction: kept forever, shown as corrected."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    text = limited_text(limit=text_limits.JOURNAL)
    # The title and date the entry had before the correction (empty on rows from before a
    # correction could change them).
    title = models.CharField("overskrift", max_length=200, blank=True)
    occurred_on = models.DateField("dato", null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField("begrundelse for rettelse", max_length=300)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "version"], name="journal_revision_unique")
        ]

    def __str__(self) -> str:
        return f"Version {self.version}"


class RatingContext(models.TextChoices):
    REFERRAL = "indstilling", "Indstilling"
    MEETING = "moede", "Møde"
    FOLLOW_UP = "opfoelgning", "Opfølgning"
    CASE = "sag", "Sagsbehandling"


class RulerRating(Audited, models.Model):
    """One Børnelineal rating of a child: colour, date, rater, context and a short rationale."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="ratings", verbose_name="barn"
    )
    colour = models.CharField("farve", max_length=10, choices=RulerColour.choices)
    rated_on = models.DateField("dato", default=date.today)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="vurderet af",
    )
    context = models.CharField("sammenhæng", max_length=20, choices=RatingContext.choices)
    rationale = models.CharField("begrundelse", max_length=500)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    # Denormalised for the report of counts by colour per institution and district.
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Idempotency key from the form: a double submit of a rating saves one row.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = "Børnelineal-vurdering"
        verbose_name_plural = "Børnelineal-vurderinger"
        ordering = ["-rated_on", "-created_at"]
        indexes = [
            models.Index(fields=["child", "-rated_on"]),
            models.Index(fields=["institution", "rated_on", "colour"]),
            # The Børnelineal report: a period's ratings counted by institution and colour.
            models.Index(
                fields=["rated_on", "institution", "colour"], name="rating_period_counts_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} {self.rated_on:%d.%m.%Y}"

    audit_child = "child_id"
    audit_institution = "institution_id"


# --- PPV (pædagogisk psykologisk vurdering) -------------------------------------------------


class PpvStatus(models.TextChoices):
    DRAFT = "kladde", "Kladde"
    FINAL = "endelig", "Endelig"


#: The sections of a PPV in the order they are written and printed (DOMAIN.md, step 5):
#: (field, label, required before finalising).
PPV_SECTIONS: tuple[tuple[str, str, bool], ...] = (
    ("commissioned_by", "Hvem har bestilt vurderingen", True),
    ("commission", "Opdraget", True),
    ("examination_period", "Undersøgelsesperiode", True),
    ("sources_methods", "Kilder og metoder", True),
    ("background", "Baggrund og hvad der er afprøvet", True),
    ("child_perspective", "Barnets perspektiv", True),
    ("parents_perspective", "Forældrenes perspektiv", True),
    ("cognitive_development", "Kognitiv udvikling", True),
    ("language_development", "Sproglig udvikling", True),
    ("social_emotional_development", "Social og emotionel udvikling", True),
    ("school", "Skole og dagtilbud", True),
    ("family", "Familie", True),
    ("health_leisure", "Helbred og fritid", True),
    ("summary", "Sammenfatning og vurdering", True),
    ("recommendations", "Anbefalinger til organisering af støtten", True),
)
PPV_SECTION_FIELDS = tuple(name for name, _label, _required in PPV_SECTIONS)
PPV_SECTION_LABELS = {name: label for name, label, _required in PPV_SECTIONS}


class PpvQuerySet(CaseContentQuerySet):
    """The PPV is case content: the PPR leader and case workers on the case."""

    def printable_for(self, user):
        """Final PPVs ``user`` may print: PPR readers, and leaders of the child's institution."""
        if not user.is_authenticated:
            return self.none()
        finals = self.filter(status=PpvStatus.FINAL)
        condition = Q(pk__in=self.visible_to(user).values("pk"))
        led = user.institution_ids(Role.INSTITUTION_LEADER)
        if led:
            condition |= Q(case__child__institution_id__in=led)
        return finals.filter(condition)


class Ppv(Audited, models.Model):
    """One version of a PPV on a case: drafted, then finalised (locked, signed) and sent.

    A correction after finalisation is a new draft with the next ``number`` that ``replaces``
    the final version; the replaced version stays as it was and readable.
    """

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="ppvs", verbose_name="sag"
    )
    number = models.PositiveIntegerField("version", default=1)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="erstatter",
    )
    correction_reason = limited_text("begrundelse for rettelse", blank=True, limit=text_limits.NOTE)
    status = models.CharField(
        "status", max_length=10, choices=PpvStatus.choices, default=PpvStatus.DRAFT
    )
    # The child's identity as printed: filled from the case, frozen when the PPV is finalised.
    identity = models.JSONField("barnets identitet", default=dict, blank=True)
    commissioned_by = limited_text(
        "hvem har bestilt vurderingen", blank=True, limit=text_limits.SECTION
    )
    commission = limited_text("opdraget", blank=True, limit=text_limits.SECTION)
    examination_period = models.CharField("undersøgelsesperiode", max_length=200, blank=True)
    sources_methods = limited_text("kilder og metoder", blank=True, limit=text_limits.SECTION)
    background = limited_text(
        "baggrund og hvad der er afprøvet", blank=True, limit=text_limits.SECTION
    )
    child_perspective = limited_text("barnets perspektiv", blank=True, limit=text_limits.SECTION)
    parents_perspective = limited_text(
        "forældrenes perspektiv", blank=True, limit=text_limits.SECTION
    )
    cognitive_development = limited_text(
        "kognitiv udvikling", blank=True, limit=text_limits.SECTION
    )
    language_development = limited_text("sproglig udvikling", blank=True, limit=text_limits.SECTION)
    social_emotional_development = limited_text(
        "social og emotionel udvikling", blank=True, limit=text_limits.SECTION
    )
    school = limited_text("skole og dagtilbud", blank=True, limit=text_limits.SECTION)
    family = limited_text("familie", blank=True, limit=text_limits.SECTION)
    health_leisure = limited_text("helbred og fritid", blank=True, limit=text_limits.SECTION)
    summary = limited_text("sammenfatning og vurdering", blank=True, limit=text_limits.SECTION)
    recommendations = limited_text(
        "anbefalinger til organisering af støtten", blank=True, limit=text_limits.SECTION
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="forfatter",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    updated_at = models.DateTimeField("senest gemt", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="senest gemt af",
    )
    # No lost work: every save bumps the version; a save from an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    finalised_at = models.DateTimeField("gjort endelig", null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gjort endelig af",
    )
    signed_name = models.CharField("underskrevet af", max_length=200, blank=True)
    signed_title = models.CharField("titel", max_length=200, blank=True)
    signed_on = models.DateField("underskrevet den", null=True, blank=True)

    objects = PpvQuerySet.as_manager()

    class Meta:
        verbose_name = "PPV"
        verbose_name_plural = "PPV'er"
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"],
                name="ppv_one_per_case_number",
                violation_error_message="Denne version af PPV'en findes allerede.",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="kladde"),
                name="ppv_one_draft_per_case",
                violation_error_message="Sagen har allerede en PPV under udarbejdelse.",
            ),
            models.CheckConstraint(
                condition=~Q(status="endelig")
                | (
                    Q(finalised_at__isnull=False, signed_on__isnull=False)
                    & ~Q(signed_name="")
                    & ~Q(signed_title="")
                ),
                name="ppv_final_is_signed",
                violation_error_message="En endelig PPV skal være underskrevet med navn, titel og dato.",
            ),
        ]

    def __str__(self) -> str:
        return f"PPV version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("cases:ppv-detail", kwargs={"pk": self.pk})

    #: What ``audit_label`` reads besides the PPV (ppr/audit/labels.py).
    audit_label_related = ("case",)

    @property
    def audit_label(self) -> str:
        """The PPV as the audit log names it: its version and its case."""
        return f"PPV version {self.number}, sag {self.case.reference}"

    @property
    def is_final(self) -> bool:
        return self.status == PpvStatus.FINAL

    audit_child = "case.child_id"
    audit_institution = "case.child.institution_id"

    def can_download(self, user) -> bool:
        """The PDF: final versions only, for PPR on the case and the child's institution leader."""
        return Ppv.objects.printable_for(user).filter(pk=self.pk).exists()


class PpvRevisionKind(models.TextChoices):
    AUTOSAVE = "autogem", "Gemt automatisk"
    SAVE = "gemt", "Gemt"
    FINAL = "endelig", "Gjort endelig"


class PpvRevision(models.Model):
    """One entry of a PPV's version history: who saved which sections when."""

    ppv = models.ForeignKey(Ppv, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField("gemt version")
    kind = models.CharField("type", max_length=10, choices=PpvRevisionKind.choices)
    changed = models.JSONField("ændrede afsnit", default=list, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("tidspunkt", default=timezone.now)

    class Meta:
        verbose_name = "PPV-historik"
        verbose_name_plural = "PPV-historik"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["ppv", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d.%m.%Y %H:%M}"

    @property
    def changed_labels(self) -> list[str]:
        return [PPV_SECTION_LABELS.get(name, name) for name in self.changed]


class PpvRecipientKind(models.TextChoices):
    GUARDIAN = "forælder", "Forældremyndighedsindehaver"
    LEADER = "leder", "Institutionens leder"


class PpvDispatch(models.Model):
    """A final PPV sent to one recipient: what (the version), to whom and when."""

    ppv = models.ForeignKey(Ppv, on_delete=models.PROTECT, related_name="dispatches")
    recipient_kind = models.CharField("modtager", max_length=10, choices=PpvRecipientKind.choices)
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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

    class Meta:
        verbose_name = "forsendelse af PPV"
        verbose_name_plural = "forsendelser af PPV"
        ordering = ["sent_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(guardian__isnull=False, recipient_user__isnull=True)
                | Q(guardian__isnull=True, recipient_user__isnull=False),
                name="ppv_dispatch_one_recipient",
                violation_error_message="En forsendelse har præcis én modtager.",
            ),
            models.UniqueConstraint(
                fields=["batch", "guardian"], name="ppv_dispatch_once_per_guardian"
            ),
            models.UniqueConstraint(
                fields=["batch", "recipient_user"], name="ppv_dispatch_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ppv} til {self.recipient_name}"
