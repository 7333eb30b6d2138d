"""The Børnelineal history of a child as a small trend graphic (coordinates for an inline SVG)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cases.models import RulerColour, RulerRating

#: Short names for badges and the graphic; the long labels name the prevention level.
COLOUR_SHORT: dict[str, str] = {
    RulerColour.GROEN: "Grøn",
    RulerColour.GUL: "Gul",
    RulerColour.ROED: "Rød",
}
#: Height in the graphic: the more serious, the higher.
COLOUR_LEVEL = {RulerColour.GROEN: 0, RulerColour.GUL: 1, RulerColour.ROED: 2}

#: Geometry of the graphic (SVG user units).
STEP_X = 56
LEFT = 48
TOP = 16
ROW = 32
MAX_POINTS = 12


@dataclass(frozen=True)
class TrendPoint:
    x: int
    y: int
    colour: str
    label: str
    rated_on: date


@dataclass(frozen=True)
class Trend:
    points: list[TrendPoint]
    width: int
    height: int
    rows: list[tuple[int, str]]  # (y, label) of the three colour rows
    omitted: int  # older ratings left out of the graphic (the table shows all)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def summary(self) -> str:
        """The trend in words, for the SVG's accessible name."""
        return ", ".join(f"{p.rated_on:%d.%m.%Y}: {p.label}" for p in self.points)


def build_trend(ratings: Sequence[RulerRating]) -> Trend | None:
    """Lay out the ratings oldest first; ``ratings`` may come in any order."""
    if not ratings:
        return None
    ordered = sorted(ratings, key=lambda r: (r.rated_on, r.created_at, r.pk))
    shown = ordered[-MAX_POINTS:]
    bottom = TOP + 2 * ROW
    points = [
        TrendPoint(
            x=LEFT + i * STEP_X,
            y=bottom - COLOUR_LEVEL[RulerColour(r.colour)] * ROW,
            colour=r.colour,
            label=COLOUR_SHORT[RulerColour(r.colour)],
            rated_on=r.rated_on,
        )
        for i, r in enumerate(shown)
    ]
    rows = [(bottom - level * ROW, COLOUR_SHORT[colour]) for colour, level in COLOUR_LEVEL.items()]
    return Trend(
        points=points,
        width=LEFT + max(len(points) - 1, 0) * STEP_X + 40,
        height=bottom + 36,
        rows=rows,
        omitted=len(ordered) - len(shown),
    )
