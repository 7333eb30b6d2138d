"""Follow-up (pejlemærke 3): planned dates are deadlines; at each, a note, each goal met / partly /
not, and a Børnelineal rating in the follow-up context, so the case shows before and after."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import RatingContext, RulerRating
from indsatser import services
from indsatser.models import CourseGoal, FollowUpStatus, GoalAssessment
from ppr.deadlines.models import Deadline, DeadlineState
from tests.cases.factories import RulerRatingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def goals(course):
    return [
        CourseGoal.objects.create(
            course=course, text="Alma deltager i frikvartererne tre dage om ugen.", order=0
        ),
        CourseGoal.objects.create(
            course=course, text="Alma fortæller selv, at hun har en ven i klassen.", order=1
        ),
    ]


@pytest.fixture
def planned(cast, course, goals, today):
    return services.plan_follow_up(
        course=course, planned_on=date(2026, 3, 18), by=cast.psychologist
    )


def test_planning_a_follow_up_opens_a_deadline_for_the_responsible(cast, planned) -> None:
    deadline = Deadline.objects.for_subject(planned).get()
    assert deadline.kind == "opfoelgning" and deadline.due == date(2026, 3, 18)
    assert deadline.responsible == cast.psychologist and deadline.state == DeadlineState.OPEN


def test_a_follow_up_records_goals_and_a_rating_and_the_course_shows_before_and_after(
    cast, client_as, case, course, goals, planned
) -> None:
    RulerRatingFactory(
        child=case.child,
        colour="roed",
        rated_on=date(2026, 1, 20),
        case=case,
        rater=cast.psychologist,
        context="indstilling",
    )
    with time_machine.travel(date(2026, 3, 18), tick=False):
        # Log in after the jump: the session's idle timeout would otherwise end it.
        client = client_as(cast.psychologist)
        response = client.post(
            reverse("indsatser:follow-up-record", args=[planned.pk]),
            {
                "held_on": "2026-03-18",
                "note": "Samtale med Alma, mor og klasselærer. Frikvartererne går bedre.",
                f"goal_{goals[0].pk}": "opfyldt",
                f"goal_{goals[1].pk}": "delvist",
                f"colour_{case.child.pk}": "gul",
                f"rationale_{case.child.pk}": "Bedre trivsel, men stadig sårbar i grupper.",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == course.get_absolute_url()
        detail = client.get(course.get_absolute_url()).content.decode()

    planned.refresh_from_db()
    assert planned.status == FollowUpStatus.HELD and planned.recorded_by == cast.psychologist
    assert dict(GoalAssessment.objects.values_list("goal__order", "status")) == {
        0: "opfyldt",
        1: "delvist",
    }
    rating = planned.ratings.get()
    assert (
        rating.context == RatingContext.FOLLOW_UP and rating.colour == "gul" and rating.case == case
    )
    assert rating.rated_on == date(2026, 3, 18)
    case.refresh_from_db()
    assert case.latest_colour == "gul"
    assert Deadline.objects.for_subject(planned).get().state == DeadlineState.MET
    before_after = detail[detail.index("Børnelineal før og efter") :]
    assert before_after.index("Rød (tertiær forebyggelse)") < before_after.index(
        "Gul (sekundær forebyggelse)"
    )
    assert "Målene" not in detail  # the form heading, not shown on the course page
    assert "Delvist opfyldt" in detail


def test_a_course_for_one_child_cannot_be_followed_up_without_a_rating(
    cast, client_as, case, goals, planned
) -> None:
    with time_machine.travel(date(2026, 3, 18), tick=False):
        response = client_as(cast.psychologist).post(
            reverse("indsatser:follow-up-record", args=[planned.pk]),
            {"held_on": "2026-03-18", "note": "Notat", f"goal_{goals[0].pk}": "opfyldt"},
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vælg grøn, gul eller rød." in html
    assert "Vurdér målet." in html
    planned.refresh_from_db()
    assert planned.is_planned
    assert not GoalAssessment.objects.exists() and not RulerRating.objects.exists()
    assert Deadline.objects.for_subject(planned).get().state == DeadlineState.OPEN


def test_a_follow_up_is_recorded_once(cast, client_as, case, goals, planned) -> None:
    kwargs = {
        "follow_up": planned,
        "by": cast.psychologist,
        "held_on": date(2026, 3, 4),
        "note": "Notat",
        "goal_statuses": {goals[0].pk: "opfyldt", goals[1].pk: "ikke"},
        "ratings": {case.child.pk: ("groen", "Trives")},
    }
    services.record_follow_up(**kwargs)
    with pytest.raises(ValidationError, match="allerede registreret"):
        services.record_follow_up(**kwargs)
    assert RulerRating.objects.count() == 1
    # The met deadline's link in Mine frister still leads somewhere useful: the course.
    response = client_as(cast.psychologist).get(
        reverse("indsatser:follow-up-record", args=[planned.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == planned.course.get_absolute_url()
    assert "allerede registreret" in response.content.decode()


def test_a_follow_up_cannot_be_dated_in_the_future(cast, case, goals, planned) -> None:
    with pytest.raises(ValidationError) as error:
        services.record_follow_up(
            follow_up=planned,
            by=cast.psychologist,
            held_on=date(2026, 3, 5),
            note="Notat",
            goal_statuses={goals[0].pk: "opfyldt", goals[1].pk: "ikke"},
            ratings={case.child.pk: ("groen", "Trives")},
        )
    assert "held_on" in error.value.error_dict


def test_a_follow_up_cannot_be_planned_in_the_past(cast, course, today) -> None:
    with pytest.raises(ValidationError):
        services.plan_follow_up(course=course, planned_on=date(2026, 3, 3), by=cast.psychologist)


def test_on_a_group_only_the_children_chosen_are_rated(
    cast, client_as, group_course, today
) -> None:
    goal = CourseGoal.objects.create(course=group_course, text="Børnene kan sætte ord på to hjem.")
    follow_up = services.plan_follow_up(course=group_course, planned_on=today, by=cast.colleague)
    alma, otto = (p.child for p in group_course.participants.order_by("child__first_name"))

    response = client_as(cast.colleague).post(
        reverse("indsatser:follow-up-record", args=[follow_up.pk]),
        {
            "held_on": today.isoformat(),
            "note": "Holdet fungerer.",
            f"goal_{goal.pk}": "delvist",
            f"colour_{alma.pk}": "groen",
            f"rationale_{alma.pk}": "Trives i gruppen.",
            f"colour_{otto.pk}": "",
        },
    )

    assert response.status_code == 302
    assert list(RulerRating.objects.values_list("child", flat=True)) == [alma.pk]


def test_a_rating_without_rationale_is_refused_in_danish(
    cast, client_as, group_course, today
) -> None:
    follow_up = services.plan_follow_up(course=group_course, planned_on=today, by=cast.colleague)
    alma = group_course.participants.get(child__first_name="Alma").child
    response = client_as(cast.colleague).post(
        reverse("indsatser:follow-up-record", args=[follow_up.pk]),
        {"held_on": today.isoformat(), "note": "Holdet fungerer.", f"colour_{alma.pk}": "groen"},
    )
    assert "Skriv en kort begrundelse for vurderingen." in response.content.decode()
    assert not RulerRating.objects.exists()


def test_a_follow_up_cannot_be_dated_before_its_course_started(cast, case, goals, planned) -> None:
    with pytest.raises(ValidationError) as error:
        services.record_follow_up(
            follow_up=planned,
            by=cast.psychologist,
            held_on=date(2026, 1, 15),
            note="Notat",
            goal_statuses={goals[0].pk: "opfyldt", goals[1].pk: "ikke"},
            ratings={case.child.pk: ("groen", "Trives")},
        )
    assert error.value.error_dict["held_on"][0].message == (
        "Opfølgningen er dateret 15.01.2026, før forløbet startede (02.02.2026). Tjek datoen."
    )
    planned.refresh_from_db()
    assert planned.is_planned
