"""The operational reports (driftsrapporter): each is a filtered, scoped queryset that the
database groups and counts, a table and a chart of the result.

A report says where its rows are dated and placed (``period_field``, ``district_path``,
``institution_path``); ``ReportFilter`` and ``Scope`` apply those. ``rows`` runs the aggregate
(one or two queries, however many rows lie behind it) and returns a small list of dicts.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Min,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.formats import date_format

from cases.models import Case as PprCase
from cases.models import CaseStatus, Child, Referral, ReferralStatus, RulerColour, RulerRating
from indsatser import queries as indsatser_queries
from indsatser.models import (
    AbsenceCase,
    Course,
    CourseKind,
    CourseOutcome,
    CourseStatus,
    InterventionForm,
    PreventionLevel,
)
from ppr.accounts.models import CASEWORKER_ROLES, Membership, Role, User
from ppr.deadlines.models import OUTSTANDING_STATES, Deadline, DeadlineKind, DeadlineState

from . import tables
from .charts import BarChart, bar_chart
from .filters import day_start
from .scope import Scope
from .stats import DaysBetween, PercentileCont, percentile

COLOUR_NAMES = {RulerColour.GROEN: "Grøn", RulerColour.GUL: "Gul", RulerColour.ROED: "Rød"}
COLOUR_LEVEL = {RulerColour.GROEN: 0, RulerColour.GUL: 1, RulerColour.ROED: 2}
COLOUR_STYLES = ("groen", "gul", "roed")


def _one_decimal(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Params:
    """What the filter asked for, with the report's defaults filled in."""

    start: date | None
    end: date | None
    today: date


class Report:
    slug: ClassVar[str]
    title: ClassVar[str]
    intro: ClassVar[str]
    table_class: ClassVar[type[tables.ReportTable]]
    period_field: ClassVar[str | None] = None
    period_is_datetime: ClassVar[bool] = False
    #: Reports about "now" (the waiting list, running courses) have no default period.
    default_period: ClassVar[bool] = True
    district_path: ClassVar[str] = ""
    institution_path: ClassVar[str] = ""
    paginate: ClassVar[bool] = False
    period_note: ClassVar[str] = ""
    #: Who may open the report (besides ``reports.view_operational``, which every report needs).
    permission: ClassVar[str] = "reports.view_operational"

    def base(self) -> QuerySet[Any]:
        raise NotImplementedError

    def district_condition(self, ids: list[int]) -> Q:
        return Q(**{f"{self.district_path}__in": ids})

    def institution_condition(self, ids: list[int]) -> Q:
        return Q(**{f"{self.institution_path}__in": ids})

    def scoped(self, scope: Scope) -> QuerySet[Any]:
        queryset = self.base()
        if scope.whole_municipality:
            return queryset
        return queryset.filter(self.institution_condition(sorted(scope.institution_ids)))

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> Any:
        raise NotImplementedError

    def chart(self, rows: Any, params: Params, queryset: QuerySet[Any]) -> BarChart | None:
        raise NotImplementedError


# --- Waiting time --------------------------------------------------------------------------


def ppv_source() -> tuple[type[Model], str] | None:
    """The PPV model of the cases app and its "finalised" timestamp, once there is one.

    Until the PPV is modelled, the report shows the visitation waiting time only.
    """
    for name in ("Ppv", "PPV", "Assessment"):
        try:
            model = apps.get_model("cases", name)
        except LookupError:
            continue
        names = {f.name for f in model._meta.get_fields()}
        for stamp in ("finalised_at", "finalized_at"):
            if stamp in names and "case" in names:
                return model, stamp
    return None


