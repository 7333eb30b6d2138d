"""Placement and capacity, and the yearly reassessment: a grant places the child when there is
room, else the child waits (ordered by decision date) until a place frees or the PPR leader
overrides with a reason (audited); every placement has a review deadline, reminded exactly
once through the outbox; the review records progress, a Børnelineal rating and the outcome,
and a return to the general offer ends the placement and is counted."""

import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import RatingContext, RulerRating
from ppr.audit.models import AuditEvent
from ppr.deadlines import calendar, tasks
from ppr.deadlines.models import Deadline, DeadlineState, Notification, Reminder
from visitation import placements, services
from visitation.models import (
    Placement,
    PlacementEndReason,
    PlacementReview,
    ReviewOutcome,
    school_year_of,
)

from .factories import offer
from .placement_factories import granted, other_grant

pytestmark = pytest.mark.django_db

PROGRESS = "Åse deltager nu i fire lektioner om dagen og har fået to faste venner i klassen."


def _start() -> date:
    return calendar.today() + timedelta(days=30)


def _full_offer(cast):
    """An offer with one place, taken by another child from the same start."""
    chosen = offer(cast, places=1)
    placements.place(decision=other_grant(cast, chosen, _start()), by=cast.ppr_leader)
    return chosen


def test_a_grant_places_the_child_and_opens_the_review_deadline(cast):
    chosen = offer(cast)
    start = _start()
    decision = granted(cast, chosen, start)
    placement = Placement.objects.get(decision=decision)
    assert (placement.offer, placement.child, placement.case) == (
        chosen,
        decision.application.child,
        decision.application.case,
    )
    assert (placement.starts_on, placement.review_on) == (start, decision.review_on)
    assert placement.school_year == school_year_of(start)
    assert not placement.over_capacity and placement.is_active
    deadline = Deadline.objects.for_subject(placement).get()
    assert (deadline.kind, deadline.due, deadline.responsible, deadline.state) == (
        "opfoelgning",
        decision.review_on,
        cast.psychologist,
        DeadlineState.OPEN,
    )
    assert deadline.title == "Revurdering af plads i specialtilbud: Kastanjeklassen"
    assert deadline.link == f"/visitation/placering/{placement.pk}/revurdering/"
    assert AuditEvent.objects.filter(
        action="create", object_type="visitation.Placement", object_id=str(placement.pk)
    ).exists()
    # Placing the same decision again is the same placement.
    assert placements.place(decision=decision, by=cast.ppr_leader) == placement
    assert Placement.objects.count() == 1


def test_a_full_offer_refuses_the_placement_in_danish_and_the_child_waits(cast):
    chosen = _full_offer(cast)
    decision = granted(cast, chosen, _start())
    assert not Placement.objects.filter(decision=decision).exists()
    assert list(placements.waiting_list(chosen)) == [decision]
    year = school_year_of(_start())
    first, second = (f"{y}/{str(y + 1)[-2:]}" for y in (year, year + 1))
    with pytest.raises(placements.CapacityExceeded) as refused:
        placements.place(decision=decision, by=cast.ppr_leader)
    # The period runs until the first review, a year on: both school years are full.
    assert refused.value.message_dict["override_reason"] == [
        f"Der er ingen ledige pladser i Kastanjeklassen i skoleårene {first} (1 af 1 pladser er "
        f"besat) og {second} (1 af 1 pladser er besat). Barnet står på ventelisten. PPR-lederen "
        "kan placere barnet alligevel ved at skrive en begrundelse for at gå ud over kapaciteten."
    ]
    assert Placement.objects.count() == 1
    assert placements.capacity(chosen, [year]) == [placements.YearCapacity(year, 1, 1)]


