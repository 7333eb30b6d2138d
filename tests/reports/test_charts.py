"""Effect-goal and report charts: points named for what they are, an axis that fits the unit,
labels inside the plot, the running year named as such, percentage points for percentages,
and a month without data shown as a gap, not as 0 days."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from reports.charts import CHAR_WIDTH, NO_DATA, LineChart, bar_chart
from reports.goals import GoalProgress, progress
from reports.models import EffectGoal, GoalMeasurement
from tests.reports.factories import at, referral

pytestmark = pytest.mark.django_db


def goal(key: str) -> EffectGoal:
    return EffectGoal.objects.get(key=key)


def measure(goal: EffectGoal, by, **values: str) -> None:
    for year, value in values.items():
        GoalMeasurement.objects.create(
            goal=goal, year=int(year[1:]), value=Decimal(value), recorded_by=by
        )


def labels(chart: LineChart) -> dict[str, list[str]]:
    return {line.name: [p.label for p in line.points] for line in chart.series}


def top_tick(chart: LineChart) -> str:
    return chart.y_ticks[-1].label


@time_machine.travel(date(2027, 3, 1))
def test_a_goal_with_only_a_target_labels_its_point_mal_not_baseline(cast) -> None:
    [item] = progress([goal("afgangsproeve")])  # target 95 % in 2028, no baseline
    assert labels(item.chart)["Planlagt forløb (baseline → mål)"] == ["Mål 95 %"]


@time_machine.travel(date(2027, 3, 1))
def test_baseline_and_target_points_are_each_named_for_what_they_are(cast) -> None:
    [item] = progress([goal("indstillinger-ppr")])  # 400 (2025) → 320 (2028)
    assert labels(item.chart)["Planlagt forløb (baseline → mål)"] == ["Baseline 400", "Mål 320"]


@time_machine.travel(date(2027, 3, 1))
def test_a_percentage_axis_stops_at_100(cast) -> None:
    afgang = goal("afgangsproeve")
    measure(afgang, cast.ppr_leader, y2025="90.8", y2026="91.9")
    [item] = progress([afgang])
    assert top_tick(item.chart) == "100"
    assert [t.label for t in item.chart.y_ticks] == ["0", "20", "40", "60", "80", "100"]


@time_machine.travel(date(2027, 3, 1))
def test_a_count_axis_leaves_head_room_but_not_double(cast) -> None:
    [item] = progress([goal("indstillinger-ppr")])  # peak 400
    assert top_tick(item.chart) == "500"


@time_machine.travel(date(2027, 3, 1))
def test_every_point_label_stays_inside_the_plot_clear_of_the_axes(cast) -> None:
    support = goal("stoette-serviceloven")  # 1.100 (2025) → 1.000 (2028), counts
    measure(support, cast.ppr_leader, y2025="1120", y2026="1065", y2027="1010")
    share = goal("afgangsproeve")
    measure(share, cast.ppr_leader, y2025="100", y2026="2")
    for item in progress([support, share]):
        chart = item.chart
        for line in chart.series:
            for point in line.points:
                half = CHAR_WIDTH * len(point.label) / 2
                assert point.label_x - half > chart.plot_left, point.label
                assert point.label_x + half <= chart.plot_right, point.label
                assert 12 <= point.label_y <= chart.plot_bottom - 4, point.label
                assert point.x > chart.plot_left  # no point sits on the value axis


@time_machine.travel(date(2026, 10, 1))
def test_a_running_year_is_named_as_the_year_to_date_not_the_latest_whole_year(
    cast, client_as
) -> None:
    afgang = goal("afgangsproeve")
    measure(afgang, cast.ppr_leader, y2025="90.8", y2026="91.9")
    html = client_as(cast.ppr_leader).get(afgang.get_absolute_url()).content.decode()
    assert "<dt>2026 til dato</dt><dd>91,9 % (2026)</dd>" in html
    assert "Seneste hele år" not in html
    [item] = progress([afgang])
    assert "91,9 % (år til dato)" in labels(item.chart)["Målt"]


@time_machine.travel(date(2027, 3, 1))
def test_a_past_year_is_still_the_latest_whole_year(cast, client_as) -> None:
    afgang = goal("afgangsproeve")
    measure(afgang, cast.ppr_leader, y2025="90.8", y2026="91.9")
    html = client_as(cast.ppr_leader).get(afgang.get_absolute_url()).content.decode()
    assert "<dt>Seneste hele år</dt><dd>91,9 % (2026)</dd>" in html


@time_machine.travel(date(2027, 3, 1))
def test_a_change_between_percentages_is_in_percentage_points(cast) -> None:
    afgang = goal("afgangsproeve")
    afgang.baseline_value, afgang.baseline_year = Decimal(90), 2025
    afgang.save()
    measure(afgang, cast.ppr_leader, y2025="90.8", y2026="91.9")
    item: GoalProgress = progress([afgang])[0]
    assert item.assessed.change == Decimal("1.1")
    assert item.assessed.change_label == "+1,1 procentpoint"
    assert item.change_from_baseline_label == "+1,9 procentpoint"


@time_machine.travel(date(2027, 3, 1))
def test_a_change_of_a_count_is_still_in_percent(cast) -> None:
    support = goal("stoette-serviceloven")
    measure(support, cast.ppr_leader, y2025="1120", y2026="1065")
    [item] = progress([support])
    assert item.assessed.change_label == "\u22124,9 %"


def test_a_bar_without_a_value_reads_no_data_and_draws_no_bar() -> None:
    chart = bar_chart(
        title="Ventetid",
        description="",
        categories=["januar 2026", "februar 2026"],
        series=[("Median til visitation", [Decimal(12), None])],
        unit="dage",
    )
    january, february = (c.bars[0] for c in chart.categories)
    assert january.label == "12 dage" and not january.missing
    assert february.label == NO_DATA and february.missing


@time_machine.travel(date(2026, 6, 15))
def test_the_waiting_time_chart_shows_a_month_without_visitations_as_no_data(
    cast, client_as
) -> None:
    referral(cast.school, submitted=at(date(2026, 3, 2)), decided=at(date(2026, 3, 12)))
    referral(cast.school, submitted=at(date(2026, 4, 2)))  # still waiting: no waiting time yet
    response = client_as(cast.ppr_leader).get(
        reverse("reports:report-detail", kwargs={"slug": "ventetid"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert ">0 dage<" not in html
    assert f">{NO_DATA}<" in html
