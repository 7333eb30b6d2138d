"""Børnelineal ratings: the history per child and the open case's latest colour."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cases.models import CaseStatus, RulerRating
from cases.ratings.services import rate_child
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.factories import CaseFactory, ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return CaseFactory(
        child=ChildFactory(institution=cast.school), assigned=cast.psychologist, team=cast.team_vest
    )


def test_rate_child_records_colour_date_rater_context_rationale_and_institution(cast, case):
    rating = rate_child(
        child=case.child,
        by=cast.psychologist,
        colour="gul",
        context="sag",
        rationale="Faldende trivsel.",
        rated_on=date(2026, 2, 1),
        case=case,
    )
    assert (rating.colour, rating.rated_on, rating.rater, rating.context, rating.institution) == (
        "gul",
        date(2026, 2, 1),
        cast.psychologist,
        "sag",
        cast.school,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(rating.pk), child_id=case.child_id
    ).exists()


def test_rating_updates_the_open_cases_latest_colour(cast, case):
    rate_child(
        child=case.child,
        by=cast.psychologist,
        colour="roed",
        context="sag",
        rationale="x",
        case=case,
    )
    case.refresh_from_db()
    assert case.latest_colour == "roed"


def test_a_back_dated_rating_does_not_replace_a_newer_colour(cast, case):
    rate_child(
        child=case.child,
        by=cast.psychologist,
        colour="gul",
        context="sag",
        rationale="x",
        rated_on=date.today(),
    )
    rate_child(
        child=case.child,
        by=cast.psychologist,
        colour="roed",
        context="sag",
        rationale="x",
        rated_on=date.today() - timedelta(days=30),
    )
    case.refresh_from_db()
    assert case.latest_colour == "gul"


def test_the_same_client_token_twice_saves_one_rating(cast, case):
    token = uuid.uuid4()
    for _ in range(2):
        rate_child(
            child=case.child,
            by=cast.psychologist,
            colour="gul",
            context="sag",
            rationale="x",
            client_token=token,
        )
    assert RulerRating.objects.filter(child=case.child).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "blaa"}, "grøn, gul eller rød"),
        ({"context": "x"}, "sammenhængen"),
        ({"rationale": "  "}, "begrundelse"),
        ({"rated_on": date.today() + timedelta(days=1)}, "fremtiden"),
    ],
)
def test_bad_ratings_are_refused_and_nothing_is_saved(cast, case, changes, message):
    data = {"colour": "gul", "context": "sag", "rationale": "x", "rated_on": date.today()} | changes
    with pytest.raises(ValidationError, match=message):
        rate_child(child=case.child, by=cast.psychologist, case=case, **data)
    assert not RulerRating.objects.exists()
    case.refresh_from_db()
    assert case.latest_colour == ""


def test_a_closed_case_takes_no_rating(cast, case):
    case.status, case.outcome = CaseStatus.CLOSED, "flyttet"
    case.save()
    with pytest.raises(ValidationError, match="lukket"):
        rate_child(
            child=case.child,
            by=cast.psychologist,
            colour="gul",
            context="sag",
            rationale="x",
            case=case,
        )
