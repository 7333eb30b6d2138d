"""Automatic measures of the effect goals, computed from the system's own data.

An automatic ``EffectGoal`` names one of these by ``measure_key``. Each measure returns its
value per calendar year (Europe/Copenhagen) in ``[first, last]`` from one aggregate query:
the database groups and counts, Python only turns a handful of per-year rows into a dict.
Years without any rows are absent from the result (the caller decides what a gap means).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from cases.models import Case, CaseOutcome, Referral
from indsatser.models import PREVENTIVE_LEVELS, AbsenceCase, Course, CourseStatus
from ppr import generations

from . import spending
from .models import PreventionSpending

YearValues = dict[int, Decimal]
MeasureFunction = Callable[[int, int], YearValues]

#: How long a measure's yearly values are kept at most (a bulk update sends no signal).
MEASURE_SECONDS = 600
#: The measures whose query reads many rows, kept in the cache by generation: the generation
#: (``ppr.generations``) and what renews it (connected in ``ReportsConfig.ready``).
CACHED_BY = {
    # 34,000 submitted referrals counted into years: the costliest query of the PPR leader's
    # start page (bench/NOTES.md, 6 Dec 2026, evening). A draft counts nowhere.
    "ppr_referrals": ("measure-referrals", ("cases.Referral",)),
    "preventive_courses_share": ("measure-courses", ("indsatser.Course", "indsatser.Intervention")),
}


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    #: A count or sum over the year: the current year is incomplete ("år til dato") and is not
    #: used to judge whether the goal is on track. A share is not cumulative.
    cumulative: bool
    function: MeasureFunction

    def __call__(self, first: int, last: int) -> YearValues:
        cached_by = CACHED_BY.get(self.key)
        if cached_by is None:
            return self.function(first, last)
        generation = cached_by[0]
        return generations.cached_many(
            generation,
            {f"{self.key}:{first}:{last}": lambda: self.function(first, last)},
            MEASURE_SECONDS,
        )[f"{self.key}:{first}:{last}"]


MEASURES: dict[str, Measure] = {}


def measure(
    key: str, label: str, *, cumulative: bool
) -> Callable[[MeasureFunction], MeasureFunction]:
    def decorator(function: MeasureFunction) -> MeasureFunction:
        MEASURES[key] = Measure(key=key, label=label, cumulative=cumulative, function=function)
        return function

    return decorator


def _not_submitted(instance: object = None, **kwargs: object) -> bool:
    """A referral draft's save changes no count (only submitted referrals are counted)."""
    return getattr(instance, "submitted_at", None) is None


def connect() -> None:
    """Renew each cached measure's generation when a row it counts is saved or deleted."""
    for generation, models in CACHED_BY.values():
        unless = _not_submitted if models == ("cases.Referral",) else (lambda **kwargs: False)
        generations.renew_on_change(generation, *models, unless=unless)


def measure_choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in MEASURES.values()]


def _per_year(rows: Iterable[Mapping[str, Any]], value: str = "n") -> YearValues:
    return {row["year"]: Decimal(row[value]) for row in rows}


def _count_per_year(queryset: QuerySet, field: str, first: int, last: int) -> YearValues:
    """How many rows fall in each year (years without any are left out), one ``COUNT … FILTER``
    per year on that year's range of ``field``: its index answers it. Grouping by
    ``EXTRACT(YEAR FROM field AT TIME ZONE …)`` read and converted every row instead (the
    PPR leader's start page: 39 ms → 7 ms for 34,000 referrals, bench/NOTES.md)."""
    years = range(first, last + 1)
    counts = queryset.filter(
        **{f"{field}__year__gte": first, f"{field}__year__lte": last}
    ).aggregate(**{f"y{year}": Count("pk", filter=Q(**{f"{field}__year": year})) for year in years})
    return {year: Decimal(counts[f"y{year}"]) for year in years if counts[f"y{year}"]}


@measure(
    "ppr_referrals",
    "Indstillinger til PPR pr. år: alle indsendte indstillinger (ikke kladder), efter indsendelsesdato.",
    cumulative=True,
)
def ppr_referrals(first: int, last: int) -> YearValues:
    return _count_per_year(Referral.objects.all(), "submitted_at", first, last)