class WaitingTimeReport(Report):
    slug = "ventetid"
    title = "Ventetid"
    intro = (
        "Dage fra en indstilling er indsendt, til den er visiteret, og til sagens første "
        "endelige PPV efter indsendelsen – median og 90 %-fraktil pr. måned og distrikt. "
        "Måneden er indsendelsesmåneden; indstillinger, der stadig venter, tælles for sig."
    )
    table_class = tables.WaitingTimeTable
    period_field = "submitted_at"
    period_is_datetime = True
    district_path = "institution__district"
    institution_path = "institution"

    def base(self) -> QuerySet[Any]:
        return Referral.objects.filter(submitted_at__isnull=False)

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        source = ppv_source()
        queryset = queryset.annotate(
            year=ExtractYear("submitted_at"),
            month=ExtractMonth("submitted_at"),
            district_name=F("institution__district__name"),
            visit_days=DaysBetween("decided_at", "submitted_at"),
        )
        if source is not None:
            model, stamp = source
            first_final = (
                model._default_manager.filter(
                    case=OuterRef("case"), **{f"{stamp}__gte": OuterRef("submitted_at")}
                )
                .order_by(stamp)
                .values(stamp)[:1]
            )
            queryset = queryset.annotate(
                ppv_days=DaysBetween(Subquery(first_final), "submitted_at")
            )
        else:
            queryset = queryset.annotate(ppv_days=Value(None, output_field=FloatField()))
        group = ("year", "month", "district_name")
        aggregates: dict[str, Any] = {
            "submitted": Count("pk"),
            "waiting": Count("pk", filter=Q(decided_at__isnull=True)),
            "visited": Count("pk", filter=Q(decided_at__isnull=False)),
        }
        if source is not None:
            aggregates["ppv"] = Count("ppv_days")
        counts = queryset.values(*group).annotate(**aggregates)
        if connection.vendor == "postgresql":
            extra: dict[str, Any] = {
                "visit_median": PercentileCont("visit_days", 0.5),
                "visit_p90": PercentileCont("visit_days", 0.9),
            }
            if source is not None:
                extra |= {
                    "ppv_median": PercentileCont("ppv_days", 0.5),
                    "ppv_p90": PercentileCont("ppv_days", 0.9),
                }
            result = list(counts.annotate(**extra).order_by(*group))
        else:
            result = list(counts.order_by(*group))
            self._percentiles_in_python(queryset, group, result, with_ppv=source is not None)
        for row in result:
            row["month_label"] = date_format(date(row["year"], row["month"], 1), "N Y")
            row["month"] = f"{row['year']}-{row['month']:02d}"
            row["district"] = row.pop("district_name")
            for key in ("visit_median", "visit_p90", "ppv_median", "ppv_p90"):
                row[key] = _one_decimal(row.get(key))
            if source is None:
                row["ppv"] = None
        return result

    @staticmethod
    def _percentiles_in_python(
        queryset: QuerySet[Any],
        group: tuple[str, ...],
        rows: list[dict[str, Any]],
        *,
        with_ppv: bool,
    ) -> None:
        """SQLite: one query for the waiting times, sorted by the database; interpolate per group."""
        visits: dict[tuple[Any, ...], list[float]] = defaultdict(list)
        ppvs: dict[tuple[Any, ...], list[float]] = defaultdict(list)
        values = (
            queryset.filter(Q(decided_at__isnull=False) | Q(ppv_days__isnull=False))
            .order_by(*group, "visit_days")
            .values_list(*group, "visit_days", "ppv_days")
        )
        for *key, visit, ppv in values:
            if visit is not None:
                visits[tuple(key)].append(visit)
            if with_ppv and ppv is not None:
                ppvs[tuple(key)].append(ppv)
        for row in rows:
            key = tuple(row[g] for g in group)
            row["visit_median"] = percentile(visits[key], 0.5)
            row["visit_p90"] = percentile(visits[key], 0.9)
            ordered = sorted(ppvs[key])
            row["ppv_median"] = percentile(ordered, 0.5)
            row["ppv_p90"] = percentile(ordered, 0.9)

    def chart(
        self, rows: list[dict[str, Any]], params: Params, queryset: QuerySet[Any]
    ) -> BarChart | None:
        if not rows:
            return None
        series = [
            ("Median til visitation", [r["visit_median"] for r in rows]),
            ("90 %-fraktil til visitation", [r["visit_p90"] for r in rows]),
        ]
        if any(r["ppv_median"] is not None for r in rows):
            series += [
                ("Median til endelig PPV", [r["ppv_median"] for r in rows]),
                ("90 %-fraktil til endelig PPV", [r["ppv_p90"] for r in rows]),
            ]
        return bar_chart(
            title="Ventetid i dage pr. måned og distrikt",
            description="Median og 90 %-fraktil i dage; tallene står også i tabellen.",
            categories=[f"{r['month_label']} · {r['district']}" for r in rows],
            series=series,
            unit="dage",
        )