def test_the_leader_places_over_capacity_only_with_a_reason_which_is_audited(cast):
    chosen = _full_offer(cast)
    decision = granted(cast, chosen, _start())
    with pytest.raises(PermissionDenied):
        placements.place(decision=decision, by=cast.psychologist, override_reason="Akut.")
    placement = placements.place(
        decision=decision, by=cast.ppr_leader, override_reason="Akut behov; ny plads fra marts."
    )
    assert placement.over_capacity
    assert placement.override_by == cast.ppr_leader
    assert placement.override_reason == "Akut behov; ny plads fra marts."
    assert AuditEvent.objects.filter(
        object_type="visitation.Placement",
        object_id=str(placement.pk),
        purpose="placering ud over kapaciteten",
    ).exists()
    year = school_year_of(_start())
    [first] = placements.capacity(chosen, [year])
    assert (first.used, first.free, first.over) == (2, 0, 1)
    assert list(placements.waiting_list(chosen)) == []


def test_the_waiting_list_is_ordered_by_decision_date(cast):
    chosen = _full_offer(cast)
    later = other_grant(cast, chosen, _start())
    earlier = other_grant(cast, chosen, _start())
    earlier.decided_on = later.decided_on - timedelta(days=3)
    earlier.save()
    assert list(placements.waiting_list(chosen)) == [earlier, later]


def test_a_place_counts_only_in_the_school_years_it_spans(cast):
    chosen = offer(cast, places=1)
    placement = placements.place(decision=other_grant(cast, chosen, _start()), by=cast.ppr_leader)
    year = school_year_of(_start())
    Placement.objects.filter(pk=placement.pk).update(
        ended_on=date(year + 1, 7, 31), end_reason=PlacementEndReason.RETURNED
    )
    counts = [(c.year, c.used) for c in placements.capacity(chosen, [year - 1, year, year + 1])]
    assert counts == [(year - 1, 0), (year, 1), (year + 1, 0)]
    # A grant starting in the next school year gets the freed place.
    next_year = date(year + 1, 8, 10)
    assert placements.place(decision=other_grant(cast, chosen, next_year), by=cast.ppr_leader)


def _placed(cast):
    return Placement.objects.get(decision=granted(cast, offer(cast), _start()))


def test_a_review_that_continues_sets_the_next_review_and_its_deadline(cast):
    placement = _placed(cast)
    review = placements.review_placement(
        placement=placement,
        by=cast.psychologist,
        progress=PROGRESS,
        colour="gul",
        rationale="Trives, men har stadig brug for den lille gruppe.",
        outcome=ReviewOutcome.CONTINUE,
    )
    today = calendar.today()
    assert review.next_review_on == today.replace(year=today.year + 1)
    rating = review.rating
    assert (rating.colour, rating.rater, rating.context, rating.child) == (
        "gul",
        cast.psychologist,
        RatingContext.FOLLOW_UP,
        placement.child,
    )
    placement.refresh_from_db()
    assert placement.is_active and placement.review_on == review.next_review_on
    deadlines = Deadline.objects.for_subject(placement).order_by("pk")
    assert [(d.state, d.due) for d in deadlines] == [
        (DeadlineState.MET, deadlines[0].due),
        (DeadlineState.OPEN, review.next_review_on),
    ]


def test_a_change_must_say_what_changes_and_a_refused_review_saves_nothing(cast):
    placement = _placed(cast)
    with pytest.raises(ValidationError) as refused:
        placements.review_placement(
            placement=placement,
            by=cast.psychologist,
            progress="",
            colour="gul",
            rationale="Begrundelse.",
            outcome=ReviewOutcome.CHANGE,
        )
    assert refused.value.message_dict == {
        "progress": ["Beskriv barnets udvikling siden placeringen eller sidste revurdering."],
        "change_note": ["Beskriv, hvad der skal ændres i støtten."],
    }
    assert not PlacementReview.objects.exists()
    assert not RulerRating.objects.exists()


