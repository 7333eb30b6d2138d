"""Effect goals against reality: measured values per year, the planned path, and on-track.

The planned path is a straight line from the baseline (value, year) to the target (value, year)
and flat at the target afterwards (a goal without a baseline is measured against its target). A goal is on track when its latest complete year is at least
as good as the path says for that year. For a count over the year (referrals, BUP referrals) the
current year is shown "år til dato" but not judged: half a year of referrals is not a year.
"""

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from .charts import LineChart, line_chart
from .formatting import signed_percent, smart
from .measures import MEASURES
from .models import EffectGoal, GoalMeasurement, GoalUnit

#: How many years before the baseline an automatic measure looks back.
LOOK_BACK_YEARS = 4


class Track(enum.Enum):
    ON_TRACK = "På sporet"
    OFF_TRACK = "Ikke på sporet"
    NO_TARGET = "Intet måltal – kan ikke vurderes"
    NO_DATA = "Ingen måling endnu"

    @property
    def label(self) -> str:
        return self.value

    @property
    def css(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class YearPoint:
    year: int
    value: Decimal | None
    expected: Decimal | None
    partial: bool
    change: Decimal | None  # in percent from the year before

    @property
    def change_label(self) -> str:
        return signed_percent(self.change)


@dataclass(frozen=True)
class GoalProgress:
    goal: EffectGoal
    points: list[YearPoint]
    assessed: YearPoint | None
    track: Track
    measure_label: str
    chart: LineChart | None

    @property
    def unit_label(self) -> str:
        return GoalUnit(self.goal.unit).label

    def show(self, value: Decimal | None) -> str:
        if value is None:
            return "–"
        return f"{smart(value)} {self.unit_label}"

    @property
    def baseline_label(self) -> str:
        g = self.goal
        return f"{self.show(g.baseline_value)} ({g.baseline_year})" if g.baseline_year else "–"

    @property
    def target_label(self) -> str:
        g = self.goal
        return f"{self.show(g.target_value)} ({g.target_year})" if g.target_year else "–"

    @property
    def assessed_label(self) -> str:
        if self.assessed is None:
            return "–"
        return f"{self.show(self.assessed.value)} ({self.assessed.year})"

    @property
    def expected_label(self) -> str:
        if self.assessed is None or self.assessed.expected is None:
            return "–"
        return self.show(self.assessed.expected)

    @property
    def change_from_baseline_label(self) -> str:
        return signed_percent(self.change_from_baseline)

    @property
    def measured_points(self) -> list[YearPoint]:
        return [p for p in self.points if p.value is not None]

    @property
    def change_from_baseline(self) -> Decimal | None:
        base = self.goal.baseline_value
        if self.assessed is None or self.assessed.value is None or not base:
            return None
        return _percent_change(self.assessed.value, base)


def _percent_change(new: Decimal, old: Decimal) -> Decimal | None:
    if not old:
        return None
    return (Decimal(100) * (new - old) / old).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def expected_value(goal: EffectGoal, year: int) -> Decimal | None:
    """Where the straight path from baseline to target says the goal should be in ``year``.

    Without a baseline (e.g. "95 % take the leaving exam") the path is the target itself.
    """
    if goal.target_year is None or goal.target_value is None:
        return None
    if goal.baseline_year is None or goal.baseline_value is None:
        return goal.target_value
    if year < goal.baseline_year:
        return None
    if year >= goal.target_year or goal.target_year == goal.baseline_year:
        return goal.target_value
    share = Decimal(year - goal.baseline_year) / Decimal(goal.target_year - goal.baseline_year)
    value = goal.baseline_value + (goal.target_value - goal.baseline_value) * share
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_on_track(goal: EffectGoal, point: YearPoint) -> bool:
    assert point.value is not None and point.expected is not None
    if goal.lower_is_better:
        return point.value <= point.expected
    return point.value >= point.expected


def _automatic_values(goals: list[EffectGoal], this_year: int) -> dict[str, dict[int, Decimal]]:
    """One aggregate query per measure used, over the widest range any goal needs."""
    ranges: dict[str, int] = {}
    for goal in goals:
        if goal.is_automatic and goal.measure_key in MEASURES:
            start = min(goal.baseline_year or this_year, this_year) - LOOK_BACK_YEARS
            ranges[goal.measure_key] = min(ranges.get(goal.measure_key, start), start)
    return {key: MEASURES[key](first, this_year) for key, first in ranges.items()}


def _manual_values(goals: list[EffectGoal]) -> dict[int, dict[int, Decimal]]:
    manual = [g.pk for g in goals if not g.is_automatic]
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if manual:
        for goal_id, year, value in GoalMeasurement.objects.filter(goal_id__in=manual).values_list(
            "goal_id", "year", "value"
        ):
            values[goal_id][year] = value
    return values


def _points(
    goal: EffectGoal, values: dict[int, Decimal], cumulative: bool, this_year: int
) -> list[YearPoint]:
    years = set(values)
    if cumulative and values:
        # A year inside the measured span without a single row is a true zero.
        years |= set(range(min(values), this_year + 1))
    if goal.baseline_year:
        years.add(goal.baseline_year)
    if goal.target_year:
        years.add(goal.target_year)
    if not years:
        return []
    points: list[YearPoint] = []
    previous: Decimal | None = None
    for year in range(min(years), max(years) + 1):
        value = values.get(year)
        if value is None and cumulative and values and min(values) <= year <= this_year:
            value = Decimal(0)
        if year > this_year:
            value = None
        change = _percent_change(value, previous) if value is not None and previous else None
        points.append(
            YearPoint(
                year=year,
                value=value,
                expected=expected_value(goal, year),
                partial=cumulative and year == this_year and value is not None,
                change=change,
            )
        )
        previous = value
    return points


def _assess(goal: EffectGoal, points: list[YearPoint]) -> tuple[YearPoint | None, Track]:
    judged = [
        p
        for p in points
        if p.value is not None
        and not p.partial
        and (goal.baseline_year is None or p.year >= goal.baseline_year)
    ]
    latest = judged[-1] if judged else None
    if latest is None:
        return None, Track.NO_DATA
    if latest.expected is None:
        return latest, Track.NO_TARGET
    return latest, Track.ON_TRACK if is_on_track(goal, latest) else Track.OFF_TRACK


def _chart(goal: EffectGoal, points: list[YearPoint], unit: str) -> LineChart | None:
    measured = [p for p in points if p.value is not None]
    planned = [
        (year, value)
        for year, value in (
            (goal.baseline_year, goal.baseline_value),
            (goal.target_year, goal.target_value),
        )
        if year is not None and value is not None
    ]
    if not measured and not planned:
        return None
    suffix = f" {unit}" if unit != "antal" else ""
    series = []
    if planned:
        names = ("Baseline", "Mål")
        series.append(
            (
                "Planlagt forløb (baseline → mål)",
                "planned",
                "square",
                [
                    (year, value, f"{names[i]} {smart(value)}{suffix}", False)
                    for i, (year, value) in enumerate(planned)
                ],
            )
        )
    if measured:
        series.append(
            (
                "Målt",
                "measured",
                "circle",
                [
                    (
                        p.year,
                        p.value,
                        smart(p.value) + suffix + (" (år til dato)" if p.partial else ""),
                        p.partial,
                    )
                    for p in measured
                ],
            )
        )
    years = [p.year for p in points]
    described = (
        "; ".join(f"{p.year}: {smart(p.value)}{suffix}" for p in measured) or "ingen målinger"
    )
    return line_chart(
        title=goal.name,
        description=f"Målte værdier: {described}.",
        years=years,
        series=series,  # type: ignore[arg-type]
    )


def progress(goals: Iterable[EffectGoal], *, today: date | None = None) -> list[GoalProgress]:
    """Each goal's measured values, planned path and status. Queries: one per automatic measure
    in use plus one for all manual measurements, however many goals and years."""
    goals = list(goals)
    this_year = (today or timezone.localdate()).year
    automatic = _automatic_values(goals, this_year)
    manual = _manual_values(goals)
    result = []
    for goal in goals:
        measure = MEASURES.get(goal.measure_key) if goal.is_automatic else None
        if goal.is_automatic:
            values = automatic.get(goal.measure_key, {})
        else:
            values = manual.get(goal.pk, {})
        cumulative = bool(measure and measure.cumulative)
        points = _points(goal, values, cumulative, this_year)
        assessed, track = _assess(goal, points)
        unit = GoalUnit(goal.unit).label
        result.append(
            GoalProgress(
                goal=goal,
                points=points,
                assessed=assessed,
                track=track,
                measure_label=measure.label
                if measure
                else "Manuel måling: indtastes af PPR-lederen for hvert år.",
                chart=_chart(goal, points, unit),
            )
        )
    return result
