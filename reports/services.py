"""The domain verbs of reports: measure a goal by hand, adjust a goal, keep the plan's status,
print the plan, and log an export. Each writes its own audit row."""

from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format

from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action, record
from ppr.documents.models import Document, DocumentKind
from ppr.documents.services import request_pdf

from .formatting import smart
from .models import (
    DevelopmentPlan,
    EffectGoal,
    GoalMeasurement,
    PlanActivity,
    unit_range_error,
)
from .plan import plan_overview

PURPOSE_GOALS = "effektmål"
PURPOSE_PLAN = "udviklingsplan"

#: Fields of a goal the PPR leader may adjust (the measurement itself is fixed by the seed).
GOAL_FIELDS = (
    "name",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "direction",
    "active",
)
#: Fields of a plan activity the PPR leader keeps up to date.
ACTIVITY_FIELDS = ("status", "status_note", "notes", "due_on", "owner", "owner_text")


def _require_leader(by: User) -> None:
    if not (by.is_active and by.is_ppr_leader):
        raise PermissionDenied


@transaction.atomic
def record_measurement(
    *, goal: EffectGoal, year: int, value: Decimal, note: str = "", by: User
) -> GoalMeasurement:
    """Enter the measured value of a manual goal for a year; entering a year again corrects it."""
    _require_leader(by)
    if goal.is_automatic:
        raise ValidationError("Målet måles automatisk; der kan ikke indtastes værdier.")
    if message := unit_range_error(goal.unit, value):
        raise ValidationError({"value": message})
    existing = GoalMeasurement.objects.select_for_update().filter(goal=goal, year=year).first()
    previous = existing.value if existing else None
    measurement, created = GoalMeasurement.objects.update_or_create(
        goal=goal, year=year, defaults={"value": value, "note": note.strip(), "recorded_by": by}
    )
    change = (
        f"{year}: {smart(value, 2)}"
        if created
        else f"{year}: {smart(previous, 2)} rettet til {smart(value, 2)}"
    )
    log_action(
        measurement,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by=by,
        purpose=f"{PURPOSE_GOALS}: manuel måling ({change})"[:200],
    )
    return measurement


@transaction.atomic
def update_goal(*, goal: EffectGoal, changes: dict[str, Any], by: User) -> EffectGoal:
    """Adjust a goal's name, baseline, target, periods or direction (e.g. a new plan period)."""
    _require_leader(by)
    changed = [
        name for name in GOAL_FIELDS if name in changes and getattr(goal, name) != changes[name]
    ]
    for name in changed:
        setattr(goal, name, changes[name])
    if changed:
        goal.full_clean()
        goal.save(update_fields=changed)
        log_action(
            goal,
            AuditAction.UPDATE,
            by=by,
            purpose=f"{PURPOSE_GOALS}: ændret {', '.join(changed)}"[:200],
        )
    return goal


class StaleVersionError(Exception):
    """Someone else saved the activity after the form was opened."""


@transaction.atomic
def update_activity(
    *, activity: PlanActivity, changes: dict[str, Any], version: int, by: User
) -> PlanActivity:
    """Keep an activity's status, notes, date and owner up to date. A save from an older
    version of the row is refused (StaleVersionError): nobody's edit is silently lost."""
    _require_leader(by)
    current = PlanActivity.objects.select_for_update().get(pk=activity.pk)
    if current.version != version:
        raise StaleVersionError
    changed = [
        name
        for name in ACTIVITY_FIELDS
        if name in changes and getattr(current, name) != changes[name]
    ]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, changes[name])
    current.updated_by = by
    current.full_clean(exclude=["beacons", "effect_goals"])
    current.version = F("version") + 1
    current.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
    current.refresh_from_db()
    log_action(
        current,
        AuditAction.UPDATE,
        by=by,
        purpose=f"{PURPOSE_PLAN}: ændret {', '.join(changed)}"[:200],
    )
    return current


def plan_context(plan: DevelopmentPlan, *, today: Any) -> dict[str, Any]:
    """The printed status overview as JSON primitives (the document stores it as it was)."""
    overview = plan_overview(plan, today=today)
    return {
        "title": f"{plan.name} – status",
        "plan_name": plan.name,
        "plan_description": plan.description,
        "printed_on": date_format(today, "SHORT_DATE_FORMAT"),
        "summary": [[label, count] for label, count in overview.summary],
        "late_count": overview.late_count,
        "initiatives": [
            {
                "number": item.initiative.number,
                "title": item.initiative.title,
                "owner": item.initiative.owner_text,
                "beacons": ", ".join(str(b.number) for b in item.beacons),
                "goals": [g.name for g in item.goals],
                "activities": [
                    {
                        "label": a.label,
                        "group": a.group,
                        "title": a.title,
                        "due": a.due_label or date_format(a.due_on, "SHORT_DATE_FORMAT"),
                        "due_on": date_format(a.due_on, "SHORT_DATE_FORMAT"),
                        "owner": a.owner_name,
                        "status": a.get_status_display(),
                        "late": a.is_late(today),
                        "status_note": a.status_note,
                    }
                    for a in item.activities
                ],
            }
            for item in overview.initiatives
        ],
    }


@transaction.atomic
def print_plan(*, plan: DevelopmentPlan, by: User) -> Any:
    """Order the plan's status overview as a PDF. Printing again without any change since the
    last print gives the same document (a double click makes one PDF)."""
    if not plan.can_download(by):
        raise PermissionDenied
    # Serialise concurrent prints of the plan so two clicks cannot both take the next version.
    DevelopmentPlan.objects.select_for_update().filter(pk=plan.pk).first()
    context = plan_context(plan, today=timezone.localdate())
    documents = Document.objects.filter(
        content_type=ContentType.objects.get_for_model(DevelopmentPlan),
        object_id=plan.pk,
        kind=DocumentKind.UDVIKLINGSPLAN,
    )
    latest = documents.order_by("-version").first()
    if latest is not None and latest.context == context:
        return latest
    version = (documents.aggregate(v=Max("version"))["v"] or 0) + 1
    return request_pdf(
        subject=plan,
        kind=DocumentKind.UDVIKLINGSPLAN,
        title=context["title"],
        template_name="reports/plan_pdf.html",
        context=context,
        by=by,
        version=version,
    )


def record_export(request: HttpRequest, *, what: str, criteria: str, fmt: str) -> None:
    """Log an export: which report, which filter, which format (no child is named in one)."""
    record(
        request,
        AuditAction.EXPORT,
        term=criteria,
        purpose=f"rapporteksport: {what} ({fmt.upper()})"[:200],
    )
