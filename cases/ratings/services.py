"""Domain verbs for the Børnelineal: rate a child, keep the open case's latest colour current."""

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.casework.services import latest_colour_of
from cases.models import (
    Case,
    CaseStatus,
    Child,
    RaterProfession,
    RatingContext,
    Referral,
    RulerColour,
    RulerRating,
    profession_of,
)
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action


def refresh_latest_colour(child: Child) -> None:
    """Copy the child's most recent rating (by date) onto its open case, for the case list."""
    Case.objects.filter(child=child, status=CaseStatus.OPEN).update(
        latest_colour=latest_colour_of(child)
    )


@transaction.atomic
def rate_child(
    *,
    child: Child,
    by: User,
    colour: str,
    context: str,
    rationale: str,
    rated_on: date | None = None,
    case: Case | None = None,
    referral: Referral | None = None,
    client_token: uuid.UUID | None = None,
    profession: str | None = None,
    forum_referral: Any = None,
) -> RulerRating:
    """Record one Børnelineal rating (grøn/gul/rød) with date, rater, the rater's profession
    (from their roles unless given: it is kept as it was when they rated), context and
    rationale. ``forum_referral`` is the TRIO henvisning the colour was given on."""
    if client_token is not None:
        existing = RulerRating.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    rated_on = rated_on or timezone.localdate()
    if colour not in RulerColour.values:
        raise ValidationError("Vælg grøn, gul eller rød.", code="colour")
    if context not in RatingContext.values:
        raise ValidationError("Vælg sammenhængen for vurderingen.", code="context")
    if not rationale.strip():
        raise ValidationError("Skriv en kort begrundelse.", code="rationale")
    if rated_on > timezone.localdate():
        raise ValidationError("Datoen kan ikke ligge i fremtiden.", code="future")
    profession = profession or profession_of(by)
    if profession not in RaterProfession.values:
        raise ValidationError("Vælg en faggruppe fra listen.", code="profession")
    if case is not None and case.child_id != child.pk:
        raise ValidationError("Sagen hører til et andet barn.", code="case")
    if case is not None and not case.is_open:
        raise ValidationError("Sagen er lukket.", code="closed")
    rating = RulerRating(
        child=child,
        colour=colour,
        rated_on=rated_on,
        rater=by,
        profession=profession,
        context=context,
        rationale=rationale.strip(),
        case=case,
        referral=referral,
        forum_referral=forum_referral,
        institution_id=child.institution_id,
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        if client_token is None:
            raise
        return RulerRating.objects.get(client_token=client_token)
    refresh_latest_colour(child)
    log_action(rating, AuditAction.CREATE, by=by, purpose="Børnelineal-vurdering", about=child)
    return rating
