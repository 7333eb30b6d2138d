"""The development plan: the seed municipality's plan as demo data, the status overview (late
steps flagged in words), the PPR leader's updates (no lost work, audited) and the printed PDF
for the steering group."""

import io
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from demo import reports as reports_demo
from ppr.audit.models import AuditAction, AuditEvent
from ppr.documents import rendering
from ppr.documents.models import Document, DocumentKind
from reports.models import (
    ActivityKind,
    ActivityStatus,
    DevelopmentPlan,
    EffectGoal,
    GoalMeasurement,
    PlanActivity,
    PlanInitiative,
    PreventionSpending,
)
from reports.plan import plan_overview

pytestmark = pytest.mark.django_db

PLAN = reports_demo.load_plan()

TODAY = date(2026, 6, 15)


def seeded(cast) -> DevelopmentPlan:
    reports_demo.seed(SimpleNamespace(users={"ppr_leader": cast.ppr_leader}))
    return DevelopmentPlan.objects.get(key=PLAN["key"])


def small_plan() -> tuple[DevelopmentPlan, PlanActivity, PlanActivity]:
    """One initiative: a step done on time and a step past its date still in progress."""
    plan = DevelopmentPlan.objects.create(key="test-plan", name="Testplan")
    initiative = PlanInitiative.objects.create(
        plan=plan, number="3.1", title="Systematisk opsporing", owner_text="Carina"
    )
    initiative.effect_goals.set([EffectGoal.objects.get(key="indstillinger-ppr")])
    done = PlanActivity.objects.create(
        initiative=initiative,
        kind=ActivityKind.ACTIVITY,
        number=1,
        title="Koordinerende TRIO i drift",
        due_on=date(2026, 2, 1),
        owner_text="Carina",
        status=ActivityStatus.DONE,
    )
    late = PlanActivity.objects.create(
        initiative=initiative,
        kind=ActivityKind.MILESTONE,
        number=1,
        title="Supportmodel beskrevet",
        due_on=date(2026, 5, 1),
        owner_text="Jette",
        status=ActivityStatus.IN_PROGRESS,
    )
    return plan, done, late


# --- Demo data -----------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_the_demo_holds_the_seed_municipalitys_plan_linked_to_beacons_and_goals(cast) -> None:
    plan = seeded(cast)
    steps = sum(len(i["steps"]) for i in PLAN["initiatives"])
    assert plan.name == "PPR på sporet"
    assert list(plan.initiatives.values_list("number", flat=True)) == [
        f"3.{n}" for n in range(1, 10)
    ]
    assert PlanActivity.objects.filter(initiative__plan=plan).count() == steps == 82
    first = plan.initiatives.get(number="3.1")
    assert sorted(b.number for b in first.beacons.all()) == [2, 4]
    assert {g.key for g in first.effect_goals.all()} == {
        "afgangsproeve",
        "udgift-specialtilbud",
        "stoette-serviceloven",
    }
    # The plan's 2018 dates are moved to start last year; every step has an owner and a status.
    trio = first.activities.get(kind=ActivityKind.ACTIVITY, number=1)
    assert trio.due_on == date(2025, 2, 1) and trio.owner_name == "Carina, Jette og Pia"
    statuses = set(PlanActivity.objects.values_list("status", flat=True))
    assert {ActivityStatus.DONE, ActivityStatus.IN_PROGRESS, ActivityStatus.NOT_STARTED} <= statuses
    # Manual goals get the last two years' measurements (the spending on special offers is
    # computed from the placements since issue 21: two manual goals with demo figures).
    assert GoalMeasurement.objects.filter(year__in=(2024, 2025)).count() == 4
    # The prevention share has its figure (issue 25): this year's spending on prevention, entered
    # as the PPR leader (without it the goal "Andel til forebyggelse" showed no value).
    spending = PreventionSpending.objects.get()
    assert (spending.year, spending.recorded_by) == (2026, cast.ppr_leader) and spending.amount > 0


