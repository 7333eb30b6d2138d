"""Domain verbs of tidlig opsporing: record an observation, and what it leads to."""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import (
    Child,
    EarlyObservation,
    ObservationFinding,
    ObservationKind,
    RaterProfession,
    Referral,
    RulerRating,
)
from cases.referrals import services as referral_services
from cases.rules import kinds_for
from ppr.accounts.models import Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.forms import check_plausible_date

PURPOSE = "tidlig opsporing"


def _profession(user: User, child: Child, kind: str) -> str:
    """The recorder's profession for this kind: the health visitor's screening, or the
    institution's leader or staff member."""
    if kind == ObservationKind.SCREENING:
        return RaterProfession.HEALTH_VISITOR
    if child.institution_id in user.institution_ids(Role.INSTITUTION_LEADER):
        return RaterProfession.INSTITUTION_LEADER
    return RaterProfession.STAFF


@transaction.atomic
def record_observation(
    *,
    child: Child,
    by: User,
    kind: str,
    finding: str,
    text: str,
    observed_on: date | None = None,
    client_token: uuid.UUID | None = None,
) -> EarlyObservation:
    """Record one dated early-detection observation of ``child`` by ``by`` (with their
    profession). Idempotent on ``client_token``: a double submit saves one row."""
    if client_token is not None:
        existing = EarlyObservation.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    allowed = kinds_for(by, child)
    if not allowed:
        raise PermissionDenied
    if kind not in allowed:
        raise ValidationError({"kind": "Vælg en type observation fra listen."})
    if finding not in ObservationFinding.values:
        raise ValidationError({"finding": "Vælg et resultat fra listen."})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Beskriv kort, hvad I har set."})
    observed_on = observed_on or timezone.localdate()
    try:
        check_plausible_date(observed_on, happened=True)
    except ValidationError as error:
        raise ValidationError({"observed_on": error.messages}) from error
    observation = EarlyObservation(
        child=child,
        observed_on=observed_on,
        kind=kind,
        finding=finding,
        text=text,
        recorded_by=by,
        profession=_profession(by, child, kind),
        institution_id=child.institution_id,
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            observation.save()
    except IntegrityError:
        if client_token is None:
            raise
        return EarlyObservation.objects.get(client_token=client_token)
    log_action(observation, AuditAction.CREATE, by=by, purpose=PURPOSE)
    return observation


def rating_rationale(observation: EarlyObservation) -> str:
    """The rationale a rating from the observation starts from (at most the rating's 500)."""
    head = (
        f"{observation.get_kind_display()} {observation.observed_on:%d.%m.%Y}: "
        f"{observation.get_finding_display().lower()}. "
    )
    return f"{head}{observation.text}"[:500]


@transaction.atomic
def link_rating(observation: EarlyObservation, rating: RulerRating, *, by: User) -> None:
    """The observation led to ``rating`` (given on the child's Børnelineal page from it)."""
    if rating.child_id != observation.child_id:
        raise ValidationError("Vurderingen hører til et andet barn.")
    EarlyObservation.objects.filter(pk=observation.pk).update(rating=rating)
    observation.rating = rating
    log_action(observation, AuditAction.UPDATE, by=by, purpose=PURPOSE)


def referral_concern(observation: EarlyObservation) -> str:
    return (
        f"Tidlig opsporing – {observation.get_kind_display().lower()} "
        f"{observation.observed_on:%d.%m.%Y} ({observation.get_finding_display().lower()}):\n"
        f"{observation.text}"
    )


@transaction.atomic
def refer_from_observation(observation: EarlyObservation, *, by: User) -> Referral:
    """Start an indstilling to PPR from the observation: a draft at the child's institution
    with the observation as the concern, linked back. Once per observation: a second press (or
    a double submit) opens the same draft."""
    locked = EarlyObservation.objects.select_for_update().get(pk=observation.pk)
    if locked.referral_id is not None:
        return Referral.objects.get(pk=locked.referral_id)
    child = observation.child
    referral = referral_services.create_draft(
        child=child, by=by, origin="Kladde oprettet fra tidlig opsporing"
    )
    referral = referral_services.save_draft(
        referral, by=by, data={"concern": referral_concern(observation)}, version=referral.version
    )
    locked.referral = referral
    locked.save(update_fields=["referral"])
    observation.referral = referral
    log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    return referral
