"""Searching cases by name or exact CPR number: by POST, within visible cases, always audited."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.casework.views import SEARCH_LIMIT
from cases.models import Case, CaseStatus
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.case_fixtures import cpr_born, make_case
from tests.cases.factories import CaseFactory
from tests.conftest import SESSION_QUERIES

pytestmark = pytest.mark.django_db

URL = reverse("cases:case-search")


def searches() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.SEARCH))


def test_search_is_post_only_so_the_term_never_enters_a_url(cast, client_as):
    assert client_as(cast.ppr_leader).get(URL, {"q": "Alma"}).status_code == 405


def test_name_search_matches_part_of_first_or_last_name_and_logs_the_term(cast, client_as):
    make_case(cast, child__first_name="Alma", child__last_name="Jensen")
    make_case(cast, child__first_name="Bo", child__last_name="Almind")
    make_case(cast, child__first_name="Carl", child__last_name="Hansen")
    response = client_as(cast.ppr_leader).post(URL, {"q": "alm"})
    found = {row.record.child.first_name for row in response.context["table"].rows}
    assert found == {"Alma", "Bo"}
    [event] = searches()
    assert event.term == "navn=alm"
    assert event.actor == cast.ppr_leader


def test_name_search_with_two_words_needs_both(cast, client_as):
    make_case(cast, child__first_name="Alma", child__last_name="Jensen")
    make_case(cast, child__first_name="Alma", child__last_name="Hansen")
    response = client_as(cast.ppr_leader).post(URL, {"q": "alma jen"})
    assert [row.record.child.last_name for row in response.context["table"].rows] == ["Jensen"]


def test_name_search_only_finds_visible_cases(cast, client_as):
    make_case(cast, child__first_name="Alma", assigned=cast.outsider, team=cast.team_oest)
    response = client_as(cast.psychologist).post(URL, {"q": "Alma"})
    assert len(response.context["table"].rows) == 0
    assert "Ingen sager fundet" in response.content.decode()
    assert len(searches()) == 1


def test_cpr_search_redirects_to_the_case_and_masks_the_number_in_the_log(cast, client_as):
    cpr = cpr_born(date(2016, 5, 17))
    case = make_case(cast, child__cpr=cpr)
    response = client_as(cast.psychologist).post(URL, {"q": f"{cpr[:6]}-{cpr[6:]}"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case-detail", kwargs={"pk": case.pk})
    assert cpr not in response["Location"]
    [event] = searches()
    assert event.term == "cpr=170516-xxxx"
    assert event.child_id == case.child_id
    assert cpr[6:] not in event.term


def test_cpr_search_prefers_the_open_case(cast, client_as):
    cpr = cpr_born(date(2016, 5, 17))
    closed = make_case(cast, child__cpr=cpr, status=CaseStatus.CLOSED, outcome="flyttet")
    open_case = CaseFactory(child=closed.child, team=cast.team_vest)
    response = client_as(cast.ppr_leader).post(URL, {"q": cpr})
    assert response["Location"] == reverse("cases:case-detail", kwargs={"pk": open_case.pk})


def test_cpr_search_for_an_invisible_case_finds_nothing_but_is_logged(cast, client_as):
    cpr = cpr_born(date(2016, 5, 17))
    make_case(cast, child__cpr=cpr, assigned=cast.outsider, team=cast.team_oest)
    response = client_as(cast.psychologist).post(URL, {"q": cpr})
    assert response.status_code == 200
    assert "Ingen sager fundet" in response.content.decode()
    [event] = searches()
    assert event.term == "cpr=170516-xxxx"
    assert event.child_id is None


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("", "Skriv et navn eller et CPR-nummer."),
        ("a", "Skriv mindst to bogstaver af navnet."),
        ("12345", "Et CPR-nummer skal have 10 cifre"),
        ("3102161234", "Ugyldigt CPR-nummer."),
    ],
)
def test_bad_search_terms_give_danish_messages_and_no_search(cast, client_as, term, message):
    response = client_as(cast.ppr_leader).post(URL, {"q": term})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert searches() == []


def test_institution_leader_may_not_search(cast, client_as):
    assert client_as(cast.school_leader).post(URL, {"q": "Alma"}).status_code == 403


def test_name_search_sorts_by_child_last_name_first_then_the_newest_case(cast, client_as):
    make_case(cast, child__first_name="Alma", child__last_name="Østergaard")
    berg = make_case(cast, child__first_name="Alma", child__last_name="Berg")
    older = make_case(cast, child__first_name="Alma", child__last_name="Berg")
    Case.objects.filter(pk=older.pk).update(opened_at=timezone.now() - timedelta(days=400))
    make_case(cast, child__first_name="Almar", child__last_name="Berg")
    response = client_as(cast.ppr_leader).post(URL, {"q": "alm"})
    rows = [(r.record.child.name, r.record.pk) for r in response.context["table"].rows]
    assert rows[:2] == [("Alma Berg", berg.pk), ("Alma Berg", older.pk)]
    assert [name for name, _ in rows[2:]] == ["Almar Berg", "Alma Østergaard"]


def test_name_search_shows_at_most_the_limit_in_one_query(
    cast, client_as, django_assert_num_queries
):
    for _ in range(SEARCH_LIMIT + 2):
        make_case(cast, child__first_name="Alma", assigned=cast.psychologist)
    client = client_as(cast.psychologist)
    client.post(URL, {"q": "Alma"})
    # user, memberships, the cases with their rows (one query), the audit row
    with django_assert_num_queries(4 + SESSION_QUERIES):
        response = client.post(URL, {"q": "Alma"})
    assert len(response.context["table"].rows) == SEARCH_LIMIT
    assert response.context["more"] is True
