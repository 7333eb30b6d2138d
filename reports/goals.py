"""Effect goals against reality: measured values per year, the planned path, and on-track.

The planned path is a straight line from the baseline (value, year) to the target (value, year)
and flat at the target afterwards (a goal without a baseline is measured against its target). A goal is on track when its latest complete year is at least
as good as the path says for that year. For a count over the year (referrals, BUP referrals) the
current year is shown "år til dato" but not judged: half a year of referrals is not a year.
A change between two percentages is told in percentage points (90,8 % → 91,9 % is
+1,1 procentpoint), any other change in percent of the value before.
"""

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from .charts import LineChart, line_chart
from .formatting import signed_percent, signed_points, smart
from .measures import MEASURES
from .models import EffectGoal, GoalMeasurement, GoalUnit

#: How many years before the baseline an automatic measure looks back.
LOOK_BACK_YEARS = 4
#: The highest a chart's value axis goes for a unit: a share never passes 100 %.
AXIS_CEILINGS: dict[str, float] = {GoalUnit.PERCENT: 100.0}


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
    change: Decimal | None  # from the year before: in percent, or percentage points (in_points)
    running: bool = False  # the current year, measured so far
    in_points: bool = False

    @property
    def change_label(self) -> str:
        return signed_points(self.change) if self.in_points else signed_percent(self.change)


@dataclass(frozen=True)
class GoalProgress:
    goal: EffectGoal
    points: list[YearPoint]
    assessed: YearPoint | None
    track: Track
    measure_label: str
    chart: LineChart | None
    this_year: int = 0

    @property
    def in_points(self) -> bool:
        return self.goal.unit == GoalUnit.PERCENT

    @property
    def assessed_title(self) -> str:
        """What the assessed year is: the latest whole year, or the running year so far."""
        if self.assessed is not None and self.assessed.year >= self.this_year:
            return f"{self.assessed.year} til dato"
        return "Seneste hele år"

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
        if self.in_points:
            return signed_points(self.change_from_baseline)
        return signed_percent(self.change_from_baseline)

    @property
    def measured_points(self) -> list[YearPoint]:
        return [p for p in self.points if p.value is not None]

    @property
    def change_from_baseline(self) -> Decimal | None:
        base = self.goal.baseline_value
        if self.assessed is None or self.assessed.value is None or base is None:
            return None
        return _change(self.assessed.value, base, in_points=self.in_points)


def _change(new: Decimal, old: Decimal, *, in_points: bool) -> Decimal | None:
    """From ``old`` to ``new``: percentage points between two percentages, else percent of old."""
    if in_points:
        return (new - old).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
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
    in_points = goal.unit == GoalUnit.PERCENT
    points: list[YearPoint] = []
    previous: Decimal | None = None
    for year in range(min(years), max(years) + 1):
        value = values.get(year)
        if value is None and cumulative and values and min(values) <= year <= this_year:
            value = Decimal(0)
        if year > this_year:
            value = None
        change = (
            _change(value, previous, in_points=in_points)
            if value is not None and previous is not None
            else None
        )
        points.append(
            YearPoint(
                year=year,
                value=value,
                expected=expected_value(goal, year),
                partial=cumulative and year == this_year and value is not None,
                change=change,
                running=year == this_year and value is not None,
                in_points=in_points,
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
    measured = [(p, value) for p in points if (value := p.value) is not None]
    planned = [
        (name, year, value)
        for name, year, value in (
            ("Baseline", goal.baseline_year, goal.baseline_value),
            ("Mål", goal.target_year, goal.target_value),
        )
        if year is not None and value is not None
    ]
    if not measured and not planned:
        return None
    suffix = f" {unit}" if unit != "antal" else ""
    series = []
    if planned:
        series.append(
            (
                "Planlagt forløb (baseline → mål)",
                "planned",
                "square",
                [
                    (year, value, f"{name} {smart(value)}{suffix}", False)
                    for name, year, value in planned
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
                        value,
                        smart(value) + suffix + (" (år til dato)" if p.running else ""),
                        p.running,
                    )
                    for p, value in measured
                ],
            )
        )
    years = [p.year for p in points]
    described = (
        "; ".join(f"{p.year}: {smart(value)}{suffix}" for p, value in measured) or "ingen målinger"
    )
    return line_chart(
        title=goal.name,
        description=f"Målte værdier: {described}.",
        years=years,
        series=series,
        ceiling=AXIS_CEILINGS.get(goal.unit),
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
                this_year=this_year,
            )
        )
    return result
