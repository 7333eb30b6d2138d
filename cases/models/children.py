"""Children, their guardians and their consent; the checks of a CPR number."""

from datetime import date
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError as StdnumError

from cases.models.access import partner_district_ids, sees_all_cases
from ppr import crypto, text_limits
from ppr.access import VisibleQuerySet
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES
from ppr.audit.audited import Audited
from ppr.confirm import can_still_undo
from ppr.organisation.models import Institution
from ppr.text_limits import limited_text

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


class ChildQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """PPR sees children with a case or a submitted referral (leader/secretary: all);
        institution leaders and staff see the children of their institution."""
        if not user.is_authenticated:
            return self.none()
        if sees_all_cases(user):
            return self.all()
        condition = Q(pk__in=[])
        if user.has_role(*CASEWORKER_ROLES):
            condition |= Q(cases__assigned=user) | Q(cases__team_id__in=user.team_ids)
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(institution_id__in=institutions)
        return self.filter(pk__in=self.model._default_manager.filter(condition).values("pk"))

    def in_partner_scope(self, user: Any) -> Self:
        """Children a social worker or health visitor rates and observes (seed 004 §3, §3.3):
        those at the institutions of the districts of their partner memberships. Not part of
        ``visible_to``: it opens the rating history and the early-detection observations,
        never the guardians, consents, referrals or cases."""
        districts = partner_district_ids(user)
        if not districts:
            return self.none()
        return self.filter(institution__district_id__in=districts)

    def with_cpr(self, value: str) -> Self:
        """The child with this CPR number, hashed under any configured key (see ppr/crypto.py)."""
        return self.filter(cpr_hash__in=Child.hashes_for(value))


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


class GuardianQuerySet(models.QuerySet["Guardian"]):
    def with_cpr(self, value: str) -> Self:
        """The guardians (one per child) with this CPR number, under any configured key."""
        return self.filter(cpr_hash__in=Guardian.hashes_for(value))

    def with_cpr_hashes(self, hashes: list[str]) -> Self:
        """The guardians stored with any of these keyed hashes (a parent's, ppr/crypto.py)."""
        return self.filter(cpr_hash__in=[h for h in hashes if h])

    def holding_custody(self, on: date | None = None) -> Self:
        """Guardians with forældremyndighed on ``on`` (today): custody recorded and not ended
        on or before that day. A parent whose custody ended sees nothing new from that date."""
        day = on or timezone.localdate()
        return self.filter(has_custody=True).filter(
            Q(custody_ended_on__isnull=True) | Q(custody_ended_on__gt=day)
        )


class Guardian(models.Model):
    """A parent or other adult around the child; ``has_custody`` marks forældremyndighed.

    The CPR number is optional and stored like the child's (encrypted, with a keyed hash for
    lookup): it is how a custody holder who signs in with MitID is matched to the child."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="guardians", verbose_name="barn"
    )
    name = models.CharField("navn", max_length=200)
    relation = models.CharField("relation", max_length=10, choices=GuardianRelation.choices)
    has_custody = models.BooleanField("forældremyndighed", default=True)
    custody_ended_on = models.DateField(
        "forældremyndighed ophørt den",
        null=True,
        blank=True,
        help_text="Tom, så længe forælderen har forældremyndighed.",
    )
    phone = models.CharField("telefon", max_length=30, blank=True)
    email = models.EmailField("e-mail", blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    name_address_protected = models.BooleanField(
        "navne- og adressebeskyttelse",
        default=False,
        help_text="Forælderens adresse vises aldrig for den anden forælder og skrives aldrig på "
        "noget, den anden forælder modtager.",
    )
    cpr_encrypted = models.TextField(editable=False, blank=True, default="")
    # Not unique: the same person is a guardian row on each of their children.
    cpr_hash = models.CharField(max_length=64, editable=False, blank=True, default="")

    objects = GuardianQuerySet.as_manager()

    class Meta:
        verbose_name = "forælder/værge"
        verbose_name_plural = "forældre/værger"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["cpr_hash"], name="guardian_cpr_hash", condition=~Q(cpr_hash=""))
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"

    def set_cpr(self, value: str) -> None:
        """Store the CPR number encrypted and hashed with the newest key; "" removes it."""
        if not value.strip():
            self.cpr_encrypted = self.cpr_hash = ""
            return
        number = normalise_cpr(value)
        self.cpr_encrypted = crypto.encrypt(number)
        self.cpr_hash = crypto.lookup_hash(number)

    @property
    def has_cpr(self) -> bool:
        return bool(self.cpr_hash)

    @property
    def cpr(self) -> str:
        """The full CPR number ("" if not recorded). Never shown in lists, URLs or logs."""
        return stdnum_cpr.format(crypto.decrypt(self.cpr_encrypted)) if self.cpr_encrypted else ""

    @classmethod
    def hashes_for(cls, value: str) -> list[str]:
        """The hashes a guardian with this CPR number may be stored with, one per key."""
        return crypto.lookup_hashes(normalise_cpr(value))

    def rekey(self) -> bool:
        """Encrypt and hash the CPR number with the newest key; False if it already was."""
        if not self.cpr_encrypted or crypto.is_current(self.cpr_encrypted):
            return False
        self.set_cpr(crypto.decrypt(self.cpr_encrypted))
        return True

    @property
    def holds_custody(self) -> bool:
        """Custody today (``GuardianQuerySet.holding_custody`` for a queryset)."""
        ended = self.custody_ended_on
        return self.has_custody and (ended is None or ended > timezone.localdate())


class ConsentScope(models.TextChoices):
    REFERRAL = "indstilling", "Indstilling til PPR"
    MEETING = "moede", "Drøftelse på et navngivet møde"
    COURSE = "forloeb", "Deltagelse i et forløb"


class ConsentForm(models.TextChoices):
    WRITTEN = "skriftligt", "Skriftligt"
    ORAL = "mundtligt", "Mundtligt"
    #: Given by the custody holder in the parents' portal, signed in with MitID; only the
    #: portal records it (parents/consent.py), with the text the parent accepted.
    DIGITAL = "mitid", "Digitalt via MitID"


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
    text = limited_text(
        "samtykketekst",
        limit=text_limits.NOTE,
        blank=True,
        default="",
        help_text="Ordret den tekst, forælderen læste og gav samtykke til (digitalt samtykke).",
    )

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
