"""The visitation reports (issue 21): applications, decisions and appeals per year; placements
per offer and year; children returned to the general offer; spending on special offers.

They are the PPR leader's (``reports.view_visitation``): per-year figures of few children per
offer, not an institution's own slice. A report is per calendar year: the filter's period
picks the years (fra 01.03.2024 til 30.06.2026 is 2024–2026); without a period the last five
years. District and institution filter on the applying institution (applications, decisions,
appeals) or on the institution that runs the offer (placements, spending).
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from visitation.models import (
    Appeal,
    AppealOutcome,
    Decision,
    DecisionOutcome,
    Placement,
    PlacementEndReason,
    SupportApplication,
)

from . import spending, tables
from .charts import BarChart, bar_chart
from .operational import REPORTS, Params, Report
from .scope import Scope

#: Without a period: this many years up to the current one.
DEFAULT_YEARS = 5


def years(params: Params) -> range:
    last = params.end.year if params.end else params.today.year
    first = params.start.year if params.start else last - DEFAULT_YEARS + 1
    return range(first, max(first, last) + 1)


def _per_year(queryset: QuerySet[Any], field: str, span: range, **counts: Q) -> dict[int, dict]:
    """For each year of ``span``: ``COUNT(*) FILTER (year AND condition)`` per named count, as
    one aggregate query over the span's rows."""
    rows = queryset.filter(**{f"{field}__year__gte": span[0], f"{field}__year__lte": span[-1]})
    aggregates = {
        f"{name}_{year}": Count("pk", filter=Q(**{f"{field}__year": year}) & condition)
        for year in span
        for name, condition in counts.items()
    }
    values = rows.aggregate(**aggregates)
    return {year: {name: values[f"{name}_{year}"] for name in counts} for year in span}


class VisitationReport(Report):
    slug = "visitation"
    title = "Visitation: ansøgninger, afgørelser og klager"
    intro = (
        "Ansøgninger om specialpædagogisk bistand pr. år (efter indsendelsesdato), afgørelser "
        "(bevilget, afslået, anden indsats; efter afgørelsesdato) og klager til Klagenævnet for "
        "Specialundervisning (efter modtagelsesdato)."
    )
    table_class = tables.VisitationYearTable
    permission = "reports.view_visitation"
    default_period = False
    district_path = "institution__district"
    institution_path = "institution"
    period_note = "Perioden vælger hele kalenderår; uden periode vises de seneste fem år."

    def base(self) -> QuerySet[Any]:
        return SupportApplication.objects.exclude(submitted_at__isnull=True)

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        span = years(params)
        applications = _per_year(queryset, "submitted_at", span, applications=Q())
        decisions = _per_year(
            Decision.objects.filter(application__in=queryset.values("pk")),
            "decided_on",
            span,
            decisions=Q(),
            granted=Q(outcome=DecisionOutcome.GRANTED),
            refused=Q(outcome=DecisionOutcome.REFUSED),
            other=Q(outcome=DecisionOutcome.OTHER),
        )
        appeals = _per_year(
            Appeal.objects.filter(decision__application__in=queryset.values("pk")),
            "received_on",
            span,
            appeals=Q(),
            appeals_changed=Q(outcome__in=[AppealOutcome.CHANGED, AppealOutcome.REMITTED]),
        )
        return [
            {"year": year, **applications[year], **decisions[year], **appeals[year]}
            for year in reversed(span)
        ]

    def chart(self, rows: list[dict[str, Any]], params: Params, queryset: Any) -> BarChart | None:
        if not any(row["applications"] or row["decisions"] for row in rows):
            return None
        ordered = list(reversed(rows))
        return bar_chart(
            title="Afgørelser pr. år",
            description="Bevilget, afslået og anden indsats pr. år; tallene står i tabellen.",
            categories=[str(row["year"]) for row in ordered],
            series=[
                ("Bevilget", [row["granted"] for row in ordered]),
                ("Afslået", [row["refused"] for row in ordered]),
                ("Anden indsats", [row["other"] for row in ordered]),
            ],
            stacked=True,
        )


class _PlacementReport(Report):
    permission = "reports.view_visitation"
    default_period = False
    district_path = "offer__institution__district"
    institution_path = "offer__institution"
    period_note = "Perioden vælger hele kalenderår; uden periode vises de seneste fem år."

    def base(self) -> QuerySet[Any]:
        return Placement.objects.all()