@measure(
    "bup_referrals",
    "Henvisninger til børne- og ungdomspsykiatrien pr. år: sager lukket med udfaldet "
    "“Henvist til børne- og ungdomspsykiatrien”, efter lukkedato.",
    cumulative=True,
)
def bup_referrals(first: int, last: int) -> YearValues:
    return _count_per_year(Case.objects.filter(outcome=CaseOutcome.BUP), "closed_at", first, last)


@measure(
    "preventive_courses_share",
    "Andel forebyggende PPR-forløb: forløb på primært eller sekundært niveau i procent af alle "
    "PPR's forløb startet i året (et hold tæller som ét forløb).",
    cumulative=False,
)
def preventive_courses_share(first: int, last: int) -> YearValues:
    rows = (
        # A draft nobody has started yet is not a course that ran.
        Course.objects.exclude(status=CourseStatus.DRAFT)
        .filter(starts_on__year__gte=first, starts_on__year__lte=last)
        .annotate(year=ExtractYear("starts_on"))
        .values("year")
        .annotate(
            total=Count("pk"),
            preventive=Count("pk", filter=Q(intervention__level__in=PREVENTIVE_LEVELS)),
        )
        .order_by()
    )
    return {
        row["year"]: (Decimal(100 * row["preventive"]) / Decimal(row["total"])).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        for row in rows
        if row["total"]
    }


@measure(
    "unlawful_absence",
    "Elever med bekymrende ulovligt fravær pr. år: antal forskellige elever med en fraværssag "
    "i et af årets kvartaler.",
    cumulative=True,
)
def unlawful_absence(first: int, last: int) -> YearValues:
    rows = (
        AbsenceCase.objects.filter(year__gte=first, year__lte=last)
        .values("year")
        .annotate(n=Count("child", distinct=True))
        .order_by()
    )
    return _per_year(rows)


@measure(
    "special_offer_spending",
    "Udgift til specialtilbud pr. år i mio. kr.: hver placering i et specialtilbud × tilbuddets "
    "årlige pris pr. plads, forholdsmæssigt efter placeringens dage i året (løbende år: til "
    "dato). Beregnes af placeringerne i PPR Sag (reports/spending.py).",
    cumulative=True,
)
def special_offer_spending(first: int, last: int) -> YearValues:
    today = timezone.localdate()
    kroner = spending.spending_per_year(
        spending.periods(spending.all_placements(), first, last), first, last, today
    )
    return {
        year: (amount / spending.MILLION).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for year, amount in kroner.items()
    }


@measure(
    "prevention_spending_share",
    "Andel til forebyggelse: udgiften til forebyggelse (indtastet af PPR-lederen pr. år) i "
    "procent af udgiften til forebyggelse og specialtilbud tilsammen; udgiften til "
    "specialtilbud beregnes af placeringerne × tilbuddenes årlige pris. Løbende år: begge "
    "udgifter til dato. Et år uden indtastet udgift til forebyggelse har ingen værdi.",
    cumulative=False,
)
def prevention_spending_share(first: int, last: int) -> YearValues:
    """Seed 004 §1: "Forebyggelse 28 % – anbringelser 72 %" → 40/60. The running year's
    prevention figure is a whole year's budget, so it is counted pro rata to today like the
    placements are (spending.py): the share compares spending that has happened."""
    today = timezone.localdate()
    prevention = dict(
        PreventionSpending.objects.filter(year__gte=first, year__lte=min(last, today.year))
        .values_list("year", "amount")
        .order_by()
    )
    if not prevention:
        return {}
    special = spending.spending_per_year(
        spending.periods(spending.all_placements(), first, last), first, last, today
    )
    shares: YearValues = {}
    for year, amount in prevention.items():
        if year == today.year:
            elapsed = (today - today.replace(month=1, day=1)).days + 1
            amount = amount * Decimal(elapsed) / Decimal(spending.days_in_year(year))
        total = amount + special.get(year, Decimal(0))
        if total > 0:
            shares[year] = (Decimal(100) * amount / total).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
    return shares
