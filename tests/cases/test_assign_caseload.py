"""Assigning a case (and accepting a referral) shows each case worker's team and caseload."""

import pytest
from django.urls import reverse

from cases.models import CaseStatus
from ppr.accounts.models import Role
from tests.cases.case_fixtures import make_case
from tests.cases.referral_fixtures import received
from tests.conftest import SESSION_QUERIES, client_for
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def assign_url(case) -> str:
    return reverse("cases:case-assign", kwargs={"pk": case.pk})


def option(html: str, user) -> str:
    start = html.index(f'<option value="{user.pk}"')
    return html[start : html.index("</option>", start)]


def test_each_case_worker_is_shown_with_team_and_open_cases(cast) -> None:
    case = make_case(cast, assigned=cast.psychologist)
    make_case(cast, assigned=cast.psychologist)
    make_case(cast, assigned=cast.psychologist, status=CaseStatus.CLOSED, outcome="flyttet")
    make_case(cast, assigned=cast.outsider, team=cast.team_oest)
    html = client_for(cast.ppr_leader).get(assign_url(case)).text
    assert "Team Vest · 2 åbne sager" in option(html, cast.psychologist)
    assert "Team Vest · 0 åbne sager" in option(html, cast.colleague)
    assert "Team Øst · 1 åben sag" in option(html, cast.outsider)


def test_the_assign_page_reads_every_caseload_in_one_query(cast, django_assert_num_queries) -> None:
    case = make_case(cast, assigned=cast.psychologist)
    client = client_for(cast.ppr_leader)
    client.get(assign_url(case))  # the session and the user's roles settle
    with django_assert_num_queries(5 + SESSION_QUERIES) as few:
        client.get(assign_url(case))
    for _ in range(4):
        worker = user_with_role(Role.PSYCHOLOGIST, team=cast.team_oest)
        make_case(cast, assigned=worker, team=cast.team_oest)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(assign_url(case))


def test_visitation_shows_team_and_caseload_too(cast) -> None:
    referral = received(cast)
    make_case(cast, assigned=cast.colleague)
    url = reverse("cases:referral-visitate", kwargs={"pk": referral.pk})
    html = client_for(cast.ppr_leader).get(url).text
    assert "Team Vest · 1 åben sag" in option(html, cast.colleague)


def test_a_case_worker_with_the_caseload_annotation_can_still_be_assigned(cast) -> None:
    case = make_case(cast, assigned=cast.psychologist)
    response = client_for(cast.ppr_leader).post(assign_url(case), {"assignee": cast.colleague.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned == cast.colleague