class PlacementReport(_PlacementReport):
    slug = "placeringer"
    title = "Placeringer pr. tilbud og år"
    intro = (
        "Børn placeret i hvert specialtilbud pr. kalenderår: placeringer, der løb i året, heraf "
        "startet i året, afsluttet med tilbagevenden til almentilbuddet, pladsår og udgift "
        "(tilbuddets årlige pris forholdsmæssigt efter dagene; løbende år til dato)."
    )
    table_class = tables.PlacementYearTable

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        span = years(params)
        today = params.today
        rows: dict[tuple[int, int], dict[str, Any]] = {}
        periods = spending.periods(queryset, span[0], span[-1])
        returned: dict[tuple[int, int], int] = defaultdict(int)
        for offer_id, ended in queryset.filter(
            end_reason=PlacementEndReason.RETURNED,
            ended_on__year__gte=span[0],
            ended_on__year__lte=span[-1],
        ).values_list("offer_id", "ended_on"):
            returned[(ended.year, offer_id)] += 1
        for period in periods:
            for year in span:
                days = spending.days_within(period, year, today)
                if not days:
                    continue
                row = rows.setdefault(
                    (year, period.offer_id),
                    {
                        "year": year,
                        "offer": period.offer_name,
                        "places": period.places,
                        "placed": 0,
                        "started": 0,
                        "returned": returned.get((year, period.offer_id), 0),
                        "child_years": Decimal(0),
                        "spending": Decimal(0),
                    },
                )
                row["placed"] += 1
                row["started"] += int(period.starts_on.year == year)
                row["child_years"] += Decimal(days) / Decimal(spending.days_in_year(year))
                row["spending"] += spending.cost_in_year(period, year, today)
        result = sorted(rows.values(), key=lambda r: (-r["year"], r["offer"]))
        for row in result:
            row["child_years"] = row["child_years"].quantize(Decimal("0.01"), ROUND_HALF_UP)
        return result

    def chart(self, rows: list[dict[str, Any]], params: Params, queryset: Any) -> BarChart | None:
        if not rows:
            return None
        offers = sorted({row["offer"] for row in rows})
        span = sorted({row["year"] for row in rows})
        placed = {(row["year"], row["offer"]): row["placed"] for row in rows}
        return bar_chart(
            title="Placeringer pr. tilbud og år",
            description="Antal placeringer, der løb i året, pr. tilbud; tallene står i tabellen.",
            categories=offers,
            series=[(str(year), [placed.get((year, o), 0) for o in offers]) for year in span],
        )


class ReturnedReport(_PlacementReport):
    slug = "tilbage-til-almen"
    title = "Tilbage til almentilbuddet"
    intro = (
        "Børn, hvis placering i et specialtilbud er afsluttet, fordi de vender tilbage til "
        "almentilbuddet (revurderingens udfald), pr. år (afslutningsdato) og tilbud."
    )
    table_class = tables.ReturnedTable

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        span = years(params)
        returned = (
            queryset.filter(
                end_reason=PlacementEndReason.RETURNED,
                ended_on__year__gte=span[0],
                ended_on__year__lte=span[-1],
            )
            .values_list("ended_on", "offer__name", "child_id")
            .order_by()
        )
        children: dict[tuple[int, str], set[int]] = defaultdict(set)
        for ended, offer, child in returned:
            children[(ended.year, offer)].add(child)
        return [
            {"year": year, "offer": offer, "children": len(ids)}
            for (year, offer), ids in sorted(children.items(), key=lambda i: (-i[0][0], i[0][1]))
        ]

    def chart(self, rows: list[dict[str, Any]], params: Params, queryset: Any) -> BarChart | None:
        if not rows:
            return None
        totals: dict[int, int] = defaultdict(int)
        for row in rows:
            totals[row["year"]] += row["children"]
        span = sorted(totals)
        return bar_chart(
            title="Børn tilbage i almentilbuddet pr. år",
            description="Antal børn pr. år; tilbuddene står i tabellen.",
            categories=[str(year) for year in span],
            series=[("Børn", [totals[year] for year in span])],
        )


class SpendingReport(_PlacementReport):
    slug = "udgift-specialtilbud"
    title = "Udgift til specialtilbud"
    intro = (
        "Udgiften pr. år: hver placering × tilbuddets årlige pris pr. plads, forholdsmæssigt "
        "efter placeringens dage i året (det løbende år til dato), for kommunens egne tilbud og "
        "købte pladser. Tallet føder effektmålet “Lavere udgift til specialtilbud”."
    )
    table_class = tables.SpendingTable

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        span = years(params)
        today = params.today
        periods = spending.periods(queryset, span[0], span[-1])
        result = []
        for year in reversed(span):
            own = bought = Decimal(0)
            child_years = Decimal(0)
            for period in periods:
                days = spending.days_within(period, year, today)
                if not days:
                    continue
                cost = spending.cost_in_year(period, year, today)
                if period.own:
                    own += cost
                else:
                    bought += cost
                child_years += Decimal(days) / Decimal(spending.days_in_year(year))
            total = own + bought
            result.append(
                {
                    "year": year,
                    "child_years": child_years.quantize(Decimal("0.01"), ROUND_HALF_UP),
                    "own": own,
                    "bought": bought,
                    "total": total,
                    "millions": (total / spending.MILLION).quantize(Decimal("0.01"), ROUND_HALF_UP),
                }
            )
        return result

    def chart(self, rows: list[dict[str, Any]], params: Params, queryset: Any) -> BarChart | None:
        if not any(row["total"] for row in rows):
            return None
        ordered = list(reversed(rows))
        return bar_chart(
            title="Udgift til specialtilbud pr. år (mio. kr.)",
            description="Egne tilbud og købte pladser pr. år; beløbene står i tabellen.",
            categories=[str(row["year"]) for row in ordered],
            series=[
                ("Egne tilbud", [row["own"] / spending.MILLION for row in ordered]),
                ("Købte pladser", [row["bought"] / spending.MILLION for row in ordered]),
            ],
            stacked=True,
            unit="mio. kr.",
        )


VISITATION_REPORTS: tuple[Report, ...] = (
    VisitationReport(),
    PlacementReport(),
    ReturnedReport(),
    SpendingReport(),
)


def register() -> None:
    """Add the visitation reports to the operational reports' catalogue (from ``ready()``)."""
    for report in VISITATION_REPORTS:
        REPORTS.setdefault(report.slug, report)
