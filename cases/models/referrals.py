"""Referrals (indstillinger) to PPR, their timeline and their attachments."""

import uuid
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models.access import OnCaseQuerySet, on_their_cases, sees_all_cases
from cases.models.children import Child
from cases.models.ratings import RulerColour
from ppr import text_limits
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES
from ppr.audit.audited import Audited
from ppr.organisation.models import Institution
from ppr.text_limits import limited_text


class ReferralQuerySet[M: models.Model](OnCaseQuerySet[M]):
    def _visible(self, user: Any, case: Any) -> Self:
        """Institutions see their own referrals (staff: drafts too); PPR sees submitted ones
        (case workers: those of their cases). PPR intake also sees the drafts of parents' own
        requests, which it records itself.

        A parents' own request (a forældreindstilling from the portal, or one PPR intake records)
        is addressed to PPR, not to the child's school or daycare: it is filed under the child's
        institution for statistics, but that institution's staff never see it; only PPR's roles
        do, and PPR involves the institution through the case if the parents consent."""
        if not user.is_authenticated:
            return self.none()
        condition = Q(pk__in=[])
        if sees_all_cases(user):
            condition |= ~Q(status=ReferralStatus.DRAFT) | Q(parent_request=True)
        elif user.has_role(*CASEWORKER_ROLES):
            condition |= ~Q(status=ReferralStatus.DRAFT) & on_their_cases(user, case)
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= institutions_own(institutions)
        return self.filter(condition)


def institutions_own(institution_ids: Any) -> Q:
    """The referrals an institution sees as its own: those filed under it, except the parents'
    own requests to PPR (see ``ReferralQuerySet._visible``)."""
    return Q(institution_id__in=institution_ids, parent_request=False)


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
