"""Server-rendered SVG charts: the geometry is computed here, the templates draw it.

The templates (``reports/_bar_chart.html``, ``reports/_line_chart.html``) use classes only —
no style attributes, since the CSP has no 'unsafe-inline' — and the classes in
``static/css/ppr.css`` give each series both a colour and a pattern (or a dash and a marker
shape), and every bar and point carries its value as text, so nothing is told by colour alone.
Every chart sits next to a table with the same figures.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .formatting import smart

#: Series styles in order: each has a colour and a distinct pattern (see ppr.css).
SERIES_STYLES = ("s1", "s2", "s3", "s4", "s5")

WIDTH = 640
ROW = 26
BAR_GAP = 4
LABEL_WIDTH = 190
VALUE_ROOM = 64
TOP = 8
AXIS_ROOM = 28
LEGEND_ROW = 22

Number = Decimal | float | int


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``value`` (an axis maximum)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-9:
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class LegendItem:
    name: str
    style: str
    x: float
    y: float
    marker: str = "bar"

    @property
    def x_end(self) -> float:
        return self.x + 24


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    style: str
    label: str
    series: str
    label_x: float
    label_y: float
    label_inside: bool
    missing: bool = False  # no value (e.g. a month where nobody was visited yet): no bar


@dataclass(frozen=True)
class Category:
    label: str
    y: float
    bars: list[Bar]
    total_label: str = ""
    total_x: float = 0.0


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    axis_y: float
    categories: list[Category]
    ticks: list[Tick]
    legend: list[LegendItem]
    omitted: int = 0
    stacked: bool = False

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def label_x(self) -> float:
        return self.plot_left - 8

    @property
    def tick_y(self) -> float:
        return round(self.axis_y + 16, 1)


def r(value: float) -> float:
    """Coordinates with one decimal keep the SVG small."""
    return round(value, 1)


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


#: The label of a bar without a value.
NO_DATA = "ingen data"


def _total_label(total: float, suffix: str, any_value: bool) -> str:
    return smart(total) + suffix if any_value else NO_DATA


def bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    stacked: bool = False,
    unit: str = "",
    styles: Sequence[str] = SERIES_STYLES,
    max_categories: int = 25,
) -> BarChart:
    """Horizontal bars, one group (or one stack) per category, one bar per series. A value of
    ``None`` has no bar and reads "ingen data": a month without data is not 0 days."""
    shown = list(categories)[:max_categories]
    omitted = len(categories) - len(shown)
    suffix = f" {unit}" if unit else ""
    given = [[v is not None for v in list(vals)[: len(shown)]] for _, vals in series]
    values = [
        [float(v) if v is not None else 0.0 for v in list(vals)[: len(shown)]] for _, vals in series
    ]
    if stacked:
        peak = max((sum(column) for column in zip(*values, strict=True)), default=0.0)
    else:
        peak = max((v for column in values for v in column), default=0.0)
    maximum = nice_ceiling(peak)
    plot_left = float(LABEL_WIDTH)
    plot_right = float(WIDTH - VALUE_ROOM)
    scale = (plot_right - plot_left) / maximum
    bars_per_row = 1 if stacked else max(len(series), 1)
    bar_height = (ROW - BAR_GAP) if stacked else max((ROW - BAR_GAP) / bars_per_row, 6)
    row_height = ROW if stacked else bar_height * bars_per_row + BAR_GAP * 2

    out: list[Category] = []
    y = float(TOP)
    for index, label in enumerate(shown):
        bars: list[Bar] = []
        x = plot_left
        total = 0.0
        for s, (name, _) in enumerate(series):
            value = values[s][index]
            width = value * scale
            style = styles[s % len(styles)]
            bar_y = y + (0 if stacked else s * bar_height)
            missing = not given[s][index]
            text = NO_DATA if missing else smart(value) + suffix
            if stacked:
                inside = width >= 8 * len(text) + 6
                bars.append(
                    Bar(
                        x,
                        bar_y,
                        width,
                        bar_height,
                        style,
                        text,
                        name,
                        x + width / 2,
                        bar_y + bar_height / 2 + 4,
                        inside and not missing,
                        missing,
                    )
                )
                x += width
                total += value
            else:
                bars.append(
                    Bar(
                        plot_left,
                        bar_y,
                        width,
                        bar_height,
                        style,
                        text,
                        name,
                        plot_left + width + 4,
                        bar_y + bar_height / 2 + 4,
                        False,
                        missing,
                    )
                )
        out.append(
            Category(
                label=_short(label),
                y=r(y + (row_height - (0 if stacked else 2 * BAR_GAP)) / 2 + 4),
                bars=bars,
                total_label=_total_label(total, suffix, any(g[index] for g in given))
                if stacked
                else "",
                total_x=r(x + 4),
            )
        )
        y += row_height
    axis_y = y + 2
    ticks = [
        Tick(r(plot_left + step * (plot_right - plot_left) / 4), smart(maximum * step / 4))
        for step in range(5)
    ]
    legend: list[LegendItem] = []
    legend_y = axis_y + AXIS_ROOM
    if len(series) > 1:
        x = plot_left
        for s, (name, _) in enumerate(series):
            legend.append(LegendItem(name, styles[s % len(styles)], r(x), r(legend_y)))
            x += 24 + 8 * len(name) + 16
            if x > WIDTH - 120:
                x = plot_left
                legend_y += LEGEND_ROW
        legend_y += LEGEND_ROW
    return BarChart(
        title=title,
        description=description,
        width=WIDTH,
        height=int(legend_y + 4),
        plot_left=plot_left,
        plot_right=plot_right,
        axis_y=r(axis_y),
        categories=out,
        ticks=ticks,
        legend=legend,
        omitted=omitted,
        stacked=stacked,
    )


# --- Line chart (effect goals) -------------------------------------------------------------

LINE_WIDTH = 560
LINE_HEIGHT = 260
LINE_LEFT = 56
LINE_RIGHT = 24
LINE_TOP = 24
LINE_BOTTOM = 40
#: Room between the value axis and the first year (and the last year and the edge), so a
#: point's label never sits on the axis or its tick labels.
LINE_INSET = 36
#: Rough width of one character of a 12 px label, to keep a label inside the plot.
CHAR_WIDTH = 7.0
#: The most steps on the value axis.
MAX_Y_STEPS = 5


def value_axis(peak: float, ceiling: float | None = None) -> tuple[float, int]:
    """A nice step and the number of steps for a value axis that shows ``peak`` with some head
    room, never above ``ceiling`` (a share stops at 100 %)."""
    top = peak * 1.1
    if ceiling is not None:
        top = min(top, ceiling)
    if top <= 0:
        return 1.0, 4
    step = nice_ceiling(top / MAX_Y_STEPS)
    return step, max(math.ceil(top / step - 1e-9), 1)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    hollow: bool = False
    title: str = ""
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass(frozen=True)
class LineSeries:
    name: str
    style: str  # "measured" or "planned": a dash pattern and a marker shape each
    marker: str  # "circle" or "square"
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    series: list[LineSeries]
    legend: list[LegendItem] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def y_label_x(self) -> float:
        return self.plot_left - 6

    @property
    def x_label_y(self) -> float:
        return self.plot_bottom + 18


def line_chart(
    *,
    title: str,
    description: str,
    years: Sequence[int],
    series: Sequence[tuple[str, str, str, Sequence[tuple[int, Number, str, bool]]]],
    ceiling: float | None = None,
) -> LineChart:
    """Years along x, values up y from 0 (to at most ``ceiling``). ``series``: (name, style,
    marker, points) where a point is (year, value, label, hollow). Measured (round) points are
    labelled above, planned (square) ones below – each on the other side when the plot's edge
    is near – and every label stays inside the plot."""
    peak = max((float(p[1]) for _, _, _, points in series for p in points), default=0.0)
    step, steps = value_axis(peak, ceiling)
    maximum = step * steps
    left, right = float(LINE_LEFT), float(LINE_WIDTH - LINE_RIGHT)
    top, bottom = float(LINE_TOP), float(LINE_HEIGHT - LINE_BOTTOM)
    first, last = (min(years), max(years)) if years else (0, 0)
    span = max(last - first, 1)

    def x_of(year: int) -> float:
        if first == last:
            return (left + right) / 2
        return left + LINE_INSET + (year - first) * (right - left - 2 * LINE_INSET) / span

    def y_of(value: float) -> float:
        return bottom - min(value, maximum) * (bottom - top) / maximum

    def point(year: int, value: Number, label: str, hollow: bool, above: bool) -> Point:
        x, y = x_of(year), y_of(float(value))
        half = CHAR_WIDTH * len(label) / 2
        label_x = min(max(x, left + half + 4), right - half)
        if above and y - 10 - 12 < top - 16:
            above = False
        elif not above and y + 20 > bottom - 4:
            above = True
        label_y = y - 10 if above else y + 20
        return Point(r(x), r(y), label, hollow, f"{year}: {label}", r(label_x), r(label_y))

    lines = [
        LineSeries(
            name=name,
            style=style,
            marker=marker,
            points=[
                point(year, value, label, hollow, above=marker != "square")
                for year, value, label, hollow in points
            ],
        )
        for name, style, marker, points in series
    ]
    legend = []
    x = left
    for line in lines:
        legend.append(LegendItem(line.name, line.style, r(x), LINE_HEIGHT - 8, marker=line.marker))
        x += 40 + 7 * len(line.name)
    return LineChart(
        title=title,
        description=description,
        width=LINE_WIDTH,
        height=LINE_HEIGHT,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        x_ticks=[Tick(r(x_of(year)), str(year)) for year in years],
        y_ticks=[Tick(r(y_of(step * n)), smart(step * n)) for n in range(steps + 1)],
        series=lines,
        legend=legend,
    )
