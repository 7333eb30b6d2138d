"""Spending on special offers: placements × the offer's yearly price, pro rata by the days of
the year each placement ran — what a municipal economist expects of "udgift til specialtilbud".

The rule, decided here and used by both the spending report and the effect goal:

- A placement runs from its start to the day it ended (``ended_on``), else to its planned end
  (``ends_on``), else on; both days count.
- For a year, a placement costs its offer's yearly price × (its days in that year ÷ the
  year's days, 365 or 366). A whole year costs the yearly price; 1 August–31 December 2026 is
  153/365 of it.
- The running year counts only the days up to today ("år til dato"): spending that has
  happened, not a forecast. The effect goal therefore does not judge the running year.
- The price is the offer's current yearly price per place: prices are not kept per year.

One query reads the placements that overlap the years asked for (offer, price, ownership and
the dates); Python adds up the days — there are hundreds of placements, not millions.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from visitation.models import Placement

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class PlacementPeriod:
    offer_id: int
    offer_name: str
    own: bool
    places: int
    yearly_price: Decimal
    starts_on: date
    ends_on: date | None  # inclusive; None: still running


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def days_within(period: PlacementPeriod, year: int, today: date) -> int:
    """The placement's days in ``year``, counted up to ``today`` at the latest."""
    first = max(period.starts_on, date(year, 1, 1))
    last = min(date(year, 12, 31), today)
    if period.ends_on is not None:
        last = min(last, period.ends_on)
    return max(0, (last - first).days + 1)


def cost_in_year(period: PlacementPeriod, year: int, today: date) -> Decimal:
    """The yearly price pro rata by the placement's days in the year (to the øre)."""
    days = days_within(period, year, today)
    if not days:
        return Decimal(0)
    share = Decimal(days) / Decimal(days_in_year(year))
    return (period.yearly_price * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def periods(queryset: QuerySet[Any], first: int, last: int) -> list[PlacementPeriod]:
    """The placements of ``queryset`` that ran in some year of ``[first, last]`` (one query)."""
    rows = (
        queryset.annotate(end=Coalesce("ended_on", "ends_on"))
        .filter(starts_on__lte=date(last, 12, 31))
        .filter(Q(end__isnull=True) | Q(end__gte=date(first, 1, 1)))
        .values_list(
            "offer_id",
            F("offer__name"),
            F("offer__own"),
            F("offer__places"),
            F("offer__yearly_price"),
            "starts_on",
            "end",
        )
        .order_by()
    )
    return [PlacementPeriod(*row) for row in rows]


def all_placements() -> QuerySet[Any]:
    return Placement.objects.all()


def spending_per_year(
    placements: Iterable[PlacementPeriod], first: int, last: int, today: date
) -> dict[int, Decimal]:
    """Kroner per year in ``[first, last]``; years without spending are left out."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for period in placements:
        for year in range(max(first, period.starts_on.year), last + 1):
            cost = cost_in_year(period, year, today)
            if cost:
                totals[year] += cost
    return dict(totals)