# --- Waiting list --------------------------------------------------------------------------

WAITING_BUCKETS = (
    ("days_0_7", "0–7 dage", 0, 7),
    ("days_8_14", "8–14 dage", 8, 14),
    ("days_15_30", "15–30 dage", 15, 30),
    ("days_31_60", "31–60 dage", 31, 60),
    ("days_over_60", "Over 60 dage", 61, None),
)


class WaitingListReport(Report):
    slug = "venteliste"
    title = "Venteliste"
    intro = (
        "Indstillinger, der nu venter på visitation (indsendt eller modtaget), efter hvor mange "
        "dage de har ventet. Perioden (valgfri) afgrænser indsendelsesdatoen."
    )
    table_class = tables.WaitingListTable
    period_field = "submitted_at"
    period_is_datetime = True
    default_period = False
    district_path = "institution__district"
    institution_path = "institution"

    def base(self) -> QuerySet[Any]:
        return Referral.objects.filter(
            status__in=[ReferralStatus.SUBMITTED, ReferralStatus.RECEIVED],
            submitted_at__isnull=False,
        )

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        # A referral submitted on day d has waited (today - d) whole days.
        tomorrow = day_start(params.today + timedelta(days=1))
        buckets = {}
        for key, _, low, high in WAITING_BUCKETS:
            condition = Q(submitted_at__lt=tomorrow - timedelta(days=low))
            if high is not None:
                condition &= Q(submitted_at__gte=tomorrow - timedelta(days=high + 1))
            buckets[key] = Count("pk", filter=condition)
        result = list(
            queryset.values(district=F("institution__district__name"))
            .annotate(total=Count("pk"), oldest=Min("submitted_at"), **buckets)
            .order_by("district")
        )
        for row in result:
            oldest = row.pop("oldest")
            row["oldest_days"] = (
                (params.today - timezone.localdate(oldest)).days if oldest else None
            )
        return result

    def chart(
        self, rows: list[dict[str, Any]], params: Params, queryset: QuerySet[Any]
    ) -> BarChart | None:
        if not rows:
            return None
        return bar_chart(
            title="Ventende indstillinger pr. distrikt, efter ventetid",
            description="Antal indstillinger i hvert ventetidsinterval; tallene står også i tabellen.",
            categories=[r["district"] for r in rows],
            series=[(label, [r[key] for r in rows]) for key, label, _, _ in WAITING_BUCKETS],
            stacked=True,
        )


# --- Caseload ------------------------------------------------------------------------------


