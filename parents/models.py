"""A custody holder's login: the MitID identity behind a parent's user, found by keyed CPR hash."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from stdnum.dk import cpr as stdnum_cpr

from cases.models import normalise_cpr
from ppr import crypto, text_limits
from ppr.audit.audited import Audited
from ppr.text_limits import limited_text


class AssuranceLevel(models.TextChoices):
    """NSIS assurance levels (the ``loa`` claim, INTEGRATIONS.md §2)."""

    LOW = "low", "Lav"
    SUBSTANTIAL = "substantial", "Betydelig"
    HIGH = "high", "Høj"


class ParentIdentity(models.Model):
    """A parent's MitID identity: the user a custody holder signs in as, and their CPR number
    (encrypted, with a keyed hash) by which their children are found among the guardians."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="parent_identity",
        verbose_name="bruger",
    )
    cpr_encrypted = models.TextField(editable=False)
    cpr_hash = models.CharField(max_length=64, unique=True, editable=False)
    assurance_level = models.CharField(
        "sikringsniveau", max_length=20, choices=AssuranceLevel.choices, blank=True
    )
    last_mitid_login = models.DateTimeField("sidste MitID-login", null=True, blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    class Meta:
        verbose_name = "forælders MitID-identitet"
        verbose_name_plural = "forældres MitID-identiteter"

    def __str__(self) -> str:
        return str(self.user)

    def set_cpr(self, value: str) -> None:
        number = normalise_cpr(value)
        self.cpr_encrypted = crypto.encrypt(number)
        self.cpr_hash = crypto.lookup_hash(number)

    @property
    def cpr(self) -> str:
        """The full CPR number. Never shown to anyone, in a URL or in a log."""
        return stdnum_cpr.format(crypto.decrypt(self.cpr_encrypted))

    def lookup_hashes(self) -> list[str]:
        """The parent's CPR hash under every configured key, newest first: what a guardian row
        written before a key rotation is still stored with."""
        return crypto.lookup_hashes(crypto.decrypt(self.cpr_encrypted))

    @classmethod
    def with_cpr(cls, value: str) -> "models.QuerySet[ParentIdentity]":
        return cls.objects.filter(cpr_hash__in=crypto.lookup_hashes(normalise_cpr(value)))


class PerspectiveInvitation(Audited, models.Model):
    """A custody holder invited by the institution's leader to write the parents' perspective
    into a draft referral. The parent sees only this section; the text is theirs, saved as they
    type, sent when they say so, and read-only once the referral has been sent to PPR."""

    referral = models.ForeignKey(
        "cases.Referral",
        on_delete=models.CASCADE,
        related_name="perspective_invitations",
        verbose_name="indstilling",
    )
    guardian = models.ForeignKey(
        "cases.Guardian",
        on_delete=models.CASCADE,
        related_name="perspective_invitations",
        verbose_name="forælder",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="inviteret af",
    )
    invited_at = models.DateTimeField("inviteret", default=timezone.now)
    text = limited_text("forældrenes perspektiv", blank=True, limit=text_limits.SECTION)
    saved_at = models.DateTimeField("senest gemt", null=True, blank=True)
    answered_at = models.DateTimeField("besvaret", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="besvaret af",
    )
    # No lost work: a save from an older version (another tab) is a conflict, not an overwrite.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "invitation til forældrenes perspektiv"
        verbose_name_plural = "invitationer til forældrenes perspektiv"
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "guardian"],
                name="parents_one_invitation_per_guardian",
                violation_error_message="Forælderen er allerede inviteret.",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation til {self.guardian.name}"

    def get_absolute_url(self) -> str:
        return reverse("parents:perspective", kwargs={"pk": self.pk})

    audit_child = "referral.child_id"
    audit_institution = "referral.institution_id"


class ParentReferral(models.Model):
    """A forældreindstilling: the referral a custody holder sent of their own child through the
    portal. The form's token makes a double submit send one referral."""

    referral = models.OneToOneField(
        "cases.Referral",
        on_delete=models.CASCADE,
        related_name="parent_submission",
        verbose_name="indstilling",
    )
    guardian = models.ForeignKey(
        "cases.Guardian", on_delete=models.PROTECT, related_name="+", verbose_name="forælder"
    )
    client_token = models.UUIDField(unique=True, editable=False)

    class Meta:
        verbose_name = "forældreindstilling"
        verbose_name_plural = "forældreindstillinger"

    def __str__(self) -> str:
        return f"Forældreindstilling nr. {self.referral_id}"