def test_the_next_review_may_be_at_most_the_configured_months_away(cast, settings):
    settings.PPR_VISITATION_REVIEW_MONTHS = 6
    placement = _placed(cast)
    today = calendar.today()
    latest = calendar.add_months(today, 6)
    with pytest.raises(ValidationError) as refused:
        placements.review_placement(
            placement=placement,
            by=cast.ppr_leader,
            progress=PROGRESS,
            colour="groen",
            rationale="Klarer sig.",
            outcome=ReviewOutcome.CHANGE,
            change_note="Færre timer i gruppen.",
            next_review_on=latest + timedelta(days=1),
        )
    assert refused.value.message_dict["next_review_on"] == [
        f"Placeringen skal revurderes mindst hver 6. måned, dvs. senest {latest:%d.%m.%Y}."
    ]


def test_the_decision_review_date_follows_the_setting(cast, settings):
    settings.PPR_VISITATION_REVIEW_MONTHS = 6
    decision = granted(cast, offer(cast), _start())
    assert decision.review_on == calendar.add_months(_start(), 6)


def test_a_return_to_the_general_offer_ends_the_placement_and_is_counted(cast):
    placement = _placed(cast)
    review = placements.review_placement(
        placement=placement,
        by=cast.psychologist,
        progress=PROGRESS,
        colour="groen",
        rationale="Klarer sig i almenklassen med let støtte.",
        outcome=ReviewOutcome.RETURN,
        next_review_on=calendar.today() + timedelta(days=40),  # ignored: nothing to review
    )
    assert review.next_review_on is None
    placement.refresh_from_db()
    assert not placement.is_active
    assert (placement.ended_on, placement.end_reason, placement.ended_by) == (
        calendar.today(),
        PlacementEndReason.RETURNED,
        cast.psychologist,
    )
    assert not Deadline.objects.for_subject(placement).outstanding().exists()
    assert placements.returned_count(school_year_of(calendar.today())) == 1
    with pytest.raises(ValidationError):
        placements.review_placement(
            placement=placement,
            by=cast.psychologist,
            progress=PROGRESS,
            colour="groen",
            rationale="Igen.",
            outcome=ReviewOutcome.CONTINUE,
        )


def test_a_review_submitted_twice_is_saved_once(cast):
    placement = _placed(cast)
    token = uuid.uuid4()
    values = {
        "placement": placement,
        "by": cast.psychologist,
        "progress": PROGRESS,
        "colour": "gul",
        "rationale": "Stadig behov.",
        "outcome": ReviewOutcome.CONTINUE,
        "client_token": token,
    }
    first = placements.review_placement(**values)
    second = placements.review_placement(**values)
    assert first == second
    assert PlacementReview.objects.count() == 1 and RulerRating.objects.count() == 1


@pytest.mark.parametrize("role", ["school_leader", "secretary", "teacher"])
def test_only_ppr_on_the_case_reviews(cast, role):
    placement = _placed(cast)
    with pytest.raises(PermissionDenied):
        placements.review_placement(
            placement=placement,
            by=getattr(cast, role),
            progress=PROGRESS,
            colour="gul",
            rationale="x",
            outcome=ReviewOutcome.CONTINUE,
        )


def test_the_review_deadline_reminds_exactly_once_when_the_sweep_task_runs_twice(
    cast, django_capture_on_commit_callbacks
):
    placement = _placed(cast)
    with time_machine.travel(placement.review_on - timedelta(days=1), tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                tasks.sweep.apply()
    reminder = Reminder.objects.get()
    assert reminder.deadline.subject == placement
    [notification] = Notification.objects.all()
    assert notification.recipient == cast.psychologist
    assert notification.message.startswith(
        "Frist nærmer sig: Revurdering af plads i specialtilbud: Kastanjeklassen"
    )
    assert "Åse" not in notification.message
    assert [m.to for m in mail.outbox] == [[cast.psychologist.email]]


def test_the_decision_letter_and_the_placement_are_made_in_one_go(cast):
    """The grant's placement does not disturb the decision itself (one decision, one letter)."""
    decision = granted(cast, offer(cast), _start())
    assert services.letter(decision) is not None
    assert Placement.objects.filter(decision=decision).count() == 1
