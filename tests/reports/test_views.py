"""Report pages: who gets what, the filter's Danish errors, exports (audited, attachments, no
CPR, no formulas), the htmx fragment, and a constant number of queries per page."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import RulerColour
from indsatser.models import AbsenceProcedureStep, CourseKind
from ppr.audit.models import AuditAction, AuditEvent
from ppr.deadlines.models import DeadlineState
from reports.models import EffectGoal, GoalMeasurement
from reports.operational import REPORTS
from tests.cases.factories import ChildFactory
from tests.conftest import SESSION_QUERIES
from tests.reports.factories import (
    absence,
    at,
    case,
    course,
    deadline_on,
    participant,
    rating,
    referral,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
CPR_LIKE = re.compile(rb"\d{6}-?\d{4}")


def report_url(slug: str, query: str = "") -> str:
    return reverse("reports:report-detail", kwargs={"slug": slug}) + query


def export_url(slug: str, fmt: str, query: str = "") -> str:
    return reverse("reports:report-export", kwargs={"slug": slug, "fmt": fmt}) + query


def some_data(cast, n: int) -> None:
    """``n`` rows behind every report, spread over both districts."""
    for i in range(n):
        school = cast.school if i % 2 else cast.other_school
        submitted = at(date(2026, 1 + i % 5, 1 + i))
        referral(school, submitted=submitted, decided=submitted + timedelta(days=i + 1))
        referral(school, submitted=at(TODAY - timedelta(days=i)))
        assigned = cast.psychologist if i % 2 else cast.outsider
        open_case = case(school, assigned=assigned, opened=at(date(2026, 2, 1 + i)))
        deadline_on(
            open_case,
            due=date(2026, 3, 1 + i),
            state=DeadlineState.MET,
            met=at(date(2026, 3, 1)),
            district=school.district,
        )
        child = ChildFactory(institution=school)
        rating(child, RulerColour.GUL, date(2025, 12, 1))
        rating(child, (RulerColour.GROEN, RulerColour.ROED)[i % 2], date(2026, 3, 1 + i))
        group = course(starts_on=date(2026, 2, 1 + i), institution=school, title=f"Hold {i}")
        participant(group, school)
        absent = absence(child, year=2026, quarter=1 + i % 2)
        absent.current_step = AbsenceProcedureStep.objects.order_by("order")[i % 3]
        absent.save()


def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get(report_url("ventetid"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_index_lists_what_each_role_may_open(cast, client_as) -> None:
    leader = client_as(cast.ppr_leader).get(reverse("reports:report-index")).content.decode()
    assert "Effektmål" in leader and "Udviklingsplan" in leader and "Ventetid" in leader
    school = client_as(cast.school_leader).get(reverse("reports:report-index")).content.decode()
    assert "Ventetid" in school and "Effektmål" not in school and "din egen institution" in school
    worker = client_as(cast.psychologist).get(reverse("reports:report-index")).content.decode()
    assert "Effektmål" in worker and "Ventetid" not in worker
    assert client_as(cast.teacher).get(reverse("reports:report-index")).status_code == 403
    assert client_as(cast.administrator).get(reverse("reports:report-index")).status_code == 403


def test_the_nav_shows_reports_to_those_who_may_open_them(cast, client_as) -> None:
    link = f'href="{reverse("reports:report-index")}"'
    assert link in client_as(cast.ppr_leader).get(reverse("home")).content.decode()
    assert link in client_as(cast.school_leader).get(reverse("home")).content.decode()
    assert link not in client_as(cast.teacher).get(reverse("home")).content.decode()
    assert link not in client_as(cast.administrator).get(reverse("home")).content.decode()


def test_an_unknown_report_is_404(cast, client_as) -> None:
    assert client_as(cast.ppr_leader).get(report_url("findes-ikke")).status_code == 404


@time_machine.travel(TODAY)
def test_a_report_page_has_a_chart_a_table_and_export_links(cast, client_as) -> None:
    some_data(cast, 3)
    response = client_as(cast.ppr_leader).get(report_url("ventetid"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in html and '<title id="report-chart-title">' in html
    assert 'id="report-table"' in html
    assert export_url("ventetid", "csv", "?fra=2026-01-01&amp;til=2026-06-15") in html
    # No inline styles (CSP) and no Danish decimal comma inside SVG coordinates.
    assert "style=" not in html
    assert not re.search(r'(x|y|width|height)="\d+,\d', html)


@time_machine.travel(TODAY)
def test_the_default_period_is_this_year_to_date(cast, client_as) -> None:
    response = client_as(cast.ppr_leader).get(report_url("frister"))
    form = response.context["filter"].form
    assert form.data["fra"] == "2026-01-01" and form.data["til"] == "2026-06-15"


def test_a_period_that_ends_before_it_starts_is_a_danish_error_and_shows_no_figures(
    cast, client_as
) -> None:
    referral(cast.school, submitted=at(date(2026, 3, 1)), decided=at(date(2026, 3, 3)))
    response = client_as(cast.ppr_leader).get(
        report_url("ventetid", "?fra=2026-05-01&til=2026-04-01")
    )
    html = response.content.decode()
    assert "Til-datoen skal være samme dag som eller efter fra-datoen." in html
    assert response.context["chart"] is None
    assert list(response.context["table"].rows) == []


def test_an_institution_leader_is_told_off_when_choosing_another_institution(
    cast, client_as
) -> None:
    response = client_as(cast.school_leader).get(
        report_url("ventetid", f"?institution={cast.other_school.pk}")
    )
    assert response.status_code == 200
    assert "Vælg en institution fra listen." in response.content.decode()
    assert list(response.context["table"].rows) == []


@time_machine.travel(TODAY)
def test_an_institution_leader_sees_only_their_own_institution(cast, client_as) -> None:
    referral(cast.school, submitted=at(date(2026, 3, 1)), decided=at(date(2026, 3, 3)))
    referral(cast.other_school, submitted=at(date(2026, 3, 1)), decided=at(date(2026, 3, 9)))
    response = client_as(cast.other_leader).get(report_url("ventetid"))
    rows = response.context["table"].data.data
    assert [(r["district"], r["visit_median"]) for r in rows] == [("Øst", Decimal("8.0"))]
    options = response.context["filter"].form.fields["institution"].queryset
    assert list(options) == [cast.other_school]


@time_machine.travel(TODAY)
def test_htmx_gets_only_the_results_fragment(cast, client_as) -> None:
    response = client_as(cast.ppr_leader).get(
        report_url("boernelineal"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="report-results"' in html and "<form" not in html and "<html" not in html


@time_machine.travel(TODAY)
@pytest.mark.parametrize("slug", list(REPORTS))
def test_each_report_page_costs_the_same_number_of_queries_however_much_data(
    slug, cast, client_as, django_assert_num_queries
) -> None:
    client = client_as(cast.ppr_leader)
    some_data(cast, 2)
    client.get(report_url(slug))  # warm the content-type cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(report_url(slug)).status_code == 200
    assert len(few) > 0  # the page did query: the figures are not cached or skipped
    some_data(cast, 8)
    with django_assert_num_queries(len(few)):
        assert client.get(report_url(slug)).status_code == 200


@time_machine.travel(TODAY)
@pytest.mark.parametrize("slug", list(REPORTS))
def test_every_report_exports_csv_and_xlsx_as_audited_attachments_without_cpr(
    slug, cast, client_as
) -> None:
    some_data(cast, 3)
    client = client_as(cast.ppr_leader)
    for fmt, kind in (("csv", "text/csv"), ("xlsx", "spreadsheetml")):
        before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
        response = client.get(export_url(slug, fmt, "?fra=2026-01-01&til=2026-06-15"))
        assert response.status_code == 200
        assert kind in response["Content-Type"]
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert not CPR_LIKE.search(response.content)
        event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
        assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 1
        assert event.actor == cast.ppr_leader and "fra=2026-01-01" in event.term
        assert REPORTS[slug].title in event.purpose and event.child_id is None


@time_machine.travel(TODAY)
def test_the_export_holds_the_same_figures_as_the_table(cast, client_as) -> None:
    for days in (2, 4, 6, 8, 10):
        referral(cast.school, submitted=at(date(2026, 3, 2)), decided=at(date(2026, 3, 2 + days)))
    client = client_as(cast.ppr_leader)
    csv = client.get(export_url("ventetid", "csv")).content.decode("utf-8-sig").splitlines()
    assert csv[0].startswith("Måned (indsendt);Distrikt;Indsendt")
    assert csv[1].split(";")[:7] == ["marts 2026", "Vest", "5", "0", "5", "6", "9,2"]
    workbook = load_workbook(io.BytesIO(client.get(export_url("ventetid", "xlsx")).content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1][:7] == ("marts 2026", "Vest", 5, 0, 5, 6.0, 9.2)


@time_machine.travel(TODAY)
def test_the_export_writes_dates_the_danish_way(cast, client_as) -> None:
    participant(course(starts_on=date(2026, 2, 1), institution=cast.school), cast.school)
    client = client_as(cast.ppr_leader)
    csv = client.get(export_url("forloeb", "csv")).content.decode("utf-8-sig").splitlines()
    header = csv[0].split(";")
    assert csv[1].split(";")[header.index("Start")] == "01.02.2026"
    sheet = load_workbook(io.BytesIO(client.get(export_url("forloeb", "xlsx")).content)).active
    start = sheet.cell(row=2, column=header.index("Start") + 1)
    assert start.is_date and start.value.date() == date(2026, 2, 1)
    assert start.number_format == "dd.mm.yyyy"


@time_machine.travel(TODAY)
def test_a_cell_that_looks_like_a_formula_is_exported_as_text(cast, client_as) -> None:
    group = course(
        starts_on=date(2026, 2, 1), institution=cast.school, title='=HYPERLINK("http://x")'
    )
    participant(group, cast.school)
    client = client_as(cast.ppr_leader)
    csv = client.get(export_url("forloeb", "csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
    sheet = load_workbook(io.BytesIO(client.get(export_url("forloeb", "xlsx")).content)).active
    assert sheet.cell(row=2, column=1).value == '\'=HYPERLINK("http://x")'


@time_machine.travel(TODAY)
def test_the_running_courses_export_never_names_a_child(cast, client_as) -> None:
    child_case = case(cast.school)
    # A surname no staff member has, so a hit can only be the child.
    child_case.child.last_name = "Quistgaard-Vinkel"
    child_case.child.save()
    course(
        starts_on=date(2026, 2, 1),
        institution=cast.school,
        kind=CourseKind.CHILD,
        on_case=child_case,
        title=f"Forløb for {child_case.child.name}",
    )
    response = client_as(cast.ppr_leader).get(export_url("forloeb", "csv"))
    text = response.content.decode("utf-8-sig")
    assert child_case.child.last_name not in text and "Forløb for ét barn" in text


def test_a_refused_export_writes_no_file_and_no_audit_row(cast, client_as) -> None:
    assert client_as(cast.psychologist).get(export_url("ventetid", "csv")).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- Effect goals ---------------------------------------------------------------------------


@time_machine.travel(date(2027, 1, 15))
def test_the_dashboard_shows_each_goal_with_status_chart_and_table(
    cast, client_as, django_assert_num_queries
) -> None:
    for day in range(7):
        referral(cast.school, submitted=at(date(2025, 3, 1 + day)))
    for day in range(5):
        referral(cast.school, submitted=at(date(2026, 3, 1 + day)))
    client = client_as(cast.psychologist)  # case workers read the dashboard
    # 9 for the goals (goals, pejlemærker, six automatic measures — the spending on special
    # offers and the yearly prevention figures among them —, manual measurements); the rest is
    # the request itself (session, user, memberships, permissions, municipality).
    with django_assert_num_queries(18 + SESSION_QUERIES):
        response = client.get(reverse("reports:goal-dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="ppr-goal"') == 8
    assert "Færre indstillinger til PPR" in html and "\u221228,6 %" in html
    assert "På sporet" in html and "Stiplet linje med firkanter" in html
    assert "style=" not in html
    assert "Gem måling" not in html


def test_the_dashboard_costs_the_same_queries_with_more_data(
    cast, client_as, django_assert_num_queries
) -> None:
    client = client_as(cast.ppr_leader)
    client.get(reverse("reports:goal-dashboard"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("reports:goal-dashboard")).status_code == 200
    count = len(few)  # now: the next request empties the connection's log it is sliced from
    assert count > 0
    some_data(cast, 6)
    client.get(reverse("reports:goal-dashboard"))  # the cached measures built again, as above
    with django_assert_num_queries(count):
        assert client.get(reverse("reports:goal-dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("key", "typed", "saved"),
    [
        ("stoette-serviceloven", "1.100", Decimal(1100)),
        ("stoette-serviceloven", "1.065,5", Decimal("1065.5")),
        ("stoette-serviceloven", "48.5", Decimal("48.5")),
        ("afgangsproeve", " 91,9 ", Decimal("91.9")),
    ],
)
def test_a_measurement_is_read_the_danish_way(key, typed, saved, cast, client_as) -> None:
    goal = EffectGoal.objects.get(key=key)
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-measurement", kwargs={"pk": goal.pk}),
        {"year": "2025", "value": typed},
    )
    assert response.status_code == 302
    assert GoalMeasurement.objects.get(goal=goal, year=2025).value == saved


def test_the_leader_enters_a_measurement_in_the_form(cast, client_as) -> None:
    goal = EffectGoal.objects.get(key="stoette-serviceloven")
    client = client_as(cast.ppr_leader)
    page = client.get(goal.get_absolute_url()).content.decode()
    assert "Gem måling" in page
    response = client.post(
        reverse("reports:goal-measurement", kwargs={"pk": goal.pk}),
        {"year": "2025", "value": "48,5", "note": "Regnskab"},
    )
    assert response.status_code == 302
    assert GoalMeasurement.objects.get(goal=goal, year=2025).value == Decimal("48.5")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "", "value": "4"}, "Angiv året."),
        ({"year": "1999", "value": "4"}, "Året skal ligge mellem 2000 og"),
        ({"year": "2025", "value": "mange"}, "Angiv værdien som et tal."),
        ({"year": "2025", "value": "4,5,6"}, "Angiv værdien som et tal."),
    ],
)
def test_a_bad_measurement_is_refused_in_danish_and_nothing_is_saved(
    data, message, cast, client_as
) -> None:
    goal = EffectGoal.objects.get(key="stoette-serviceloven")
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-measurement", kwargs={"pk": goal.pk}), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GoalMeasurement.objects.exists()


def test_a_percentage_above_100_is_refused(cast, client_as) -> None:
    goal = EffectGoal.objects.get(key="afgangsproeve")
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-measurement", kwargs={"pk": goal.pk}),
        {"year": "2025", "value": "120"},
    )
    assert response.status_code == 400
    assert "En procent skal være mellem 0 og 100." in response.content.decode()


def test_an_automatic_goal_takes_no_measurements(cast, client_as) -> None:
    goal = EffectGoal.objects.get(key="indstillinger-ppr")
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-measurement", kwargs={"pk": goal.pk}), {"year": "2025", "value": "3"}
    )
    assert response.status_code == 403


def test_the_leader_adjusts_a_goal_and_the_change_is_audited(cast, client_as) -> None:
    goal = EffectGoal.objects.get(key="indstillinger-ppr")
    data = {
        "name": goal.name,
        "direction": "lavere",
        "baseline_value": "410",
        "baseline_year": "2024",
        "target_value": "320",
        "target_year": "2028",
        "active": "on",
    }
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-update", kwargs={"pk": goal.pk}), data
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.baseline_value, goal.baseline_year) == (Decimal(410), 2024)
    event = AuditEvent.objects.filter(object_type="reports.EffectGoal").get()
    assert "baseline_value" in event.purpose and "baseline_year" in event.purpose


def test_a_target_without_a_year_is_refused(cast, client_as) -> None:
    goal = EffectGoal.objects.get(key="indstillinger-ppr")
    data = {
        "name": goal.name,
        "direction": "lavere",
        "baseline_value": "400",
        "baseline_year": "2025",
        "target_value": "320",
        "target_year": "",
    }
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-update", kwargs={"pk": goal.pk}), data
    )
    assert response.status_code == 400
    assert "Angiv både måltal og år" in response.content.decode()
    goal.refresh_from_db()
    assert goal.target_year == 2028


def goal_data(goal: EffectGoal, **values: str) -> dict[str, str]:
    return {
        "name": goal.name,
        "direction": goal.direction,
        "baseline_value": "",
        "baseline_year": "",
        "target_value": "95",
        "target_year": "2028",
        "active": "on",
        **values,
    }


def field_error(html: str, field: str) -> str:
    """The error text shown at one field (its ``…_error`` element), or ""."""
    found = re.search(rf'id="id_{field}_error"><span class="sr-only">Fejl: </span>([^<]*)<', html)
    return found.group(1) if found else ""


def test_a_percentage_goal_refuses_908_percent_and_minus_20_percent_at_their_fields(
    cast, client_as
) -> None:
    goal = EffectGoal.objects.get(key="afgangsproeve")
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-update", kwargs={"pk": goal.pk}),
        goal_data(goal, baseline_value="908", baseline_year="2025", target_value="-20"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "baseline_value") == "En procent skal være mellem 0 og 100."
    assert field_error(html, "target_value") == "En procent skal være mellem 0 og 100."
    goal.refresh_from_db()
    assert (goal.baseline_value, goal.target_value) == (None, Decimal(95))
    assert not AuditEvent.objects.filter(object_type="reports.EffectGoal").exists()


def test_a_count_goal_refuses_a_negative_target_but_takes_more_than_100(cast, client_as) -> None:
    goal = EffectGoal.objects.get(key="stoette-serviceloven")
    url = reverse("reports:goal-update", kwargs={"pk": goal.pk})
    data = goal_data(goal, baseline_value="1.100", baseline_year="2025", target_value="\u22125")
    response = client_as(cast.ppr_leader).post(url, data)
    assert response.status_code == 400
    assert (
        field_error(response.content.decode(), "target_value") == "Et antal kan ikke være negativt."
    )
    assert field_error(response.content.decode(), "baseline_value") == ""
    data["target_value"] = "1000"
    assert client_as(cast.ppr_leader).post(url, data).status_code == 302
    goal.refresh_from_db()
    assert (goal.baseline_value, goal.target_value) == (Decimal(1100), Decimal(1000))


def test_a_danish_decimal_comma_in_the_goal_form_is_a_decimal_not_a_thousand(
    cast, client_as
) -> None:
    goal = EffectGoal.objects.get(key="afgangsproeve")
    url = reverse("reports:goal-update", kwargs={"pk": goal.pk})
    response = client_as(cast.ppr_leader).post(
        url, goal_data(goal, baseline_value="90,8", baseline_year="2025", target_value="95,5")
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.baseline_value, goal.target_value) == (Decimal("90.8"), Decimal("95.5"))
    # The form shows the values as they were typed, in text inputs that take a comma.
    html = client_as(cast.ppr_leader).get(url).content.decode()
    assert re.search(
        r'<input type="text" name="baseline_value" value="90,8"[^>]*inputmode="decimal"', html
    )
    assert 'name="target_value" value="95,5"' in html
    assert 'type="number" name="baseline_value"' not in html


def test_a_measured_amount_cannot_be_negative(cast, client_as) -> None:
    # The municipality's only amount goal is measured from the placements; as a manual one:
    goal = EffectGoal.objects.get(key="udgift-specialtilbud")
    goal.measurement, goal.measure_key = "manuel", ""
    goal.save()
    response = client_as(cast.ppr_leader).post(
        reverse("reports:goal-measurement", kwargs={"pk": goal.pk}),
        {"year": "2025", "value": "-48,5"},
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "value") == "Et beløb kan ikke være negativt."
    assert not GoalMeasurement.objects.exists()


def test_the_goal_export_is_audited(cast, client_as) -> None:
    response = client_as(cast.secretary).get(reverse("reports:goal-export", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=cast.secretary).exists()
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Effektmål" and len(rows) > 7


@time_machine.travel(date(2027, 1, 15))
def test_the_leaders_start_page_lists_the_goals_off_track(cast, client_as) -> None:
    for day in range(3):
        referral(cast.school, submitted=at(date(2026, 3, 1 + day)))
    goal = EffectGoal.objects.get(key="indstillinger-ppr")
    goal.baseline_value, goal.target_value = Decimal(2), Decimal(1)
    goal.save()
    html = client_as(cast.ppr_leader).get(reverse("home")).content.decode()
    assert "mål er ikke på sporet" in html and goal.name in html
    assert (
        'id="panel-goals"' not in client_as(cast.psychologist).get(reverse("home")).content.decode()
    )
