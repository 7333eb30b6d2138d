"""The TRIO's Børnelineal colour on a henvisning is a rating in the child's history (rater,
profession, context "TRIO-henvisning", the henvisning), not a field on the henvisning (issue 25;
seed 004 §3 and Bilag 4/5). An anonymous henvisning has no child and keeps its own colour."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse

from cases.models import RatingContext, RulerRating
from meetings import services
from meetings.models import ForumReferral
from ppr.deadlines import calendar
from tests.cases.factories import ChildFactory

from .factories import forum, own_response

pytestmark = pytest.mark.django_db

migration = importlib.import_module("meetings.migrations.0008_trio_colour_is_a_rating")


def _refer(cast, child, colour="roed"):
    return services.refer_to_forum(
        institution=cast.school,
        forum=forum("indstilling_bistand_ppr"),
        child=child,
        referred_on=calendar.today(),
        rationale="Handleplanen er evalueret uden effekt.",
        ruler_colour=colour,
        follow_up_on=calendar.today() + timedelta(days=10),
        by=cast.school_leader,
        own=own_response(),
    )


def test_a_named_henvisnings_colour_is_a_rating_in_the_childs_history(cast):
    child = ChildFactory(institution=cast.school)
    henvisning = _refer(cast, child)
    assert henvisning.ruler_colour == ""
    rating = RulerRating.objects.get(child=child)
    assert (rating.colour, rating.rater, rating.profession, rating.context) == (
        "roed",
        cast.school_leader,
        "institutionsleder",
        RatingContext.TRIO_REFERRAL,
    )
    assert rating.forum_referral == henvisning
    assert henvisning.colour == "roed" and henvisning.colour_label.startswith("Rød")


def test_an_anonymous_henvisning_keeps_its_own_colour(cast):
    henvisning = services.refer_to_forum(
        institution=cast.school,
        forum=forum("tvaerfagligt_skoleteam"),
        child=None,
        anonymous_description="pige, 2. klasse",
        referred_on=calendar.today(),
        rationale="Trivsel",
        ruler_colour="gul",
        follow_up_on=calendar.today() + timedelta(days=10),
        by=cast.school_leader,
        own=own_response(),
    )
    assert henvisning.colour == "gul"
    assert not RulerRating.objects.exists()


def test_the_list_filters_and_shows_the_trio_rating(cast, client_as):
    named = _refer(cast, ChildFactory(institution=cast.school), colour="roed")
    _refer(cast, ChildFactory(institution=cast.school), colour="gul")
    client = client_as(cast.school_leader)
    response = client.get(reverse("meetings:forumreferral-list"), {"farve": "roed"})
    assert [r.pk for r in response.context["table"].data] == [named.pk]
    detail = client.get(named.get_absolute_url()).content.decode()
    assert "TRIO&#x27;ens vurdering i barnets Børnelineal" in detail or "TRIO'ens" in detail


def test_the_childs_rating_page_names_the_henvisning(cast, client_as):
    child = ChildFactory(institution=cast.school)
    _refer(cast, child)
    content = client_as(cast.school_leader).get(
        reverse("cases:child-ratings", kwargs={"pk": child.pk})
    )
    text = content.content.decode()
    assert "TRIO-henvisning" in text and "Institutionsleder" in text


def test_the_migration_keeps_anonymous_colours_and_is_idempotent(cast):
    """(A named henvisning with a colour field cannot be built any more – the constraint
    forbids it – so the conversion itself is exercised through the reverse and forward run.)"""
    child = ChildFactory(institution=cast.school)
    named = _refer(cast, child, colour="gul")
    anonymous = ForumReferral.objects.create(
        institution=cast.school,
        forum=forum("tvaerfagligt_skoleteam"),
        anonymous_description="dreng",
        rationale="Gammel henvisning",
        ruler_colour="roed",
        follow_up_on=calendar.today() + timedelta(days=10),
        created_by=cast.school_leader,
    )
    migration.colours_to_ratings(apps, None)
    named.refresh_from_db()
    anonymous.refresh_from_db()
    assert named.ruler_colour == "" and anonymous.ruler_colour == "roed"
    rating = RulerRating.objects.get(forum_referral=named)
    assert (rating.child, rating.colour, rating.context, rating.profession) == (
        child,
        "gul",
        "trio",
        "institutionsleder",
    )
