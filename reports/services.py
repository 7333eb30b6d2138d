"""The domain verbs of reports: measure a goal by hand, adjust a goal, keep the plan's status,
print the plan, and log an export. Each writes its own audit row."""

import uuid
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action, record
from ppr.documents.models import Document, DocumentKind
from ppr.documents.services import request_pdf

from .formatting import smart
from .measures import MEASURES
from .models import (
    DevelopmentPlan,
    EffectGoal,
    GoalMeasurement,
    Measurement,
    PlanActivity,
    PlanInitiative,
    PreventionSpending,
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
)
#: Fields of a new goal: the adjustable ones and how it is measured (fixed from then on).
NEW_GOAL_FIELDS = (*GOAL_FIELDS, "description", "unit", "measurement", "measure_key")
#: Fields of a plan activity the PPR leader keeps up to date.
ACTIVITY_FIELDS = (
    "kind",
    "group",
    "number",
    "title",
    "due_on",
    "due_label",
    "owner",
    "owner_text",
    "status",
    "status_note",
    "notes",
)
#: Fields of an initiative (udviklingsindsats): what it is and its tovholder.
INITIATIVE_FIELDS = ("number", "title", "description", "owner_text", "order")


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


def _unique_key(name: str) -> str:
    base = (slugify(name) or "effektmaal")[:44]
    key, n = base, 1
    while EffectGoal.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


@transaction.atomic
def create_goal(
    *, values: dict[str, Any], by: User, client_token: uuid.UUID | None = None
) -> EffectGoal:
    """Add an effect goal: name, unit, direction, baseline, target, and how it is measured
    (an automatic measure from reports/measures.py, or by hand). The same form sent twice
    (one client token) creates one goal."""
    _require_leader(by)
    if client_token is not None:
        existing = EffectGoal.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    goal = EffectGoal(**{name: values[name] for name in NEW_GOAL_FIELDS if name in values})
    if goal.measurement == Measurement.MANUAL:
        goal.measure_key = ""
    elif goal.measure_key not in MEASURES:
        raise ValidationError({"measure_key": "Vælg en automatisk måling."})
    goal.key = _unique_key(goal.name)
    goal.order = (EffectGoal.objects.aggregate(o=Max("order"))["o"] or 0) + 1
    goal.client_token = client_token
    goal.full_clean()
    try:
        with transaction.atomic():
            goal.save()
    except IntegrityError:
        if client_token is None:
            raise
        return EffectGoal.objects.get(client_token=client_token)
    if "beacons" in values:
        goal.beacons.set(values["beacons"])
    log_action(goal, AuditAction.CREATE, by=by, purpose=f"{PURPOSE_GOALS}: nyt mål")
    return goal


@transaction.atomic
def retire_goal(*, goal: EffectGoal, by: User) -> EffectGoal:
    """Retire a goal: it leaves the overview and the export, but it, its measurements and its
    history are kept (past reports do not change). Retiring twice changes nothing."""
    _require_leader(by)
    updated = EffectGoal.objects.filter(pk=goal.pk, retired_at__isnull=True).update(
        retired_at=timezone.now(), retired_by=by, active=False
    )
    goal.refresh_from_db()
    if updated:
        log_action(goal, AuditAction.UPDATE, by=by, purpose=f"{PURPOSE_GOALS}: udgået")
    return goal


@transaction.atomic
def reinstate_goal(*, goal: EffectGoal, by: User) -> EffectGoal:
    """Bring a retired goal back to the overview (e.g. retired by mistake)."""
    _require_leader(by)
    updated = EffectGoal.objects.filter(pk=goal.pk, retired_at__isnull=False).update(
        retired_at=None, retired_by=None, active=True
    )
    goal.refresh_from_db()
    if updated:
        log_action(goal, AuditAction.UPDATE, by=by, purpose=f"{PURPOSE_GOALS}: taget i brug igen")
    return goal


@transaction.atomic
def record_prevention_spending(
    *, year: int, amount: Decimal, note: str = "", by: User
) -> PreventionSpending:
    """Enter a year's spending on prevention (kroner); entering a year again corrects it."""
    _require_leader(by)
    if amount < 0:
        raise ValidationError({"amount": "Et beløb kan ikke være negativt."})
    existing = PreventionSpending.objects.select_for_update().filter(year=year).first()
    previous = existing.amount if existing else None
    row, created = PreventionSpending.objects.update_or_create(
        year=year, defaults={"amount": amount, "note": note.strip(), "recorded_by": by}
    )
    change = (
        f"{year}: {smart(amount, 2)} kr."
        if created
        else f"{year}: {smart(previous, 2)} rettet til {smart(amount, 2)} kr."
    )
    log_action(
        row,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by=by,
        purpose=f"{PURPOSE_GOALS}: udgift til forebyggelse ({change})"[:200],
    )
    return row


@transaction.atomic
def save_initiative(
    *,
    initiative: PlanInitiative,
    changes: dict[str, Any],
    by: User,
    client_token: uuid.UUID | None = None,
) -> PlanInitiative:
    """Add an initiative (udviklingsindsats) to the plan, or change its number, title,
    description or tovholder. A new one sent twice (one client token) is created once."""
    _require_leader(by)
    created = initiative.pk is None
    if created and client_token is not None:
        existing = PlanInitiative.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    changed = [
        name
        for name in INITIATIVE_FIELDS
        if name in changes and getattr(initiative, name) != changes[name]
    ]
    for name in changed:
        setattr(initiative, name, changes[name])
    if created:
        initiative.client_token = client_token
        if "order" not in changes:
            initiative.order = (
                PlanInitiative.objects.filter(plan=initiative.plan).aggregate(o=Max("order"))["o"]
                or 0
            ) + 1
    elif not changed:
        return initiative
    initiative.full_clean(exclude=["beacons", "effect_goals"])
    try:
        with transaction.atomic():
            initiative.save()
    except IntegrityError:
        if not created or client_token is None:
            raise
        return PlanInitiative.objects.get(client_token=client_token)
    for name in ("beacons", "effect_goals"):
        if name in changes:
            getattr(initiative, name).set(changes[name])
    log_action(
        initiative,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by=by,
        purpose=(
            f"{PURPOSE_PLAN}: ny indsats"
            if created
            else f"{PURPOSE_PLAN}: ændret {', '.join(changed)}"
        )[:200],
    )
    return initiative


@transaction.atomic
def create_activity(
    *,
    initiative: PlanInitiative,
    values: dict[str, Any],
    by: User,
    client_token: uuid.UUID | None = None,
) -> PlanActivity:
    """Add an activity, milestone or sub-goal to an initiative: what, when, who, status. The
    same form sent twice (one client token) creates one activity."""
    _require_leader(by)
    if client_token is not None:
        existing = PlanActivity.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    activity = PlanActivity(
        initiative=initiative,
        updated_by=by,
        client_token=client_token,
        **{name: values[name] for name in ACTIVITY_FIELDS if name in values},
    )
    activity.full_clean(exclude=["beacons", "effect_goals"])
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError:
        if client_token is None:
            raise
        return PlanActivity.objects.get(client_token=client_token)
    log_action(activity, AuditAction.CREATE, by=by, purpose=f"{PURPOSE_PLAN}: ny aktivitet")
    return activity


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
    current.full_clean(exclude=["beacons", "effect_goals", "client_token"])
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
