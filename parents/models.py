"""A custody holder's login: the MitID identity behind a parent's user, found by keyed CPR hash."""

from django.conf import settings
from django.db import models
from stdnum.dk import cpr as stdnum_cpr

from cases.models import normalise_cpr
from ppr import crypto


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
