"""Hand-built data for the report tests: every row says exactly what it counts for."""

import itertools
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cases.models import Case, CaseOutcome, CaseStatus, ReferralStatus
from indsatser.models import (
    AbsenceCase,
    Course,
    CourseKind,
    CourseOutcome,
    CourseParticipant,
    CourseStatus,
    Intervention,
    InterventionForm,
    PreventionLevel,
)
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from ppr.organisation.models import Institution
from tests.cases.factories import ChildFactory, ReferralFactory, RulerRatingFactory
from tests.factories import UserFactory

_names = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    """An aware datetime in Copenhagen on ``day``."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def referral(
    institution: Institution,
    *,
    submitted: datetime | None,
    decided: datetime | None = None,
    status: str | None = None,
    case: Case | None = None,
) -> Any:
    child = ChildFactory(institution=institution)
    if status is None:
        status = (
            ReferralStatus.ACCEPTED
            if decided
            else (ReferralStatus.RECEIVED if submitted else ReferralStatus.DRAFT)
        )
    return ReferralFactory(
        child=child,
        institution=institution,
        status=status,
        submitted_at=submitted,
        decided_at=decided,
        case=case,
    )


def case(
    institution: Institution,
    *,
    assigned: Any = None,
    opened: datetime | None = None,
    closed: datetime | None = None,
    outcome: str = "",
) -> Case:
    child = ChildFactory(institution=institution)
    return Case.objects.create(
        child=child,
        assigned=assigned,
        opened_at=opened or timezone.now(),
        status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
        closed_at=closed,
        outcome=outcome or (CaseOutcome.NO_FURTHER if closed else ""),
    )


def intervention(level: str, form: str = InterventionForm.INDIVIDUAL) -> Intervention:
    return Intervention.objects.create(
        name=f"Testindsats {next(_names)}",
        description="Til rapporttest.",
        target_group="Alle",
        level=level,
        form=form,
    )


def course(
    *,
    level: str = PreventionLevel.PRIMARY,
    form: str = InterventionForm.GROUP,
    starts_on: date,
    institution: Institution | None = None,
    responsible: Any = None,
    outcome: str = "",
    kind: str = CourseKind.GROUP,
    title: str = "Skilsmissegruppe",
    on_case: Case | None = None,
) -> Course:
    responsible = responsible or UserFactory()
    ended = bool(outcome)
    return Course.objects.create(
        intervention=intervention(level, form),
        kind=kind,
        title=title,
        case=on_case,
        institution=institution,
        responsible=responsible,
        created_by=responsible,
        starts_on=starts_on,
        status=CourseStatus.ENDED if ended else CourseStatus.ACTIVE,
        ended_on=starts_on if ended else None,
        outcome=outcome,
    )


def participant(
    course: Course, institution: Institution, *, removed: bool = False
) -> CourseParticipant:
    by = course.responsible
    return CourseParticipant.objects.create(
        course=course,
        child=ChildFactory(institution=institution),
        enrolled_by=by,
        removed_on=date(2026, 3, 1) if removed else None,
        removed_by=by if removed else None,
        removal_reason="Flyttet" if removed else "",
    )


def absence(child: Any, *, year: int, quarter: int, percent: str = "12.0") -> AbsenceCase:
    by = UserFactory()
    return AbsenceCase.objects.create(
        child=child,
        institution=child.institution,
        year=year,
        quarter=quarter,
        absence_percent=Decimal(percent),
        responsible=by,
        created_by=by,
    )


def rating(child: Any, colour: str, on: date) -> Any:
    return RulerRatingFactory(
        child=child, colour=colour, rated_on=on, institution=child.institution
    )


def deadline_on(
    subject: Any,
    *,
    kind: str = DeadlineKind.VISITATION,
    due: date,
    state: str = DeadlineState.OPEN,
    met: datetime | None = None,
    district: Any = None,
) -> Deadline:
    return Deadline.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        title="Opgave",
        due=due,
        state=state,
        met_at=met,
        district=district,
    )


__all__ = ["CourseOutcome", "PreventionLevel", "InterventionForm", "DeadlineKind", "DeadlineState"]
