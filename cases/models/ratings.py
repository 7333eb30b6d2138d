"""Børnelineal: its colours and the ratings of a child."""

from datetime import date
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models.access import partner_district_ids, sees_all_cases
from cases.models.children import Child
from ppr.access import VisibleQuerySet
from ppr.accounts.models import Role
from ppr.audit.audited import Audited
from ppr.organisation.models import Institution


class RatingQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Børnelineal ratings: PPR leader/secretary all; case workers for their cases' children;
        institution leaders for the children of their institution; social workers and health
        visitors for the children in their partner scope (``Child.objects.in_partner_scope``)."""
        if not user.is_authenticated:
            return self.none()
        if sees_all_cases(user):
            return self.all()
        children = Child.objects.visible_to(user).values("pk")
        if partner_district_ids(user):
            return self.filter(
                Q(child__in=children)
                | Q(child__in=Child.objects.in_partner_scope(user).values("pk"))
            )
        return self.filter(child__in=children)


class RulerColour(models.TextChoices):
    """Børnelineal colours; each maps 1:1 to a prevention level."""

    GROEN = "groen", "Grøn (primær forebyggelse)"
    GUL = "gul", "Gul (sekundær forebyggelse)"
    ROED = "roed", "Rød (tertiær forebyggelse)"


class RatingContext(models.TextChoices):
    REFERRAL = "indstilling", "Indstilling"
    MEETING = "moede", "Møde"
    FOLLOW_UP = "opfoelgning", "Opfølgning"
    CASE = "sag", "Sagsbehandling"
    TRIO_REFERRAL = "trio", "TRIO-henvisning"
    SCREENING = "screening", "Sundhedsplejens screening"
    EARLY_DETECTION = "opsporing", "Tidlig opsporing (observation)"
    PARTNER = "tvaerfagligt", "Tværfagligt samarbejde"


class RaterProfession(models.TextChoices):
    """The rater's profession at the time of rating (seed 004 §3: the Børnelineal is used
    across professions). The values are the roles' values."""

    PSYCHOLOGIST = Role.PSYCHOLOGIST.value, "PPR-psykolog"
    SPEECH_THERAPIST = Role.SPEECH_THERAPIST.value, "Talepædagog"
    PPR_CONSULTANT = Role.PPR_CONSULTANT.value, "PPR-konsulent"
    PPR_LEADER = Role.PPR_LEADER.value, "PPR-leder"
    SOCIAL_WORKER = Role.SOCIAL_WORKER.value, "Socialrådgiver"
    HEALTH_VISITOR = Role.HEALTH_VISITOR.value, "Sundhedsplejerske"
    INSTITUTION_LEADER = Role.INSTITUTION_LEADER.value, "Institutionsleder"
    STAFF = Role.STAFF.value, "Pædagogisk personale / lærer"
    OTHER = "anden", "Anden"


#: Which of a user's roles names their profession on a rating, most specific first.
PROFESSION_ORDER: tuple[str, ...] = tuple(
    p.value for p in RaterProfession if p != RaterProfession.OTHER
)


def profession_of(user: Any) -> str:
    """The profession a rating by ``user`` names: their first role in ``PROFESSION_ORDER``."""
    roles = user.roles
    for profession in PROFESSION_ORDER:
        if profession in roles:
            return profession
    return RaterProfession.OTHER


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
    profession = models.CharField(
        "faggruppe",
        max_length=20,
        choices=RaterProfession.choices,
        default=RaterProfession.OTHER,
        help_text="Den vurderendes faggruppe, da vurderingen blev givet.",
    )
    context = models.CharField("sammenhæng", max_length=20, choices=RatingContext.choices)
    rationale = models.CharField("begrundelse", max_length=500)
    case = models.ForeignKey(
        "Case", on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    referral = models.ForeignKey(
        "Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    # The TRIO henvisning whose colour this is (context "trio").
    forum_referral = models.ForeignKey(
        "meetings.ForumReferral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name="henvisning",
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
            models.Index(fields=["child", "profession", "-rated_on"], name="rating_child_prof_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} {self.rated_on:%d.%m.%Y}"

    audit_child = "child_id"
    audit_institution = "institution_id"
