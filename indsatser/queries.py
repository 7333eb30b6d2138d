"""Read-only figures for the reports app: courses by level, outcome and institution, absence
cases by step, and the share of prevention (primary + secondary) against tertiary efforts.

Every function takes an optional period (``start``/``end``, inclusive dates) and an optional
``courses``/``absence_cases`` queryset to count from, so the caller can narrow to what a user may
see (``Course.objects.visible_to(user)``). They return querysets of ``values()`` rows or small
dicts; none of them loads children's names.

A course counts in a period when it *started* in it (``starts_on``); an outcome counts when the
course *ended* in it (``ended_on``). Absence cases are per quarter: a period selects the quarters
that begin within it.
"""

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from .models import (
    PREVENTIVE_LEVELS,
    STAGE_GRADES,
    AbsenceCase,
    Course,
    CourseOutcome,
    PreventionLevel,
)

ACTIVE_PARTICIPANT = Q(participants__removed_on__isnull=True)


def courses_started(
    start: date | None = None, end: date | None = None, *, courses: QuerySet[Course] | None = None
) -> QuerySet[Course]:
    """Courses that started within the period (all when no period is given); drafts never started."""
    qs = (Course.objects.all() if courses is None else courses).exclude(status="kladde")
    if start is not None:
        qs = qs.filter(starts_on__gte=start)
    if end is not None:
        qs = qs.filter(starts_on__lte=end)
    return qs


def courses_by_level(
    start: date | None = None, end: date | None = None, *, courses: QuerySet[Course] | None = None
) -> list[dict[str, Any]]:
    """Per prevention level (all three, zeros included): courses started and children on them."""
    rows: dict[str, Mapping[str, Any]] = {
        row["intervention__level"]: row
        for row in courses_started(start, end, courses=courses)
        .values("intervention__level")
        .annotate(
            courses=Count("pk", distinct=True),
            children=Count("participants", filter=ACTIVE_PARTICIPANT, distinct=True),
        )
        .order_by()
    }
    return [
        {
            "level": level,
            "label": label,
            "courses": rows.get(level, {}).get("courses", 0),
            "children": rows.get(level, {}).get("children", 0),
        }
        for level, label in PreventionLevel.choices
    ]


def courses_by_outcome(
    start: date | None = None, end: date | None = None, *, courses: QuerySet[Course] | None = None
) -> list[dict[str, Any]]:
    """Per outcome (all outcomes, zeros included), split by level: courses that ended in the period."""
    qs = Course.objects.all() if courses is None else courses
    qs = qs.filter(status="afsluttet")
    if start is not None:
        qs = qs.filter(ended_on__gte=start)
    if end is not None:
        qs = qs.filter(ended_on__lte=end)
    counts = {
        (row["outcome"], row["intervention__level"]): row["n"]
        for row in qs.values("outcome", "intervention__level").annotate(n=Count("pk")).order_by()
    }
    return [
        {
            "outcome": outcome,
            "label": label,
            "total": sum(counts.get((outcome, level), 0) for level in PreventionLevel.values),
            **{level: counts.get((outcome, level), 0) for level in PreventionLevel.values},
        }
        for outcome, label in CourseOutcome.choices
    ]


def courses_by_institution(
    start: date | None = None, end: date | None = None, *, courses: QuerySet[Course] | None = None
) -> QuerySet[Any]:
    """Per institution (and district): courses started in the period, in total and per level.
    Courses without an institution (district-wide groups) come as one row with ``institution`` None."""
    return (
        courses_started(start, end, courses=courses)
        .values("institution", "institution__name", "institution__district__name")
        .annotate(
            total=Count("pk"),
            groen=Count("pk", filter=Q(intervention__level=PreventionLevel.PRIMARY)),
            gul=Count("pk", filter=Q(intervention__level=PreventionLevel.SECONDARY)),
            roed=Count("pk", filter=Q(intervention__level=PreventionLevel.TERTIARY)),
            ended=Count("pk", filter=Q(status="afsluttet")),
        )
        .order_by("institution__district__name", "institution__name")
    )