class CaseloadReport(Report):
    slug = "sagsbelastning"
    title = "Sagsbelastning"
    intro = (
        "Åbne sager pr. psykolog, talepædagog og PPR-konsulent nu (med faggruppe), og hvor mange sager hver har "
        "fået og lukket i perioden. Distrikt og institution er barnets."
    )
    period_note = (
        "Perioden gælder kolonnerne “oprettet” og “lukket”; åbne sager er dem, der er åbne nu."
    )
    table_class = tables.CaseloadTable
    district_path = "child__institution__district"
    institution_path = "child__institution"

    def base(self) -> QuerySet[Any]:
        return PprCase.objects.all()

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        in_period = Q()
        closed_in_period = Q(closed_at__isnull=False)
        if params.start:
            in_period &= Q(opened_at__gte=day_start(params.start))
            closed_in_period &= Q(closed_at__gte=day_start(params.start))
        if params.end:
            in_period &= Q(opened_at__lt=day_start(params.end + timedelta(days=1)))
            closed_in_period &= Q(closed_at__lt=day_start(params.end + timedelta(days=1)))
        counts = {
            row["assigned"]: row
            for row in queryset.values("assigned")
            .annotate(
                open_now=Count("pk", filter=Q(status=CaseStatus.OPEN)),
                opened=Count("pk", filter=in_period),
                closed=Count("pk", filter=closed_in_period),
            )
            .order_by()
        }
        workers = User.objects.filter(pk__in=[pk for pk in counts if pk is not None])
        if scope.whole_municipality:
            # The leader also sees the case workers who have no case at all.
            workers = User.objects.filter(
                Q(pk__in=[pk for pk in counts if pk is not None])
                | Q(
                    memberships__role__in=list(CASEWORKER_ROLES),
                    memberships__active=True,
                    is_active=True,
                )
            ).distinct()
        # Psychologist, speech therapist or consultant: one query for every worker.
        roles = dict(Role.choices)
        workers = workers.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(
                    active=True, role__in=list(CASEWORKER_ROLES)
                ).order_by("role"),
                to_attr="caseworker_memberships",
            )
        )
        result = []
        for worker in workers.order_by("first_name", "last_name", "pk"):
            row = counts.get(worker.pk, {})
            professions = sorted({str(roles[m.role]) for m in worker.caseworker_memberships})
            result.append(
                {
                    "worker": str(worker),
                    "profession": ", ".join(professions) or "–",
                    "open_now": row.get("open_now", 0),
                    "opened": row.get("opened", 0),
                    "closed": row.get("closed", 0),
                }
            )
        if None in counts:
            row = counts[None]
            result.append(
                {
                    "worker": "Ikke tildelt",
                    "profession": "–",
                    "open_now": row["open_now"],
                    "opened": row["opened"],
                    "closed": row["closed"],
                }
            )
        return result

    def chart(
        self, rows: list[dict[str, Any]], params: Params, queryset: QuerySet[Any]
    ) -> BarChart | None:
        if not rows:
            return None
        return bar_chart(
            title="Sager pr. sagsbehandler",
            description="Åbne sager nu, oprettede og lukkede i perioden; tallene står også i tabellen.",
            categories=[r["worker"] for r in rows],
            series=[
                ("Åbne nu", [r["open_now"] for r in rows]),
                ("Oprettet i perioden", [r["opened"] for r in rows]),
                ("Lukket i perioden", [r["closed"] for r in rows]),
            ],
        )


# --- Deadlines -----------------------------------------------------------------------------


class DeadlineReport(Report):
    slug = "frister"
    title = "Frister overholdt"
    intro = (
        "Frister med forfaldsdato i perioden: hvor mange er overholdt til tiden, for sent, eller "
        "er overskredet og stadig åbne. Procenten er overholdt til tiden ud af dem, der er "
        "overholdt eller overskredet (åbne, ikke forfaldne og annullerede tæller ikke med)."
    )
    period_note = "For en institution tæller frister på institutionens indstillinger og på sager om dens børn."
    table_class = tables.DeadlineTable
    period_field = "due"
    district_path = "district"

    def base(self) -> QuerySet[Any]:
        return Deadline.objects.exclude(state=DeadlineState.CANCELLED)

    def institution_condition(self, ids: list[int]) -> Q:
        # A deadline's subject is generic: follow it to the referral's institution or the
        # case's child's institution (deadlines on meetings or courses belong to no institution).
        referral_type = ContentType.objects.get_for_model(Referral)
        case_type = ContentType.objects.get_for_model(PprCase)
        return Q(
            content_type=referral_type,
            object_id__in=Referral.objects.filter(institution__in=ids).values("pk"),
        ) | Q(
            content_type=case_type,
            object_id__in=PprCase.objects.filter(child__institution__in=ids).values("pk"),
        )

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        labels = dict(DeadlineKind.choices)
        result = list(
            queryset.annotate(met_on=TruncDate("met_at"))
            .values("kind")
            .annotate(
                total=Count("pk"),
                on_time=Count("pk", filter=Q(state=DeadlineState.MET, met_on__lte=F("due"))),
                late=Count("pk", filter=Q(state=DeadlineState.MET, met_on__gt=F("due"))),
                overdue=Count("pk", filter=Q(state__in=OUTSTANDING_STATES, due__lt=params.today)),
                pending=Count("pk", filter=Q(state=DeadlineState.OPEN, due__gte=params.today)),
            )
            .order_by("kind")
        )
        for row in result:
            row["kind"] = str(labels.get(row["kind"], row["kind"]))
            judged = row["on_time"] + row["late"] + row["overdue"]
            row["on_time_pct"] = (
                (Decimal(100 * row["on_time"]) / judged).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                )
                if judged
                else None
            )
        return result

    def chart(
        self, rows: list[dict[str, Any]], params: Params, queryset: QuerySet[Any]
    ) -> BarChart | None:
        judged = [r for r in rows if r["on_time_pct"] is not None]
        if not judged:
            return None
        return bar_chart(
            title="Frister overholdt til tiden (%)",
            description="Procent overholdt til tiden pr. fristtype; tallene står også i tabellen.",
            categories=[r["kind"] for r in judged],
            series=[("Til tiden", [r["on_time_pct"] for r in judged])],
            unit="%",
        )


