"""Tidlig opsporing: dated observations on a child (seed 004 §3.1–3.3), outside any case.

A health visitor's screening (§3.3 "en screeningsmodel mhp. tidlig opsporing i
Sundhedsplejen"), a daycare's BTU-skema (§3.2 "Udgangspunktet er BTU skemaerne") or
sprogvurdering, a school's or daycare's trivselsvurdering (§3.1 "Systematisk opsporing i
dagtilbud og skoler"). A child may have no case: the observation belongs to the child. It can
lead to a Børnelineal rating, an indstilling to PPR or a TRIO henvisning, and shows which."""

from datetime import date
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models.access import PARTNER_ROLES, partner_district_ids
from cases.models.children import Child
from cases.models.ratings import RaterProfession, RulerColour
from ppr import text_limits
from ppr.access import VisibleQuerySet
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES, Role
from ppr.audit.audited import Audited
from ppr.organisation.models import Institution
from ppr.text_limits import limited_text


class ObservationKind(models.TextChoices):
    """What kind of early-detection tool the observation comes from."""

    SCREENING = "screening", "Sundhedsplejens screening"
    LANGUAGE = "sprogvurdering", "Sprogvurdering"
    BTU = "btu", "BTU-skema (barnets trivsel og udvikling)"
    WELLBEING = "trivsel", "Trivselsvurdering"


#: The kinds a health visitor records (the health service's screening model, §3.3).
HEALTH_VISITOR_KINDS = (ObservationKind.SCREENING,)
#: The kinds a daycare's or school's staff record (the support models' systematic detection,
#: §3.1, and the dagpleje's BTU-based sparring, §3.2).
INSTITUTION_KINDS = (ObservationKind.LANGUAGE, ObservationKind.BTU, ObservationKind.WELLBEING)


class ObservationFinding(models.TextChoices):
    """The observation's result in three steps, the same for every kind."""

    NONE = "ingen", "Ingen bekymring"
    ATTENTION = "opmaerksomhed", "Opmærksomhed"
    CONCERN = "bekymring", "Bekymring"


#: The colour a rating from the observation starts from (the rater may choose another). An
#: observation alone does not identify a need for special support (rød, tertiær); "opmærksomhed"
#: keeps the child in the general offers with an eye on it (grøn, primær: "med henblik på tidlig
#: opsporing"); "bekymring" is a child "i risiko" that is not yet known (gul, sekundær).
SUGGESTED_COLOUR: dict[str, str] = {
    ObservationFinding.NONE: RulerColour.GROEN,
    ObservationFinding.ATTENTION: RulerColour.GROEN,
    ObservationFinding.CONCERN: RulerColour.GUL,
}


def observed_children(user: Any) -> "models.QuerySet[Child]":
    """The children whose early-detection observations ``user`` reads: the PPR leader every
    child; case workers their cases' children; the leader and staff of the child's institution;
    social workers and health visitors the children in their partner scope
    (``Child.objects.in_partner_scope``). Not the secretary (intake handles referrals, not
    screening findings), the administrator or parents. A restricted child (art. 18) is left out."""
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    if user.has_role(Role.PPR_LEADER):
        return Child.objects.without_restricted()
    condition = Q(pk__in=[])
    if user.has_role(*CASEWORKER_ROLES):
        condition |= Q(cases__assigned=user) | Q(cases__team_id__in=user.team_ids)
    institutions = user.institution_ids(*INSTITUTION_ROLES)
    if institutions:
        condition |= Q(institution_id__in=institutions)
    districts = partner_district_ids(user)
    if districts:
        condition |= Q(institution__district_id__in=districts)
    return Child.objects.filter(
        pk__in=Child.objects.filter(condition).values("pk")
    ).without_restricted()


def reads_observations(user: Any) -> bool:
    """Whether ``user``'s roles read observations at all (no query): where such a user sees a
    child (its page, its Børnelineal), they see its observations too."""
    return bool(
        user.is_authenticated
        and user.has_role(Role.PPR_LEADER, *CASEWORKER_ROLES, *INSTITUTION_ROLES, *PARTNER_ROLES)
    )


class ObservationQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """The observations of the children ``observed_children(user)`` names."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.PPR_LEADER):
            return self.all()
        return self.filter(child__in=observed_children(user).values("pk"))


class EarlyObservation(Audited, models.Model):
    """One dated early-detection observation of a child: kind, result, who recorded it (and
    their profession), and what it led to (a rating, an indstilling, a TRIO henvisning)."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="observations", verbose_name="barn"
    )
    observed_on = models.DateField("dato", default=date.today)
    kind = models.CharField("type", max_length=20, choices=ObservationKind.choices)
    finding = models.CharField("resultat", max_length=20, choices=ObservationFinding.choices)
    text = limited_text("fund og beskrivelse", limit=text_limits.NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="registreret af",
    )
    profession = models.CharField(
        "faggruppe",
        max_length=20,
        choices=RaterProfession.choices,
        default=RaterProfession.OTHER,
        help_text="Den registrerendes faggruppe, da observationen blev registreret.",
    )
    # The child's institution when observed: the leader's overview lists by it.
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name="institution"
    )
    # What the observation led to. SET_NULL: an unfinished referral draft expires and is
    # deleted (DOMAIN.md step 3); the observation stays.
    rating = models.ForeignKey(
        "RulerRating",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name="Børnelineal-vurdering",
    )
    referral = models.ForeignKey(
        "Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name="indstilling",
    )
    forum_referral = models.ForeignKey(
        "meetings.ForumReferral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name="henvisning",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Idempotency key from the form: a double submit saves one row.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = "observation (tidlig opsporing)"
        verbose_name_plural = "observationer (tidlig opsporing)"
        ordering = ["-observed_on", "-created_at"]
        indexes = [
            models.Index(fields=["child", "-observed_on"], name="observation_child_idx"),
            # The leader's overview: an institution's recent observations by result.
            models.Index(
                fields=["institution", "finding", "-observed_on"], name="observation_inst_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.observed_on:%d.%m.%Y}"

    @property
    def suggested_colour(self) -> str:
        return SUGGESTED_COLOUR[self.finding]

    @property
    def led_to_anything(self) -> bool:
        return bool(self.rating_id or self.referral_id or self.forum_referral_id)

    audit_child = "child_id"
    audit_institution = "institution_id"
