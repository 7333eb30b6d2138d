"""Rating a child on the Børnelineal from the case page, and the report of counts by colour."""

import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import RulerRating
from ppr import generations
from tests.cases.case_fixtures import make_case
from tests.cases.factories import RulerRatingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return make_case(cast, assigned=cast.psychologist)


def create_url(case) -> str:
    return reverse("cases:rating-create", kwargs={"pk": case.pk})


def rating_data(**changes):
    return {
        "colour": "roed",
        "rated_on": date.today().isoformat(),
        "context": "opfoelgning",
        "rationale": "Behov for særlig støtte er afklaret.",
        "client_token": str(uuid.uuid4()),
    } | changes


def test_the_psychologist_rates_the_child_and_the_case_colour_follows(cast, client_as, case):
    response = client_as(cast.psychologist).post(create_url(case), rating_data())
    assert response.status_code == 302
    rating = RulerRating.objects.get(child=case.child)
    assert (rating.colour, rating.context, rating.rater, rating.case) == (
        "roed",
        "opfoelgning",
        cast.psychologist,
        case,
    )
    case.refresh_from_db()
    assert case.latest_colour == "roed"


def test_the_colour_choices_have_text_not_only_colour(cast, client_as, case):
    content = client_as(cast.psychologist).get(create_url(case)).content.decode()
    assert "Rød (tertiær forebyggelse)" in content
    assert "<legend" in content


def test_a_double_submit_saves_one_rating(cast, client_as, case):
    client = client_as(cast.psychologist)
    data = rating_data()
    client.post(create_url(case), data)
    client.post(create_url(case), data)
    assert RulerRating.objects.filter(child=case.child).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": ""}, "Vælg grøn, gul eller rød."),
        ({"colour": "blaa"}, "Vælg grøn, gul eller rød."),
        ({"rationale": " "}, "Skriv en kort begrundelse."),
        ({"rationale": "x" * 501}, "Begrundelsen må højst være 500 tegn."),
        (
            {"rated_on": (date.today() + timedelta(days=3)).isoformat()},
            "Datoen kan ikke ligge i fremtiden.",
        ),
        ({"context": "kaffe"}, "Vælg en sammenhæng fra listen."),
    ],
)
def test_bad_input_gives_a_danish_message_and_saves_nothing(
    cast, client_as, case, changes, message
):
    response = client_as(cast.psychologist).post(create_url(case), rating_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RulerRating.objects.exists()


def test_the_secretary_may_not_rate(cast, client_as, case):
    assert client_as(cast.secretary).post(create_url(case), rating_data()).status_code == 403


# --- Report --------------------------------------------------------------------------------

REPORT = reverse("cases:rating-report")


@pytest.fixture
def ratings(cast):
    from tests.cases.factories import ChildFactory

    vest_child = ChildFactory(institution=cast.school)
    oest_child = ChildFactory(institution=cast.other_school)
    RulerRatingFactory(child=vest_child, colour="roed", rated_on=date(2026, 3, 1))
    RulerRatingFactory(child=vest_child, colour="gul", rated_on=date(2026, 1, 10))
    RulerRatingFactory(child=oest_child, colour="groen", rated_on=date(2026, 3, 5))
    RulerRatingFactory(child=oest_child, colour="groen", rated_on=date(2025, 6, 1))


def rows(table) -> list[dict]:
    return [dict(row.record) for row in table.rows]


ALL_TIME = {"fra": "", "til": ""}


def test_the_leader_sees_counts_for_every_institution_and_district(cast, client_as, ratings):
    response = client_as(cast.ppr_leader).get(REPORT, ALL_TIME)
    institutions = {
        r["institution__name"]: (r["groen"], r["gul"], r["roed"], r["total"])
        for r in rows(response.context["institutions"])
    }
    assert institutions == {"Vestervang Skole": (0, 1, 1, 2), "Østerbro Skole": (2, 0, 0, 2)}
    districts = {
        r["institution__district__name"]: r["total"] for r in rows(response.context["districts"])
    }
    assert districts == {"Vest": 2, "Øst": 2}


def test_the_period_filters_by_rating_date(cast, client_as, ratings):
    response = client_as(cast.ppr_leader).get(REPORT, {"fra": "2026-02-01", "til": "2026-12-31"})
    institutions = {
        r["institution__name"]: r["total"] for r in rows(response.context["institutions"])
    }
    assert institutions == {"Vestervang Skole": 1, "Østerbro Skole": 1}


def test_without_a_period_the_report_covers_the_current_year(cast, client_as):
    from django.utils import timezone

    from tests.cases.factories import ChildFactory

    today = timezone.localdate()
    child = ChildFactory(institution=cast.school)
    RulerRatingFactory(child=child, colour="roed", rated_on=date(today.year, 1, 1))
    RulerRatingFactory(child=child, colour="gul", rated_on=today)
    RulerRatingFactory(child=child, colour="groen", rated_on=date(today.year - 1, 12, 31))
    response = client_as(cast.ppr_leader).get(REPORT)
    assert rows(response.context["institutions"]) == [
        {
            "institution__district__name": "Vest",
            "institution__name": "Vestervang Skole",
            "groen": 0,
            "gul": 1,
            "roed": 1,
            "total": 2,
        }
    ]
    form = response.context["form"]
    assert form.cleaned_data["fra"] == date(today.year, 1, 1)
    assert form.cleaned_data["til"] == today
    assert "Uden valgt periode vises indeværende år." in response.content.decode()
    # Empty dates ask for every rating.
    response = client_as(cast.ppr_leader).get(REPORT, ALL_TIME)
    assert rows(response.context["institutions"])[0]["total"] == 3


def test_a_period_ending_before_it_starts_is_a_danish_error(cast, client_as, ratings):
    response = client_as(cast.ppr_leader).get(REPORT, {"fra": "2026-05-01", "til": "2026-01-01"})
    assert "Til-datoen skal være samme dag som eller efter fra-datoen." in response.content.decode()
    assert rows(response.context["institutions"]) == []


def test_the_institution_leader_sees_only_their_own_institution(cast, client_as, ratings):
    response = client_as(cast.school_leader).get(REPORT, ALL_TIME)
    assert [r["institution__name"] for r in rows(response.context["institutions"])] == [
        "Vestervang Skole"
    ]


@pytest.mark.parametrize("role", ["psychologist", "secretary", "teacher", "administrator"])
def test_others_may_not_see_the_report(cast, client_as, role):
    assert client_as(getattr(cast, role)).get(REPORT).status_code == 403


def rating_queries(client, params) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REPORT, params).status_code == 200
    return [q["sql"] for q in queries.captured_queries if 'FROM "cases_rulerrating"' in q["sql"]]


