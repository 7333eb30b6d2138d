"""The visitation reports: applications, decisions and appeals per year; placements per offer
and year; children returned to the general offer; spending on special offers (placements ×
yearly price, pro rata by days, the running year to date) feeding the effect goal; CSV and
XLSX export; the PPR leader's only."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.goals import progress
from reports.measures import MEASURES
from reports.models import EffectGoal
from reports.spending import PlacementPeriod, cost_in_year
from tests.cases.case_fixtures import cpr_born, make_case
from tests.cases.ppv_fixtures import draft, finalise
from tests.visitation.factories import decision, offer, placement
from visitation import services

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def report_url(slug: str, query: str = "") -> str:
    return reverse("reports:report-detail", kwargs={"slug": slug}) + query


def export_url(slug: str, fmt: str, query: str = "") -> str:
    return reverse("reports:report-export", kwargs={"slug": slug, "fmt": fmt}) + query


def _placements(cast):
    """Offer A (own, 365.000 kr. a year: 1.000 kr. a day in 2025) and B (bought, 730.000)."""
    a = offer(cast, name="Kastanjeklassen", yearly_price=Decimal("365000"), places=8)
    b = offer(cast, name="Fjordly (købte pladser)", yearly_price=Decimal("730000"), own=False)
    placement(cast, a, date(2024, 8, 1))  # running
    placement(cast, a, date(2025, 3, 1), ended_on=date(2025, 12, 31), end_reason="almen")
    placement(cast, b, date(2026, 1, 1))  # running
    placement(cast, b, date(2023, 1, 1), ended_on=date(2023, 12, 31), end_reason="skift")
    return a, b


def test_the_cost_of_a_year_is_the_price_pro_rata_by_days_and_the_running_year_to_date() -> None:
    period = PlacementPeriod(1, "A", True, 8, Decimal("365000"), date(2024, 8, 1), None)
    assert cost_in_year(period, 2024, TODAY) == Decimal("152581.97")  # 153 of 366 days
    assert cost_in_year(period, 2025, TODAY) == Decimal("365000.00")  # the whole year
    assert cost_in_year(period, 2026, TODAY) == Decimal("166000.00")  # 1.1.–15.6.: 166 days
    assert cost_in_year(period, 2027, TODAY) == 0  # not yet
    assert cost_in_year(period, 2023, TODAY) == 0  # before it started


@time_machine.travel(TODAY)
def test_spending_per_year_counts_own_and_bought_places_and_feeds_the_effect_goal(
    cast, client_as
) -> None:
    _placements(cast)
    response = client_as(cast.ppr_leader).get(
        report_url("udgift-specialtilbud", "?fra=2024-01-01&til=2026-06-15")
    )
    assert response.status_code == 200
    rows = {row["year"]: row for row in response.context["table"].data}
    assert (rows[2026]["own"], rows[2026]["bought"]) == (Decimal("166000.00"), Decimal("332000.00"))
    assert rows[2025]["total"] == Decimal("671000.00")  # 365.000 + 306 days of 1.000
    assert rows[2024]["total"] == Decimal("152581.97")
    assert rows[2025]["child_years"] == Decimal("1.84")  # 1 + 306/365
    assert MEASURES["special_offer_spending"](2023, 2026) == {
        2023: Decimal("0.73"),
        2024: Decimal("0.15"),
        2025: Decimal("0.67"),
        2026: Decimal("0.50"),
    }
    [goal] = progress([EffectGoal.objects.get(key="udgift-specialtilbud")], today=TODAY)
    measured = {p.year: p.value for p in goal.points if p.value is not None}
    assert measured[2025] == Decimal("0.67")
    assert goal.assessed is not None and goal.assessed.year == 2025  # 2026 is year to date
    assert "placeringerne" in goal.measure_label


@time_machine.travel(TODAY)
def test_placements_per_offer_and_year_and_children_returned_to_the_general_offer(
    cast, client_as
) -> None:
    _placements(cast)
    client = client_as(cast.ppr_leader)
    rows = (
        client.get(report_url("placeringer", "?fra=2025-01-01&til=2026-12-31"))
        .context["table"]
        .data
    )
    table = {(row["year"], row["offer"]): row for row in rows}
    assert set(table) == {
        (2025, "Kastanjeklassen"),
        (2026, "Kastanjeklassen"),
        (2026, "Fjordly (købte pladser)"),
    }
    k2025 = table[(2025, "Kastanjeklassen")]
    assert (k2025["placed"], k2025["started"], k2025["returned"], k2025["places"]) == (2, 1, 1, 8)
    assert k2025["spending"] == Decimal("671000.00")
    assert table[(2026, "Kastanjeklassen")]["placed"] == 1  # the returned child is gone
    returned = client.get(report_url("tilbage-til-almen", "?fra=2023-01-01")).context["table"]
    assert [(r["year"], r["offer"], r["children"]) for r in returned.data] == [
        (2025, "Kastanjeklassen", 1)
    ]  # a change of offer is not a return


def _decided(cast, day: date, outcome: str):
    with time_machine.travel(day):
        case = make_case(cast, assigned=cast.psychologist, child__cpr=cpr_born(date(2016, 5, 2)))
        finalise(draft(cast, case), cast.psychologist)
        return decision(cast, case, outcome=outcome)


def test_applications_decisions_and_appeals_are_counted_per_year(cast, client_as) -> None:
    _decided(cast, date(2025, 3, 3), "bevilget")
    refused = _decided(cast, date(2025, 5, 5), "afslaaet")
    with time_machine.travel(date(2025, 5, 20)):
        appeal = services.register_appeal(
            decision=refused, received_on=date(2025, 5, 20), by=cast.ppr_leader
        )
    with time_machine.travel(date(2025, 9, 1)):
        services.record_appeal_outcome(
            appeal=appeal,
            outcome="aendret",
            outcome_on=date(2025, 9, 1),
            note="",
            by=cast.ppr_leader,
        )
    _decided(cast, date(2026, 2, 2), "anden")
    with time_machine.travel(TODAY):
        response = client_as(cast.ppr_leader).get(report_url("visitation", "?fra=2024-01-01"))
    rows = {row["year"]: row for row in response.context["table"].data}
    assert set(rows) == {2024, 2025, 2026}
    assert rows[2024]["applications"] == rows[2024]["decisions"] == 0
    assert {
        k: rows[2025][k] for k in ("applications", "decisions", "granted", "refused", "other")
    } == {
        "applications": 2,
        "decisions": 2,
        "granted": 1,
        "refused": 1,
        "other": 0,
    }
    assert (rows[2025]["appeals"], rows[2025]["appeals_changed"]) == (1, 1)
    assert (rows[2026]["applications"], rows[2026]["other"], rows[2026]["appeals"]) == (1, 1, 0)


@time_machine.travel(TODAY)
def test_the_spending_exports_as_csv_and_xlsx(cast, client_as) -> None:
    _placements(cast)
    client = client_as(cast.ppr_leader)
    query = "?fra=2025-01-01&til=2026-06-15"
    csv = client.get(export_url("udgift-specialtilbud", "csv", query))
    assert csv.status_code == 200 and "text/csv" in csv["Content-Type"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert (
        lines[0] == "År;Pladsår;Egne tilbud (kr.);Købte pladser (kr.);I alt (kr.);I alt (mio. kr.)"
    )
    assert lines[2].split(";")[0] == "2025"
    workbook = load_workbook(
        io.BytesIO(client.get(export_url("udgift-specialtilbud", "xlsx", query)).content)
    )
    sheet = list(workbook.active.iter_rows(values_only=True))
    assert sheet[2][0] == 2025 and sheet[2][4] == 671000.0


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "slug", ["visitation", "placeringer", "tilbage-til-almen", "udgift-specialtilbud"]
)
def test_only_the_ppr_leader_opens_the_visitation_reports(slug, cast, client_as) -> None:
    assert client_as(cast.ppr_leader).get(report_url(slug)).status_code == 200
    for user in (cast.school_leader, cast.psychologist, cast.secretary):
        assert client_as(user).get(report_url(slug)).status_code == 403
        assert client_as(user).get(export_url(slug, "csv")).status_code == 403
    index = client_as(cast.school_leader).get(reverse("reports:report-index")).content.decode()
    assert "Udgift til specialtilbud" not in index
    assert "Udgift til specialtilbud" in (
        client_as(cast.ppr_leader).get(reverse("reports:report-index")).content.decode()
    )


@time_machine.travel(TODAY)
def test_the_spending_report_costs_the_same_queries_however_many_placements(
    cast, client_as, django_assert_num_queries
) -> None:
    a, b = _placements(cast)
    client = client_as(cast.ppr_leader)
    client.get(report_url("placeringer"))
    with CaptureQueriesContext(connection) as few:
        client.get(report_url("placeringer"))
    for month in range(1, 6):
        placement(cast, b, date(2025, month, 1))
    with django_assert_num_queries(len(few)):
        assert client.get(report_url("placeringer")).status_code == 200