@time_machine.travel(TODAY)
def test_running_the_demo_again_changes_nothing_the_leader_has_since_changed(cast) -> None:
    plan = seeded(cast)
    step = PlanActivity.objects.filter(initiative__plan=plan).first()
    step.status, step.status_note = ActivityStatus.POSTPONED, "Afventer budget"
    step.save()
    PreventionSpending.objects.update(amount=Decimal(1_000_000))
    before = PlanActivity.objects.count(), GoalMeasurement.objects.count()
    seeded(cast)
    assert (PlanActivity.objects.count(), GoalMeasurement.objects.count()) == before
    step.refresh_from_db()
    assert (step.status, step.status_note) == (ActivityStatus.POSTPONED, "Afventer budget")
    assert list(PreventionSpending.objects.values_list("amount", flat=True)) == [1_000_000]


# --- Status overview -----------------------------------------------------------------------


def test_the_overview_counts_steps_by_status_and_flags_late_ones() -> None:
    plan, done, late = small_plan()
    overview = plan_overview(plan, today=TODAY)
    summary = dict(overview.summary)
    assert summary["Afsluttet"] == 1 and summary["I gang"] == 1 and summary["Ikke startet"] == 0
    assert overview.late_count == 1
    [item] = overview.initiatives
    assert (item.total, item.done, item.late) == (2, 1, 1)
    assert [a.late for a in item.activities] == [False, True]  # type: ignore[attr-defined]  # late is set on each activity by plan_overview for the templates


@time_machine.travel(TODAY)
def test_the_overview_page_says_late_in_words_and_links_the_goals(cast, client_as) -> None:
    _plan, _done, late = small_plan()
    html = client_as(cast.psychologist).get(reverse("reports:plan-overview")).content.decode()
    goal = EffectGoal.objects.get(key="indstillinger-ppr")
    assert "Supportmodel beskrevet" in html and "Forsinket" in html
    assert reverse("reports:goal-detail", kwargs={"pk": goal.pk}) in html
    assert "style=" not in html
    # Case workers read the plan; only the PPR leader updates and prints it.
    assert reverse("reports:activity-update", kwargs={"pk": late.pk}) not in html
    assert "Udskriv status som PDF" not in html
    leader = client_as(cast.ppr_leader).get(reverse("reports:plan-overview")).content.decode()
    assert reverse("reports:activity-update", kwargs={"pk": late.pk}) in leader
    assert "Udskriv status som PDF" in leader


