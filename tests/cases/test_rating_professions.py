"""The Børnelineal across professions (seed 004 §3): every rating names the rater's profession
and context; social workers and health visitors rate the children of their district; the
child's history and the report read per profession."""

import importlib
import uuid
from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import RaterProfession, RulerRating, profession_of
from cases.ratings.services import rate_child
from ppr.accounts.models import Role
from tests.cases.case_fixtures import make_case
from tests.cases.factories import ChildFactory, RulerRatingFactory
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cases.migrations.0017_rating_profession")


def rating_data(**changes):
    return {
        "colour": "gul",
        "rated_on": date.today().isoformat(),
        "context": "screening",
        "rationale": "Sen sprogudvikling ved 3-årsbesøget.",
        "client_token": str(uuid.uuid4()),
    } | changes


def test_the_profession_is_taken_from_the_raters_role(cast):
    assert profession_of(cast.health_visitor) == RaterProfession.HEALTH_VISITOR
    assert profession_of(cast.social_worker) == RaterProfession.SOCIAL_WORKER
    assert profession_of(cast.psychologist) == RaterProfession.PSYCHOLOGIST
    assert profession_of(cast.teacher) == RaterProfession.STAFF
    assert profession_of(cast.administrator) == RaterProfession.OTHER


def test_a_rating_keeps_the_profession_the_rater_had_then(cast):
    child = ChildFactory(institution=cast.school)
    rating = rate_child(
        child=child, by=cast.social_worker, colour="gul", context="tvaerfagligt", rationale="x"
    )
    cast.social_worker.memberships.update(role=Role.PPR_CONSULTANT)
    rating.refresh_from_db()
    assert rating.profession == RaterProfession.SOCIAL_WORKER


def test_the_health_visitor_rates_a_child_of_her_district(cast, client_as):
    child = ChildFactory(institution=cast.daycare)  # district Vest, like the health visitor
    client = client_as(cast.health_visitor)
    url = reverse("cases:child-rating-create", kwargs={"pk": child.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, rating_data())
    assert response.status_code == 302
    rating = RulerRating.objects.get(child=child)
    assert (rating.rater, rating.profession, rating.context, rating.case) == (
        cast.health_visitor,
        RaterProfession.HEALTH_VISITOR,
        "screening",
        None,
    )


def test_a_partner_rates_no_child_outside_her_district(cast, client_as):
    child = ChildFactory(institution=cast.other_school)  # district Øst
    client = client_as(cast.health_visitor)
    assert client.get(reverse("cases:child-ratings", kwargs={"pk": child.pk})).status_code == 404
    url = reverse("cases:child-rating-create", kwargs={"pk": child.pk})
    assert client.post(url, rating_data()).status_code == 404
    assert not RulerRating.objects.filter(child=child).exists()


def test_a_case_context_cannot_be_posted_on_the_childs_page(cast, client_as):
    child = ChildFactory(institution=cast.school)
    url = reverse("cases:child-rating-create", kwargs={"pk": child.pk})
    response = client_as(cast.social_worker).post(url, rating_data(context="sag"))
    assert response.status_code == 400
    assert not RulerRating.objects.filter(child=child).exists()


def test_the_childs_history_reads_per_profession(cast, client_as):
    case = make_case(cast, assigned=cast.psychologist)
    child = case.child
    RulerRatingFactory(
        child=child, rater=cast.psychologist, profession="psykolog", rationale="PPR-vurdering"
    )
    for _ in range(5):
        RulerRatingFactory(
            child=child,
            rater=cast.health_visitor,
            profession="sundhedsplejerske",
            context="screening",
            rationale="Sundhedsplejens vurdering",
        )
    client = client_as(cast.psychologist)
    url = reverse("cases:child-ratings", kwargs={"pk": child.pk})
    content = client.get(url).content.decode()
    assert "PPR-vurdering" in content and "Sundhedsplejens vurdering" in content
    assert "Sundhedsplejerske" in content
    with CaptureQueriesContext(connection) as queries:
        content = client.get(url, {"faggruppe": "psykolog"}).content.decode()
    assert "PPR-vurdering" in content and "Sundhedsplejens vurdering" not in content
    assert len(queries) <= 14, [q["sql"] for q in queries]


def test_the_report_counts_one_profession(cast, client_as):
    child = ChildFactory(institution=cast.school)
    RulerRatingFactory(child=child, profession="socialraadgiver", colour="roed")
    RulerRatingFactory(child=child, profession="psykolog", colour="gul")
    RulerRatingFactory(child=child, profession="psykolog", colour="gul")
    client = client_as(cast.ppr_leader)
    url = reverse("cases:rating-report")
    response = client.get(url, {"fra": "", "til": "", "faggruppe": "socialraadgiver"})
    rows = list(response.context["institutions"].data)
    assert [(r["groen"], r["gul"], r["roed"]) for r in rows] == [(0, 0, 1)]
    response = client.get(url, {"fra": "", "til": "", "faggruppe": "psykolog"})
    rows = list(response.context["institutions"].data)
    assert [(r["groen"], r["gul"], r["roed"]) for r in rows] == [(0, 2, 0)]


def test_the_migration_names_the_profession_of_existing_ratings(cast):
    child = ChildFactory(institution=cast.school)
    by_leader = RulerRatingFactory(child=child, rater=cast.school_leader, profession="anden")
    by_nurse = RulerRatingFactory(child=child, rater=cast.health_visitor, profession="anden")
    nobody = user_with_role(Role.ADMINISTRATOR)
    by_admin = RulerRatingFactory(child=child, rater=nobody, profession="anden")
    migration.professions_from_roles(apps, None)
    for rating in (by_leader, by_nurse, by_admin):
        rating.refresh_from_db()
    assert by_leader.profession == "institutionsleder"
    assert by_nurse.profession == "sundhedsplejerske"
    assert by_admin.profession == "anden"