def test_the_leaders_counts_are_counted_once_and_a_new_rating_shows_at_once(
    cast, client_as, ratings, case
):
    """The municipality's counts are kept in the cache until the next rating (ppr/generations.py);
    the institutions' names are read every time."""
    client = client_as(cast.ppr_leader)
    assert len(rating_queries(client, ALL_TIME)) == 1
    assert rating_queries(client, ALL_TIME) == []  # from the cache

    client_as(cast.psychologist).post(create_url(case), rating_data(colour="gul"))
    cast.school.name = "Vestervang Skole (ny)"
    cast.school.save()

    response = client.get(REPORT, ALL_TIME)
    institutions = {
        r["institution__name"]: r["gul"] for r in rows(response.context["institutions"])
    }
    assert institutions == {"Vestervang Skole (ny)": 2, "Østerbro Skole": 0}
    # Another period is counted on its own.
    assert len(rating_queries(client, {"fra": "2026-02-01", "til": "2026-12-31"})) == 1


def test_the_institution_leader_never_gets_the_municipalitys_cached_counts(
    cast, client_as, ratings
):
    client_as(cast.ppr_leader).get(REPORT, ALL_TIME)  # the municipality's counts are cached
    client = client_as(cast.school_leader)
    assert len(rating_queries(client, ALL_TIME)) == 1
    assert len(rating_queries(client, ALL_TIME)) == 1  # counted every time: a few rows
    response = client.get(REPORT, ALL_TIME)
    assert [r["institution__name"] for r in rows(response.context["institutions"])] == [
        "Vestervang Skole"
    ]


def test_a_new_generation_waits_for_the_commit_as_well(django_capture_on_commit_callbacks):
    """A report read between the rating's save and its commit may cache the old counts under
    the new generation; the commit starts another one."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        before = generations.current("ratings")
        generations.renew("ratings")
        during = generations.current("ratings")
    assert during != before
    assert len(callbacks) == 1
    callbacks[0]()
    assert generations.current("ratings") not in (before, during)
