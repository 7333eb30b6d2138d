"""The development plan and the effect goals edited in the app by the PPR leader (issue 25,
seed 004 §1, §4–6): initiatives with their tovholder, new activities with late flags, goals
added and retired (history kept), and the prevention share computed from the placements'
prices against the yearly prevention spending the leader enters."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from ppr.audit.models import AuditAction, AuditEvent
from reports.goals import progress
from reports.measures import MEASURES
from reports.models import (
    ActivityStatus,
    DevelopmentPlan,
    EffectGoal,
    GoalMeasurement,
    PlanActivity,
    PlanInitiative,
    PreventionSpending,
)
from reports.plan import plan_overview
from tests.conftest import SESSION_QUERIES
from tests.visitation.factories import offer, placement

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def plan() -> DevelopmentPlan:
    return DevelopmentPlan.objects.create(key="ppr-paa-sporet", name="PPR på sporet")


def initiative(p: DevelopmentPlan) -> PlanInitiative:
    return PlanInitiative.objects.create(plan=p, number="3.6", title="Bekymrende fravær")


# --- The development plan ------------------------------------------------------------------


def test_the_leader_adds_an_initiative_with_its_tovholder_once_for_a_double_submit(
    cast, client_as
) -> None:
    p = plan()
    client = client_as(cast.ppr_leader)
    url = reverse("reports:initiative-create")
    assert client.get(url).status_code == 200
    data = {
        "number": "3.10",
        "title": "Skilsmissegrupper",
        "owner_text": "Hanne / Michael",
        "description": "",
        "client_token": str(uuid.uuid4()),
    }
    first, second = client.post(url, data), client.post(url, data)
    created = PlanInitiative.objects.get(plan=p)
    assert (first.status_code, second.status_code) == (302, 302)
    assert created.owner_text == "Hanne / Michael"
    assert (
        AuditEvent.objects.filter(
            object_type="reports.PlanInitiative", action=AuditAction.CREATE
        ).count()
        == 1
    )


def test_an_initiative_without_tovholder_or_with_a_taken_number_is_refused_in_danish(
    cast, client_as
) -> None:
    p = plan()
    initiative(p)
    response = client_as(cast.ppr_leader).post(
        reverse("reports:initiative-create"),
        {"number": "3.6", "title": "", "owner_text": "", "client_token": str(uuid.uuid4())},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Angiv indsatsens tovholder." in html and "Angiv indsatsens titel." in html
    assert PlanInitiative.objects.count() == 1


def test_the_leader_renames_an_initiative_and_changes_its_tovholder(cast, client_as) -> None:
    item = initiative(plan())
    response = client_as(cast.ppr_leader).post(
        reverse("reports:initiative-update", kwargs={"pk": item.pk}),
        {"number": "3.6", "title": "Bekymrende fravær – mellemtrin", "owner_text": "Hanne"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.owner_text) == ("Bekymrende fravær – mellemtrin", "Hanne")
    assert "owner_text" in AuditEvent.objects.get(object_type="reports.PlanInitiative").purpose


def activity_data(**changes: object) -> dict[str, object]:
    return {
        "kind": "milepael",
        "group": "",
        "number": 1,
        "title": "Procedure for mellemtrinnet godkendt",
        "due_on": "2026-05-31",
        "due_label": "Ult. maj",
        "owner": "",
        "owner_text": "Hanne / Michael",
        "status": "i_gang",
        "status_note": "",
        "notes": "",
        "client_token": str(uuid.uuid4()),
    } | changes


@time_machine.travel(TODAY)
def test_a_new_milestone_past_its_date_and_not_done_is_flagged_late(cast, client_as) -> None:
    item = initiative(plan())
    client = client_as(cast.ppr_leader)
    url = reverse("reports:activity-create", kwargs={"pk": item.pk})
    assert client.get(url).status_code == 200
    data = activity_data()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit
    [milestone] = PlanActivity.objects.filter(initiative=item)
    assert milestone.label == "Milepæl 1" and milestone.is_late(TODAY)
    assert plan_overview(item.plan, today=TODAY).late_count == 1
    page = client.get(reverse("reports:plan-overview")).content.decode()
    assert "Procedure for mellemtrinnet godkendt" in page and "Forsinket" in page
    # Done: no longer late; a future date: not late.
    milestone.status = ActivityStatus.DONE
    milestone.save()
    assert plan_overview(item.plan, today=TODAY).late_count == 0


def test_a_new_activity_with_errors_saves_nothing_and_says_why_in_danish(cast, client_as) -> None:
    item = initiative(plan())
    PlanActivity.objects.create(
        initiative=item, kind="milepael", number=1, title="Før", due_on=TODAY, owner_text="X"
    )
    response = client_as(cast.ppr_leader).post(
        reverse("reports:activity-create", kwargs={"pk": item.pk}),
        activity_data(title="", owner_text="", due_on="31-05"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Angiv en titel." in html and "Angiv en gyldig dato." in html
    assert PlanActivity.objects.count() == 1
    response = client_as(cast.ppr_leader).post(
        reverse("reports:activity-create", kwargs={"pk": item.pk}), activity_data()
    )
    assert response.status_code == 400
    assert "Indsatsen har allerede en aktivitet med dette nummer." in response.content.decode()


def test_only_the_leader_edits_the_plan(cast, client_as) -> None:
    item = initiative(plan())
    url = reverse("reports:activity-create", kwargs={"pk": item.pk})
    assert client_as(cast.psychologist).post(url, activity_data()).status_code == 403
    assert client_as(cast.teacher).post(url, activity_data()).status_code == 404
    assert not PlanActivity.objects.exists()


# --- Effect goals: add and retire ----------------------------------------------------------


def goal_data(**changes: object) -> dict[str, object]:
    return {
        "name": "Flere elever i almen skole efter et specialtilbud",
        "description": "Børn tilbage i almenskolen pr. år.",
        "unit": "antal",
        "direction": "hoejere",
        "baseline_value": "4",
        "baseline_year": "2025",
        "target_value": "10",
        "target_year": "2028",
        "measurement": "manuel",
        "measure_key": "",
        "client_token": str(uuid.uuid4()),
    } | changes


def test_the_leader_adds_a_manual_goal_once_for_a_double_submit(cast, client_as) -> None:
    client = client_as(cast.ppr_leader)
    url = reverse("reports:goal-create")
    assert client.get(url).status_code == 200
    before = EffectGoal.objects.count()
    data = goal_data()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert EffectGoal.objects.count() == before + 1
    goal = EffectGoal.objects.get(name=data["name"])
    assert (goal.baseline_value, goal.target_year, goal.measure_key) == (Decimal(4), 2028, "")
    assert goal.key.startswith("flere-elever-i-almen-skole")
    dashboard = client.get(reverse("reports:goal-dashboard")).content.decode()
    assert data["name"] in dashboard


def test_an_automatic_goal_must_name_its_measure_and_a_bad_goal_saves_nothing(
    cast, client_as
) -> None:
    before = EffectGoal.objects.count()
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-create"),
        goal_data(measurement="automatisk", unit="procent", target_value="140", target_year=""),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vælg hvilken måling et automatisk mål følger." in html
    assert "Angiv både måltal og år – eller ingen af dem." in html
    assert EffectGoal.objects.count() == before
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-create"),
        goal_data(measurement="automatisk", measure_key="ppr_referrals", name="Indstillinger"),
    )
    assert response.status_code == 302
    assert EffectGoal.objects.get(name="Indstillinger").measure_key == "ppr_referrals"


def test_a_retired_goal_keeps_its_history_and_leaves_the_overview(cast, client_as) -> None:
    goal = EffectGoal.objects.get(key="stoette-serviceloven")
    GoalMeasurement.objects.create(goal=goal, year=2025, value=1080, recorded_by=cast.ppr_leader)
    client = client_as(cast.ppr_leader)
    url = reverse("reports:goal-retire", kwargs={"pk": goal.pk})
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # twice: one retirement
    goal.refresh_from_db()
    assert goal.is_retired and not goal.active and goal.retired_by == cast.ppr_leader
    assert goal.measurements.get(year=2025).value == 1080
    assert (
        AuditEvent.objects.filter(object_type="reports.EffectGoal", pk__isnull=False)
        .filter(purpose__contains="udgået")
        .count()
        == 1
    )
    dashboard = client.get(reverse("reports:goal-dashboard")).content.decode()
    assert goal.name not in dashboard
    export = client.get(reverse("reports:goal-export", kwargs={"fmt": "csv"})).content.decode()
    assert goal.name not in export
    detail = client.get(goal.get_absolute_url()).content.decode()
    assert "Målet er udgået" in detail and "1.080" in detail
    retired = client.get(reverse("reports:goal-retired"), {"navn": "serviceloven"})
    assert [g.pk for g in retired.context["table"].data] == [goal.pk]
    assert client.post(reverse("reports:goal-reinstate", kwargs={"pk": goal.pk})).status_code == 302
    goal.refresh_from_db()
    assert goal.active and not goal.is_retired


def test_a_case_worker_cannot_retire_a_goal(cast, client_as) -> None:
    goal = EffectGoal.objects.get(key="stoette-serviceloven")
    url = reverse("reports:goal-retire", kwargs={"pk": goal.pk})
    assert client_as(cast.psychologist).post(url).status_code == 403
    goal.refresh_from_db()
    assert goal.active


def test_the_retired_goals_list_costs_the_same_queries_however_many(
    cast, client_as, django_assert_num_queries
) -> None:
    from reports import services

    client = client_as(cast.ppr_leader)
    goals = list(EffectGoal.objects.all())
    services.retire_goal(goal=goals[0], by=cast.ppr_leader)
    client.get(reverse("reports:goal-retired"))
    with django_assert_num_queries(4 + SESSION_QUERIES):
        client.get(reverse("reports:goal-retired"))
    for goal in goals[1:]:
        services.retire_goal(goal=goal, by=cast.ppr_leader)
    with django_assert_num_queries(4 + SESSION_QUERIES):
        response = client.get(reverse("reports:goal-retired"), {"sort": "-name"})
    assert len(response.context["table"].rows) == len(goals)


# --- The prevention share ------------------------------------------------------------------


def test_the_prevention_goal_is_measured_from_spending_and_the_courses_have_their_own() -> None:
    share = EffectGoal.objects.get(key="forebyggelse-andel")
    assert share.measure_key == "prevention_spending_share"
    assert (share.baseline_value, share.target_value) == (Decimal(28), Decimal(40))
    courses = EffectGoal.objects.get(key="forebyggende-forloeb")
    assert courses.measure_key == "preventive_courses_share"
    assert courses.name == "Andel forebyggende PPR-forløb"
    assert MEASURES["preventive_courses_share"].label != MEASURES["prevention_spending_share"].label


@time_machine.travel(TODAY)
def test_the_prevention_share_is_prevention_against_special_offers_from_the_prices(
    cast, client_as
) -> None:
    # 2025: one place at 365.000 kr. all year and one for 306 days → 671.000 kr. on special
    # offers; 329.000 kr. on prevention → 329 / 1.000 = 32.9 %.
    a = offer(cast, name="Kastanjeklassen", yearly_price=Decimal("365000"), places=8)
    placement(cast, a, date(2024, 8, 1))
    placement(cast, a, date(2025, 3, 1), ended_on=date(2025, 12, 31), end_reason="almen")
    client = client_as(cast.ppr_leader)
    url = reverse("reports:prevention-spending")
    response = client.post(url, {"year": 2025, "amount": "329.000", "note": "Regnskab 2025"})
    assert response.status_code == 302
    assert PreventionSpending.objects.get(year=2025).amount == Decimal(329000)
    # 2026 to 15 June (166 of 365 days): 166.000 kr. on the running place; a whole year's
    # 365.000 kr. on prevention counts 166/365 of it, 166.000 kr. → 50.0 %.
    client.post(url, {"year": 2026, "amount": "365000", "note": ""})
    assert MEASURES["prevention_spending_share"](2024, 2026) == {
        2025: Decimal("32.9"),
        2026: Decimal("50.0"),
    }
    [item] = progress([EffectGoal.objects.get(key="forebyggelse-andel")], today=TODAY)
    assert {p.year: p.value for p in item.points if p.value is not None} == {
        2025: Decimal("32.9"),
        2026: Decimal("50.0"),
    }
    # Entering a year again corrects it.
    client.post(url, {"year": 2025, "amount": "671000", "note": ""})
    assert MEASURES["prevention_spending_share"](2025, 2025) == {2025: Decimal("50.0")}
    assert PreventionSpending.objects.count() == 2


def test_without_a_prevention_figure_a_year_has_no_share(cast) -> None:
    a = offer(cast, yearly_price=Decimal("365000"))
    placement(cast, a, date(2024, 8, 1))
    assert MEASURES["prevention_spending_share"](2024, 2025) == {}


def test_a_bad_prevention_figure_is_refused_in_danish_and_only_the_leader_enters_it(
    cast, client_as
) -> None:
    url = reverse("reports:prevention-spending")
    response = client_as(cast.ppr_leader).post(url, {"year": "2025", "amount": "-5", "note": ""})
    assert response.status_code == 400
    assert "Et beløb kan ikke være negativt." in response.content.decode()
    response = client_as(cast.ppr_leader).post(url, {"year": "1999", "amount": "x"})
    html = response.content.decode()
    assert "Året skal ligge mellem 2000" in html and "Angiv beløbet som et tal" in html
    assert client_as(cast.psychologist).get(url).status_code == 200
    assert client_as(cast.psychologist).post(url, {"year": 2025, "amount": "1"}).status_code == 403
    assert not PreventionSpending.objects.exists()


def test_the_prevention_spending_page_costs_the_same_queries_however_many_years(
    cast, client_as, django_assert_num_queries
) -> None:
    from reports import services

    client = client_as(cast.ppr_leader)
    services.record_prevention_spending(year=2020, amount=Decimal(1), by=cast.ppr_leader)
    client.get(reverse("reports:prevention-spending"))
    with django_assert_num_queries(5 + SESSION_QUERIES):
        client.get(reverse("reports:prevention-spending"))
    for year in range(2010, 2020):
        services.record_prevention_spending(year=year, amount=Decimal(year), by=cast.ppr_leader)
    with django_assert_num_queries(5 + SESSION_QUERIES):
        client.get(reverse("reports:prevention-spending"), {"sort": "amount"})
