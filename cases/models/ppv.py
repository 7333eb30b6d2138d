"""The PPV (pædagogisk psykologisk vurdering): its versions, history and dispatch."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models.access import CaseContentQuerySet
from cases.models.casework import Case
from cases.models.children import Guardian
from ppr import text_limits
from ppr.accounts.models import Role
from ppr.audit.audited import Audited
from ppr.text_limits import limited_text


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
    # The custody holder's Digital Post message (none: sent by letter, or to a leader).
    digital_post = models.OneToOneField(
        "digitalpost.DigitalPostMessage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Digital Post",
    )

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