@time_machine.travel(TODAY)
def test_the_overview_costs_the_same_queries_for_the_whole_plan(cast, client_as) -> None:
    small_plan()
    client = client_as(cast.ppr_leader)
    client.get(reverse("reports:plan-overview"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reports:plan-overview"))
    DevelopmentPlan.objects.all().delete()
    seeded(cast)
    with CaptureQueriesContext(connection) as whole:
        response = client.get(reverse("reports:plan-overview"))
    assert response.status_code == 200 and "3.9" in response.content.decode()
    assert len(whole) == len(small)


def test_without_a_plan_the_overview_says_so(cast, client_as) -> None:
    response = client_as(cast.ppr_leader).get(reverse("reports:plan-overview"))
    assert "Der er ikke oprettet en udviklingsplan endnu." in response.content.decode()


# --- Updating a step -----------------------------------------------------------------------


def form_data(activity: PlanActivity, **changes: object) -> dict[str, object]:
    data = {
        "kind": activity.kind,
        "group": activity.group,
        "number": activity.number,
        "title": activity.title,
        "due_label": activity.due_label,
        "status": activity.status,
        "status_note": activity.status_note,
        "due_on": activity.due_on.isoformat(),
        "owner": activity.owner_id or "",
        "owner_text": activity.owner_text,
        "notes": activity.notes,
        "version": activity.version,
    }
    return data | changes


@time_machine.travel(TODAY)
def test_the_leader_updates_a_step_and_the_change_is_audited(cast, client_as) -> None:
    _plan, _done, late = small_plan()
    response = client_as(cast.ppr_leader).post(
        reverse("reports:activity-update", kwargs={"pk": late.pk}),
        form_data(late, status=ActivityStatus.DONE, status_note="Godkendt i styregruppen"),
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert (late.status, late.version, late.updated_by) == (ActivityStatus.DONE, 2, cast.ppr_leader)
    event = AuditEvent.objects.get(object_type="reports.PlanActivity")
    assert event.action == AuditAction.UPDATE and "status" in event.purpose
    assert plan_overview(late.initiative.plan, today=TODAY).late_count == 0


@time_machine.travel(TODAY)
def test_a_save_from_an_older_version_is_refused_and_nothing_is_lost(cast, client_as) -> None:
    _plan, _done, late = small_plan()
    client = client_as(cast.ppr_leader)
    url = reverse("reports:activity-update", kwargs={"pk": late.pk})
    opened = form_data(late)
    assert client.post(url, opened | {"status_note": "Først"}).status_code == 302
    response = client.post(url, opened | {"status_note": "Sidst, men fra en gammel formular"})
    assert response.status_code == 409
    assert "Dine ændringer er ikke gemt" in response.content.decode()
    late.refresh_from_db()
    assert (late.status_note, late.version) == ("Først", 2)


@time_machine.travel(TODAY)
def test_a_step_without_owner_or_date_is_refused_in_danish(cast, client_as) -> None:
    _plan, _done, late = small_plan()
    response = client_as(cast.ppr_leader).post(
        reverse("reports:activity-update", kwargs={"pk": late.pk}),
        form_data(late, owner_text="", due_on=""),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Angiv hvem der er ansvarlig." in html and "Angiv en dato." in html
    late.refresh_from_db()
    assert late.version == 1 and late.owner_text == "Jette"


# --- The printed status overview -----------------------------------------------------------


@time_machine.travel(TODAY)
def test_the_leader_prints_the_status_once_per_change(cast, client_as) -> None:
    plan, _done, late = small_plan()
    client = client_as(cast.ppr_leader)
    response = client.post(reverse("reports:plan-print"))
    document = Document.objects.get(kind=DocumentKind.UDVIKLINGSPLAN)
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:document-status", kwargs={"pk": document.pk})
    # A double click gives the same PDF; a change since gives the next version.
    client.post(reverse("reports:plan-print"))
    assert Document.objects.filter(kind=DocumentKind.UDVIKLINGSPLAN).count() == 1
    late.status = ActivityStatus.DONE
    late.save()
    client.post(reverse("reports:plan-print"))
    assert list(
        Document.objects.filter(kind=DocumentKind.UDVIKLINGSPLAN)
        .order_by("version")
        .values_list("version", flat=True)
    ) == [1, 2]


@time_machine.travel(TODAY)
def test_the_printed_status_holds_every_step_and_says_which_are_late(cast, client_as) -> None:
    small_plan()
    client_as(cast.ppr_leader).post(reverse("reports:plan-print"))
    document = Document.objects.get(kind=DocumentKind.UDVIKLINGSPLAN)
    pdf = rendering.render(document.template_name, document.context)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Testplan – status" in text and "Status pr. 15.06.2026" in text
    assert "Koordinerende TRIO i drift" in text and "Supportmodel beskrevet" in text
    assert "FORSINKET" in text and "Færre indstillinger til PPR" in text


@time_machine.travel(TODAY)
def test_a_goal_names_the_plans_initiatives_that_work_towards_it(cast, client_as) -> None:
    plan = seeded(cast)
    goal = EffectGoal.objects.get(key="afgangsproeve")
    html = client_as(cast.psychologist).get(goal.get_absolute_url()).content.decode()
    first = plan.initiatives.get(number="3.1")
    assert f'href="{reverse("reports:plan-overview")}#indsats-{first.pk}"' in html
    assert "3.1 Systematisk opsporing i dagtilbud og skoler" in html