# --- Børnelineal ---------------------------------------------------------------------------


class RulerCountReport(Report):
    slug = "boernelineal"
    title = "Børnelineal"
    intro = (
        "Børn vurderet i perioden, talt én gang efter deres seneste vurdering i perioden, pr. "
        "institution og distrikt (institutionen er den, barnet blev vurderet på)."
    )
    table_class = tables.RulerCountTable
    period_field = "rated_on"
    district_path = "institution__district"
    institution_path = "institution"

    def base(self) -> QuerySet[Any]:
        return RulerRating.objects.all()

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        later = RulerRating.objects.filter(child=OuterRef("child")).filter(
            Q(rated_on__gt=OuterRef("rated_on"))
            | Q(rated_on=OuterRef("rated_on"), pk__gt=OuterRef("pk"))
        )
        if params.end:
            later = later.filter(rated_on__lte=params.end)
        result = list(
            queryset.filter(~Exists(later))
            .values(
                district=F("institution__district__name"), institution_name=F("institution__name")
            )
            .annotate(
                groen=Count("pk", filter=Q(colour=RulerColour.GROEN)),
                gul=Count("pk", filter=Q(colour=RulerColour.GUL)),
                roed=Count("pk", filter=Q(colour=RulerColour.ROED)),
                total=Count("pk"),
            )
            .order_by("district", "institution_name")
        )
        for row in result:
            row["institution"] = row.pop("institution_name")
        return result

    @staticmethod
    def by_district(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        totals: dict[str, dict[str, Any]] = {}
        for row in rows:
            total = totals.setdefault(
                row["district"],
                {"district": row["district"], "groen": 0, "gul": 0, "roed": 0, "total": 0},
            )
            for key in ("groen", "gul", "roed", "total"):
                total[key] += row[key]
        return list(totals.values())

    def chart(
        self, rows: list[dict[str, Any]], params: Params, queryset: QuerySet[Any]
    ) -> BarChart | None:
        if not rows:
            return None
        districts = self.by_district(rows)
        return bar_chart(
            title="Børn efter seneste farve pr. distrikt",
            description="Grøn, gul og rød pr. distrikt; institutionerne står i tabellen.",
            categories=[d["district"] for d in districts],
            series=[(COLOUR_NAMES[c], [d[c.value] for d in districts]) for c in RulerColour],
            stacked=True,
            styles=COLOUR_STYLES,
        )


def movement_label(start: str | None, end: str) -> str:
    if not start:
        return "Ny vurdering"
    change = COLOUR_LEVEL[RulerColour(end)] - COLOUR_LEVEL[RulerColour(start)]
    if change < 0:
        return "Forbedret"
    if change > 0:
        return "Forværret"
    return "Uændret"


class RulerMovementReport(Report):
    slug = "farveskift"
    title = "Bevægelse på Børnelinealen"
    intro = (
        "Børn vurderet i perioden: farven fra den seneste vurdering før perioden sammenlignet "
        "med den seneste vurdering ved periodens slutning. Grøn er bedst, rød mest alvorlig."
    )
    table_class = tables.RulerMovementTable
    district_path = "institution__district"
    institution_path = "institution"
    period_note = "Distrikt og institution er barnets nuværende."

    def base(self) -> QuerySet[Any]:
        return Child.objects.all()

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        start = params.start or date(params.today.year, 1, 1)
        end = params.end or params.today
        latest = RulerRating.objects.filter(child=OuterRef("pk")).order_by("-rated_on", "-pk")
        result = list(
            queryset.annotate(
                start_colour=Subquery(latest.filter(rated_on__lt=start).values("colour")[:1]),
                end_colour=Subquery(
                    latest.filter(rated_on__gte=start, rated_on__lte=end).values("colour")[:1]
                ),
            )
            .filter(end_colour__isnull=False)
            .values("start_colour", "end_colour")
            .annotate(children=Count("pk"))
            .order_by("start_colour", "end_colour")
        )
        rows = []
        for row in result:
            before, after = row["start_colour"], row["end_colour"]
            rows.append(
                {
                    "start": COLOUR_NAMES[RulerColour(before)] if before else "Ingen vurdering",
                    "end": COLOUR_NAMES[RulerColour(after)],
                    "movement": movement_label(before, after),
                    "children": row["children"],
                    "start_level": COLOUR_LEVEL[RulerColour(before)] if before else -1,
                    "end_level": COLOUR_LEVEL[RulerColour(after)],
                }
            )
        rows.sort(key=lambda r: (r["start_level"], r["end_level"]))
        return rows

    def chart(
        self, rows: list[dict[str, Any]], params: Params, queryset: QuerySet[Any]
    ) -> BarChart | None:
        if not rows:
            return None
        return bar_chart(
            title="Børn efter farveskift",
            description="Antal børn pr. farveskift i perioden; tallene står også i tabellen.",
            categories=[f"{r['start']} → {r['end']} ({r['movement'].lower()})" for r in rows],
            series=[("Børn", [r["children"] for r in rows])],
        )


# --- Interventions -------------------------------------------------------------------------


class InterventionReport(Report):
    slug = "indsatser"
    title = "Indsatser efter niveau og udfald"
    intro = (
        "Forløb startet i perioden efter forebyggelsesniveau, form og udfald (et hold tæller som "
        "ét forløb). Distrikt er forløbets eget eller institutionens."
    )
    table_class = tables.InterventionTable
    period_field = "starts_on"
    institution_path = "institution"

    def base(self) -> QuerySet[Any]:
        # A draft nobody has started yet is not a course that ran.
        return Course.objects.exclude(status=CourseStatus.DRAFT)

    def district_condition(self, ids: list[int]) -> Q:
        return Q(district__in=ids) | Q(district__isnull=True, institution__district__in=ids)

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        levels = dict(PreventionLevel.choices)
        forms = dict(InterventionForm.choices)
        ended = {
            "goals_met": CourseOutcome.GOALS_MET,
            "partly_met": CourseOutcome.PARTLY_MET,
            "not_met": CourseOutcome.NOT_MET,
            "referred": CourseOutcome.REFERRED,
            "discontinued": CourseOutcome.DISCONTINUED,
        }
        result = list(
            queryset.values(level_key=F("intervention__level"), form_key=F("intervention__form"))
            .annotate(
                active=Count("pk", filter=Q(status=CourseStatus.ACTIVE)),
                total=Count("pk"),
                **{
                    key: Count("pk", filter=Q(status=CourseStatus.ENDED, outcome=outcome))
                    for key, outcome in ended.items()
                },
            )
            .order_by("level_key", "form_key")
        )
        order = {level: i for i, level in enumerate(PreventionLevel.values)}
        result.sort(key=lambda r: (order.get(r["level_key"], 9), r["form_key"]))
        for row in result:
            row["level"] = str(levels.get(row.pop("level_key"), ""))
            row["form"] = str(forms.get(row.pop("form_key"), ""))
        return result

    def chart(
        self, rows: list[dict[str, Any]], params: Params, queryset: QuerySet[Any]
    ) -> BarChart | None:
        if not rows:
            return None
        return bar_chart(
            title="Forløb efter niveau, form og udfald",
            description="Antal forløb; tallene for hvert udfald står i tabellen.",
            categories=[f"{r['level'].split(' ')[0]} · {r['form']}" for r in rows],
            series=[
                ("I gang", [r["active"] for r in rows]),
                ("Mål helt eller delvist nået", [r["goals_met"] + r["partly_met"] for r in rows]),
                ("Mål ikke nået", [r["not_met"] for r in rows]),
                ("Videre indsats eller afbrudt", [r["referred"] + r["discontinued"] for r in rows]),
            ],
            stacked=True,
        )


class RunningCoursesReport(Report):
    slug = "forloeb"
    title = "Forløb, der kører nu"
    intro = (
        "Aktive forløb og hold med antal tilmeldte deltagere. Forløb for ét barn vises uden "
        "navn. Perioden (valgfri) afgrænser startdatoen."
    )
    table_class = tables.RunningCourseTable
    period_field = "starts_on"
    default_period = False
    institution_path = "institution"
    paginate = True

    def base(self) -> QuerySet[Any]:
        return Course.objects.filter(status=CourseStatus.ACTIVE)

    def district_condition(self, ids: list[int]) -> Q:
        return Q(district__in=ids) | Q(district__isnull=True, institution__district__in=ids)

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> QuerySet[Any]:
        return (
            queryset.select_related("intervention", "institution", "responsible")
            .annotate(
                participant_count=Count(
                    "participants", filter=Q(participants__removed_on__isnull=True)
                ),
                display_name=Case(
                    When(kind=CourseKind.GROUP, then=F("title")),
                    default=Value("Forløb for ét barn"),
                    output_field=CharField(),
                ),
                place_district=Coalesce("district__name", "institution__district__name"),
            )
            .order_by("starts_on", "pk")
        )

    def chart(
        self, rows: QuerySet[Any], params: Params, queryset: QuerySet[Any]
    ) -> BarChart | None:
        levels = dict(PreventionLevel.choices)
        counts = {
            row["intervention__level"]: row["n"]
            for row in queryset.order_by().values("intervention__level").annotate(n=Count("pk"))
        }
        if not counts:
            return None
        present = [level for level in PreventionLevel.values if level in counts]
        return bar_chart(
            title="Aktive forløb pr. forebyggelsesniveau",
            description="Antal aktive forløb; forløbene står i tabellen.",
            categories=[str(levels[level]) for level in present],
            series=[("Forløb", [counts[level] for level in present])],
        )


# --- Unlawful absence ----------------------------------------------------------------------


class AbsenceReport(Report):
    slug = "fravaer"
    title = "Bekymrende fravær"
    intro = (
        "Fraværssager for de kvartaler, der begynder i perioden, efter det trin i kommunens "
        "fraværsprocedure, sagen er nået til, og hvor mange der stadig er åbne – delt på "
        "indskoling (0.–3.), mellemtrin (4.–6.) og overskoling (7.–10. klasse) som i "
        "udviklingsplanens indsats for bekymrende fravær. Distrikt og institution er skolens."
    )
    period_note = "Et kvartal tæller med, når det begynder i perioden."
    table_class = tables.AbsenceTable
    # The period selects quarters (indsatser.queries), not a date column.
    period_field = None
    district_path = "institution__district"
    institution_path = "institution"

    def base(self) -> QuerySet[Any]:
        return AbsenceCase.objects.all()

    def rows(self, queryset: QuerySet[Any], params: Params, scope: Scope) -> list[dict[str, Any]]:
        steps = indsatser_queries.absence_cases_by_step(
            params.start, params.end, absence_cases=queryset
        )
        result = []
        # Cases not yet at a step first, then the steps in the procedure's order (on every DB).
        for row in sorted(
            steps,
            key=lambda r: (r["current_step__order"] is not None, r["current_step__order"] or 0),
        ):
            order = row["current_step__order"]
            result.append(
                {
                    "step": f"{order}. {row['current_step__title']}"
                    if order
                    else "Intet trin endnu",
                    "cases": row["cases"],
                    "open": row["open"],
                    "closed": row["cases"] - row["open"],
                    "indskoling": row["indskoling"],
                    "mellemtrin": row["mellemtrin"],
                    "overskoling": row["overskoling"],
                    "no_grade": row["no_grade"],
                }
            )
        return result

    def chart(
        self, rows: list[dict[str, Any]], params: Params, queryset: QuerySet[Any]
    ) -> BarChart | None:
        if not rows:
            return None
        return bar_chart(
            title="Fraværssager efter trin i proceduren",
            description="Åbne og lukkede fraværssager pr. trin; tallene står også i tabellen.",
            categories=[r["step"] for r in rows],
            series=[("Åbne", [r["open"] for r in rows]), ("Lukkede", [r["closed"] for r in rows])],
            stacked=True,
        )


REPORTS: dict[str, Report] = {
    report.slug: report
    for report in (
        WaitingTimeReport(),
        WaitingListReport(),
        CaseloadReport(),
        DeadlineReport(),
        RulerCountReport(),
        RulerMovementReport(),
        InterventionReport(),
        RunningCoursesReport(),
        AbsenceReport(),
    )
}
