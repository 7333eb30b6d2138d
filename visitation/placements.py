"""The placement verbs: a granted decision places the child in the offer (within its places per
school year, or over them only with the PPR leader's recorded override); each placement opens
a review deadline (reminders through the deadline outbox); the review records the child's
progress, a Børnelineal rating and the outcome, and a return to the general offer ends the
placement.

The offer row is locked while its places are counted, so two placements at once cannot both
take the last place. A review is keyed by the form's token, so a double submit saves one.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet

from cases.models import CaseStatus, RatingContext, RulerColour
from cases.ratings.services import rate_child
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.deadlines import calendar
from ppr.deadlines.models import DeadlineKind
from ppr.deadlines.services import meet_deadlines, open_deadline

from .models import (
    PURPOSE,
    Decision,
    DecisionOutcome,
    Offer,
    Placement,
    PlacementEndReason,
    PlacementReview,
    ReviewOutcome,
    school_year_bounds,
    school_year_label,
    school_year_of,
)
from .querysets import in_school_year
from .reassessment import review_deadline, review_months

REVIEW_KIND = DeadlineKind.OPFOELGNING


class CapacityExceeded(ValidationError):
    """Every place in the offer is taken in a school year the placement spans."""


# --- Capacity ----------------------------------------------------------------------------


def years_between(first: date, last: date) -> list[int]:
    return list(range(school_year_of(first), school_year_of(last) + 1))


@dataclass(frozen=True)
class YearCapacity:
    year: int
    places: int
    used: int

    @property
    def label(self) -> str:
        return school_year_label(self.year)

    @property
    def free(self) -> int:
        return max(self.places - self.used, 0)

    @property
    def over(self) -> int:
        return max(self.used - self.places, 0)

    @property
    def full(self) -> bool:
        return self.used >= self.places


def capacity(offer: Offer, years: list[int]) -> list[YearCapacity]:
    """Places used and free in each school year, counted in one query."""
    counts = Placement.objects.filter(offer=offer).aggregate(
        **{f"y{year}": Count("pk", filter=in_school_year(year)) for year in years}
    )
    return [YearCapacity(year, offer.places, counts[f"y{year}"]) for year in years]


def shown_years(today: date | None = None) -> list[int]:
    """The offer page shows this school year and the next two."""
    current = school_year_of(today or calendar.today())
    return [current, current + 1, current + 2]


def waiting_list(offer: Offer) -> "QuerySet[Decision]":
    """Granted decisions for the offer that have no placement yet, by decision date."""
    return Decision.objects.filter(
        offer=offer, outcome=DecisionOutcome.GRANTED, placement__isnull=True
    ).order_by("decided_on", "pk")


def capacity_message(offer: Offer, full: list[YearCapacity]) -> str:
    parts = [f"{y.label} ({y.used} af {y.places} pladser er besat)" for y in full]
    years = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]
    noun = "skoleåret" if len(parts) == 1 else "skoleårene"
    return (
        f"Der er ingen ledige pladser i {offer.name} i {noun} {years}. Barnet står på "
        "ventelisten. PPR-lederen kan placere barnet alligevel ved at skrive en begrundelse for "
        "at gå ud over kapaciteten."
    )


# --- Placing -----------------------------------------------------------------------------


def _review_title(placement: Placement) -> str:
    # Names the task and the offer, never the child (it goes into e-mails).
    return f"Revurdering af plads i specialtilbud: {placement.offer.name}"[:200]


def _open_review_deadline(placement: Placement, by: User | None) -> None:
    open_deadline(
        subject=placement,
        kind=REVIEW_KIND,
        due=max(placement.review_on, calendar.today()),
        responsible=placement.case.assigned,
        by=by,
        title=_review_title(placement),
    )


def place(*, decision: Decision, by: User, override_reason: str = "") -> Placement:
    """Place the child of a granted decision in its offer from its start until it is reviewed.

    Refused with ``CapacityExceeded`` when a school year of the period is full, unless the PPR
    leader gives ``override_reason`` (recorded on the placement and in the audit log). Twice
    is one placement."""
    if not by.has_perm("visitation.place"):
        raise PermissionDenied
    if decision.outcome != DecisionOutcome.GRANTED or decision.offer_id is None:
        raise ValidationError("Kun en bevilling kan give en plads i et tilbud.")
    assert decision.starts_on is not None and decision.review_on is not None  # a grant has both
    override_reason = override_reason.strip()
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=decision.offer_id)
        existing = Placement.objects.filter(decision=decision).first()
        if existing is not None:
            return existing
        application = decision.application
        full = [
            year
            for year in capacity(offer, years_between(decision.starts_on, decision.review_on))
            if year.full
        ]
        if full and not override_reason:
            raise CapacityExceeded({"override_reason": capacity_message(offer, full)})
        placement = Placement(
            child_id=application.child_id,
            case_id=application.case_id,
            offer=offer,
            decision=decision,
            starts_on=decision.starts_on,
            school_year=school_year_of(decision.starts_on),
            review_on=decision.review_on,
            over_capacity=bool(full),
            override_reason=override_reason if full else "",
            override_by=by if full else None,
            created_by=by,
        )
        placement.full_clean()
        placement.save()
        log_action(
            placement,
            AuditAction.CREATE,
            by=by,
            purpose="placering ud over kapaciteten" if full else PURPOSE,
        )
        _open_review_deadline(placement, by)
    return placement


def place_after_decision(decision: Decision, *, by: User) -> Placement | None:
    """A grant places the child at once when there is room; otherwise the child waits on the
    offer's waiting list (None) for a place or the leader's override."""
    try:
        with transaction.atomic():
            return place(decision=decision, by=by)
    except CapacityExceeded:
        return None


# --- The yearly reassessment -------------------------------------------------------------


def review_problems(
    *, outcome: str, progress: str, change_note: str, next_review_on: date | None, today: date
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not progress.strip():
        problems["progress"] = [
            "Beskriv barnets udvikling siden placeringen eller sidste revurdering."
        ]
    if outcome not in ReviewOutcome.values:
        problems["outcome"] = ["Vælg resultatet af revurderingen."]
    if outcome == ReviewOutcome.CHANGE and not change_note.strip():
        problems["change_note"] = ["Beskriv, hvad der skal ændres i støtten."]
    if outcome in (ReviewOutcome.CONTINUE, ReviewOutcome.CHANGE) and next_review_on is not None:
        latest = review_deadline(today)
        if next_review_on <= today:
            problems["next_review_on"] = ["Næste revurdering skal ligge efter i dag."]
        elif next_review_on > latest:
            problems["next_review_on"] = [
                f"Placeringen skal revurderes mindst hver {review_months()}. måned, dvs. senest "
                f"{latest:%d.%m.%Y}."
            ]
    return problems


def review_placement(
    *,
    placement: Placement,
    by: User,
    progress: str,
    colour: str,
    rationale: str,
    outcome: str,
    change_note: str = "",
    next_review_on: date | None = None,
    client_token: uuid.UUID | None = None,
) -> PlacementReview:
    """Record the reassessment: the child's progress, a Børnelineal rating (context: opfølgning)
    and the outcome. Continue or change sets the next review (at the latest
    ``review_months()`` on) and opens its deadline; a return to the general offer ends the
    placement. The current review deadline is met either way. Twice (same token) is once."""
    if not Placement.objects.reviewable_by(by).filter(pk=placement.pk).exists():
        raise PermissionDenied
    today = calendar.today()
    with transaction.atomic():
        locked: Placement = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("offer", "case", "child")
            .get(pk=placement.pk)
        )
        if client_token is not None:
            existing = PlacementReview.objects.filter(client_token=client_token).first()
            if existing is not None:
                return existing
        if not locked.is_active:
            raise ValidationError("Placeringen er afsluttet og kan ikke revurderes.")
        if outcome == ReviewOutcome.RETURN:
            next_review_on = None
        elif next_review_on is None:
            next_review_on = review_deadline(today)
        problems = review_problems(
            outcome=outcome,
            progress=progress,
            change_note=change_note,
            next_review_on=next_review_on,
            today=today,
        )
        if colour not in RulerColour.values:
            problems["colour"] = ["Vælg grøn, gul eller rød."]
        if not rationale.strip():
            problems["rationale"] = ["Skriv en kort begrundelse for farven."]
        if problems:
            raise ValidationError(problems)
        case = locked.case if locked.case.status == CaseStatus.OPEN else None
        rating = rate_child(
            child=locked.child,
            by=by,
            colour=colour,
            context=RatingContext.FOLLOW_UP,
            rationale=rationale,
            rated_on=today,
            case=case,
            client_token=client_token,
        )
        review = PlacementReview(
            placement=locked,
            reviewed_on=today,
            progress=progress.strip(),
            rating=rating,
            outcome=outcome,
            change_note=change_note.strip() if outcome == ReviewOutcome.CHANGE else "",
            next_review_on=next_review_on,
            reviewed_by=by,
            client_token=client_token,
        )
        review.full_clean()
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:  # pragma: no cover - the placement row is locked
            if client_token is None:
                raise
            return PlacementReview.objects.get(client_token=client_token)
        log_action(review, AuditAction.CREATE, by=by, purpose=PURPOSE)
        meet_deadlines(subject=locked, kind=REVIEW_KIND, by=by)
        if outcome == ReviewOutcome.RETURN:
            locked.ended_on = today
            locked.end_reason = PlacementEndReason.RETURNED
            locked.ended_by = by
            locked.save(update_fields=["ended_on", "end_reason", "ended_by"])
        else:
            assert next_review_on is not None
            locked.review_on = next_review_on
            locked.save(update_fields=["review_on"])
            _open_review_deadline(locked, by)
        log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    return review


def returned_count(year: int) -> int:
    """Children returned to the general offer from a special offer in the school year."""
    first, last = school_year_bounds(year)
    return Placement.objects.returned().filter(ended_on__gte=first, ended_on__lte=last).count()
