"""The case list: tabs, filters, sorting, paging, the audited search, and a constant query count."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStatus
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.case_fixtures import cpr_born, make_case
from tests.conftest import SESSION_QUERIES

pytestmark = pytest.mark.django_db

URL = reverse("cases:case-list")


def names(response) -> set[str]:
    return {row.record.child.first_name for row in response.context["table"].page.object_list}


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["school_leader", "teacher", "administrator", "social_worker"])
def test_non_ppr_users_may_not_list_cases(cast, client_as, role):
    assert client_as(getattr(cast, role)).get(URL).status_code == 403


def test_psychologist_sees_own_cases_under_mine_and_team_cases_under_team(cast, client_as):
    make_case(cast, child__first_name="Egen", assigned=cast.psychologist)
    make_case(cast, child__first_name="Kollegas", assigned=cast.colleague)
    make_case(cast, child__first_name="Fremmed", assigned=cast.outsider, team=cast.team_oest)
    client = client_as(cast.psychologist)
    assert names(client.get(URL)) == {"Egen"}
    assert names(client.get(URL, {"visning": "team"})) == {"Egen", "Kollegas"}
    # "Alle" is not the psychologist's: it falls back to their own cases.
    assert names(client.get(URL, {"visning": "alle"})) == {"Egen"}


def test_leader_and_secretary_see_all_cases(cast, client_as):
    make_case(cast, child__first_name="Vest", assigned=cast.psychologist)
    make_case(cast, child__first_name="Oest", assigned=cast.outsider, team=cast.team_oest)
    for user in (cast.ppr_leader, cast.secretary):
        response = client_as(user).get(URL)
        assert response.context["tab"] == "alle"
        assert names(response) == {"Vest", "Oest"}


def test_filters_narrow_the_list(cast, client_as):
    today = timezone.localdate()
    make_case(cast, child__first_name="Roed", latest_colour="roed", assigned=cast.psychologist)
    make_case(
        cast,
        child__first_name="Lille",
        child__cpr=cpr_born(today - timedelta(days=365 * 4)),
        child__institution=cast.daycare,
    )
    make_case(
        cast,
        child__first_name="Gammel",
        opened_at=timezone.now() - timedelta(days=100),
        status=CaseStatus.CLOSED,
        outcome="flyttet",
    )
    make_case(
        cast, child__first_name="Oest", child__institution=cast.other_school, team=cast.team_oest
    )
    client = client_as(cast.ppr_leader)
    assert names(client.get(URL, {"farve": "roed"})) == {"Roed"}
    assert names(client.get(URL, {"farve": "ingen"})) == {"Lille", "Gammel", "Oest"}
    assert names(client.get(URL, {"alder": "3-5"})) == {"Lille"}
    assert names(client.get(URL, {"ventetid": "90"})) == {"Gammel"}
    assert names(client.get(URL, {"status": "lukket"})) == {"Gammel"}
    assert names(client.get(URL, {"distrikt": cast.oest.pk})) == {"Oest"}
    assert names(client.get(URL, {"institution": cast.daycare.pk})) == {"Lille"}
    assert names(client.get(URL, {"sagsbehandler": cast.psychologist.pk})) == {"Roed"}
    assert names(client.get(URL, {"sagsbehandler": "null", "status": "aaben"})) == {"Lille", "Oest"}
    assert names(client.get(URL, {"fra": (today - timedelta(days=5)).isoformat()})) == {
        "Roed",
        "Lille",
        "Oest",
    }


def test_a_bad_filter_value_shows_a_danish_error_and_no_rows(cast, client_as):
    make_case(cast)
    response = client_as(cast.ppr_leader).get(URL, {"fra": "ikke-en-dato"})
    assert response.status_code == 200
    assert "Indtast en gyldig dato." in response.content.decode()
    assert list(response.context["table"].page.object_list) == []


def test_sorting_by_colour_puts_the_most_serious_last_or_first(cast, client_as):
    for name, colour in (("A", "gul"), ("B", "roed"), ("C", "groen"), ("D", "")):
        make_case(cast, child__first_name=name, latest_colour=colour)
    client = client_as(cast.ppr_leader)
    ascending = [
        r.record.child.first_name
        for r in client.get(URL, {"sort": "colour"}).context["table"].page.object_list
    ]
    descending = [
        r.record.child.first_name
        for r in client.get(URL, {"sort": "-colour"}).context["table"].page.object_list
    ]
    assert ascending == ["D", "C", "A", "B"]
    assert descending == ["B", "A", "C", "D"]


def test_the_list_pages_by_25_and_htmx_gets_only_the_results(cast, client_as):
    for _ in range(26):
        make_case(cast)
    client = client_as(cast.ppr_leader)
    response = client.get(URL)
    assert len(response.context["table"].page.object_list) == 25
    partial = client.get(URL, {"page": 2}, headers={"HX-Request": "true"})
    content = partial.content.decode()
    assert len(partial.context["table"].page.object_list) == 1
    assert content.lstrip().startswith('<section id="case-results"')
    assert "<html" not in content


def test_every_list_request_is_audited_as_a_search_with_its_filters(cast, client_as):
    client_as(cast.ppr_leader).get(URL, {"status": "aaben", "farve": "roed"})
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.term == "visning=alle status=aaben farve=roed"
    assert event.actor == cast.ppr_leader


def test_case_list_pages_are_not_cached(cast, client_as):
    assert "no-store" in client_as(cast.ppr_leader).get(URL)["Cache-Control"]


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"sort": "colour"})
    assert response.status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_number_of_cases(cast, client_as):
    client = client_as(cast.ppr_leader)
    for i in range(5):
        make_case(cast, assigned=cast.psychologist if i % 2 else None, latest_colour="gul")
    client.get(URL)  # warm the session
    few = _count_queries(client)
    for i in range(45):
        make_case(
            cast,
            assigned=cast.colleague if i % 2 else None,
            latest_colour="roed",
            child__institution=cast.other_school,
        )
    many = _count_queries(client)
    assert few == many
    assert many <= 18  # 5 of them fetch the page's children, institutions, districts, users, teams


def test_psychologist_query_count_is_bounded(cast, client_as, django_assert_num_queries):
    for _ in range(30):
        make_case(cast, assigned=cast.psychologist)
    client = client_as(cast.psychologist)
    client.get(URL)
    # The related rows of the page come with it (prefetch), not one query per case.
    with django_assert_num_queries(5 + SESSION_QUERIES):
        client.get(URL, {"visning": "team", "sort": "child"})


def test_opened_date_range_before_start_is_accepted_as_empty(cast, client_as):
    make_case(cast)
    response = client_as(cast.ppr_leader).get(URL, {"til": date(2000, 1, 1).isoformat()})
    assert list(response.context["table"].page.object_list) == []


def test_the_institution_and_case_worker_selects_show_their_cached_options(cast, client_as):
    """Django's Select over the cached option lists (ppr.options) keeps the labels, the empty
    and the null choice, and marks the chosen option."""
    content = (
        client_as(cast.ppr_leader)
        .get(URL, {"institution": cast.school.pk, "sagsbehandler": "null"})
        .content.decode()
    )
    assert '<option value="">Alle institutioner</option>' in content
    assert f'<option value="{cast.school.pk}" selected>{cast.school.name}</option>' in content
    assert '<option value="null" selected>Ikke tildelt</option>' in content
    assert 'id="id_sagsbehandler"' in content and 'class="form-select"' in content


def test_sorting_by_child_uses_the_copied_sort_name_last_name_first(cast, client_as):
    berg = make_case(cast, child__first_name="Anna", child__last_name="Berg")
    make_case(cast, child__first_name="Ole", child__last_name="Andersen")
    make_case(cast, child__first_name="Bo", child__last_name="Berg")
    assert berg.child_sort_name == "Berg Anna"  # copied by Case.save(), indexed for deep pages
    client = client_as(cast.ppr_leader)
    rows = client.get(URL, {"visning": "alle", "sort": "child"}).context["table"].page.object_list
    assert [r.record.child.name for r in rows] == ["Ole Andersen", "Anna Berg", "Bo Berg"]
    rows = client.get(URL, {"visning": "alle", "sort": "-child"}).context["table"].page.object_list
    assert [r.record.child.name for r in rows] == ["Bo Berg", "Anna Berg", "Ole Andersen"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_name_search_has_trigram_indexes_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_child'"
            " AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"cases_child_first_name_trgm", "cases_child_last_name_trgm"}
    assert all("upper(" in definition for definition in indexes.values())  # as icontains asks