def _share(part: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(100) * part / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def prevention_share(
    start: date | None = None, end: date | None = None, *, courses: QuerySet[Course] | None = None
) -> dict[str, Any]:
    """The effect goal "forebyggelse vs. anbringelser": courses (and children) at the preventive
    levels (primary + secondary) against the tertiary level, started in the period. Shares are
    percentages with one decimal, None when there is nothing to count."""
    levels = {row["level"]: row for row in courses_by_level(start, end, courses=courses)}
    preventive = sum(levels[level]["courses"] for level in PREVENTIVE_LEVELS)
    tertiary = levels[PreventionLevel.TERTIARY]["courses"]
    preventive_children = sum(levels[level]["children"] for level in PREVENTIVE_LEVELS)
    tertiary_children = levels[PreventionLevel.TERTIARY]["children"]
    return {
        "preventive_courses": preventive,
        "tertiary_courses": tertiary,
        "total_courses": preventive + tertiary,
        "preventive_share": _share(preventive, preventive + tertiary),
        "preventive_children": preventive_children,
        "tertiary_children": tertiary_children,
        "preventive_children_share": _share(
            preventive_children, preventive_children + tertiary_children
        ),
    }


def _first_quarter_from(day: date) -> tuple[int, int]:
    """The first quarter that begins on or after ``day``."""
    quarter = (day.month - 1) // 3 + 1
    if day == date(day.year, 3 * (quarter - 1) + 1, 1):
        return day.year, quarter
    return (day.year + 1, 1) if quarter == 4 else (day.year, quarter + 1)


def _quarter_starts(start: date | None, end: date | None) -> Q:
    condition = Q()
    if start is not None:
        year, quarter = _first_quarter_from(start)
        condition &= Q(year__gt=year) | Q(year=year, quarter__gte=quarter)
    if end is not None:
        condition &= Q(year__lt=end.year) | Q(year=end.year, quarter__lte=(end.month - 1) // 3 + 1)
    return condition


def absence_cases_in_period(
    start: date | None = None,
    end: date | None = None,
    *,
    absence_cases: QuerySet[AbsenceCase] | None = None,
) -> QuerySet[AbsenceCase]:
    """Absence cases of the quarters that begin within the period."""
    qs = AbsenceCase.objects.all() if absence_cases is None else absence_cases
    return qs.filter(_quarter_starts(start, end))


def absence_cases_by_step(
    start: date | None = None,
    end: date | None = None,
    *,
    absence_cases: QuerySet[AbsenceCase] | None = None,
) -> QuerySet[Any]:
    """Per current step (None = no step yet): how many absence cases, how many still open, and
    how many per school stage (indskoling, mellemtrin, overskoling; seed 004 §3.6 splits the
    absence work by mellemtrin and overskoling) or without a recorded grade."""
    return (
        absence_cases_in_period(start, end, absence_cases=absence_cases)
        .values("current_step", "current_step__order", "current_step__title")
        .annotate(
            cases=Count("pk"),
            open=Count("pk", filter=Q(status="aaben")),
            **{
                stage: Count("pk", filter=Q(grade__gte=lowest, grade__lte=highest))
                for stage, (lowest, highest) in STAGE_GRADES.items()
            },
            no_grade=Count("pk", filter=Q(grade__isnull=True)),
        )
        .order_by("current_step__order")
    )


def absence_by_quarter(
    start: date | None = None,
    end: date | None = None,
    *,
    absence_cases: QuerySet[AbsenceCase] | None = None,
) -> QuerySet[Any]:
    """Per quarter: absence cases, those at 10 % and 15 % or more, and the average recorded
    unlawful absence; the automatic measure of the goal "ulovligt fravær til et minimum"."""
    return (
        absence_cases_in_period(start, end, absence_cases=absence_cases)
        .values("year", "quarter")
        .annotate(
            cases=Count("pk"),
            at_10=Count("pk", filter=Q(absence_percent__gte=10)),
            at_15=Count("pk", filter=Q(absence_percent__gte=15)),
            average_percent=Avg("absence_percent"),
        )
        .order_by("year", "quarter")
    )
