"""Demo data for reports: manual measurements of the effect goals and the development plan.

Idempotent: rows are found by natural keys (goal and year; plan, initiative number, step) and
created only when missing, so running the demo again never duplicates or overwrites what the
PPR leader has since changed.

The plan is seed 004 §3 (written for 2018–2020). So that the demo shows a plan in progress, its
dates are moved to start the year before the current one, and each step's status follows from
its moved date: long past → done (a few left late on purpose), around today → in progress,
ahead → not started. The plan's own status notes are kept.
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from indsatser.models import Beacon

from .models import (
    ActivityStatus,
    DevelopmentPlan,
    EffectGoal,
    GoalMeasurement,
    PlanActivity,
    PlanInitiative,
)
from .plan_data import INITIATIVES, PLAN_DESCRIPTION, PLAN_KEY, PLAN_NAME

#: Fictitious measured values for the manual goals (goal key → year offset from now → value).
MEASUREMENTS = {
    "stoette-serviceloven": {
        -2: (Decimal(1120), "Børn og Familie, årsopgørelse"),
        -1: (Decimal(1065), "Børn og Familie, årsopgørelse"),
    },
    "udgift-specialtilbud": {
        -2: (Decimal("51.8"), "Økonomi, regnskab"),
        -1: (Decimal("49.6"), "Økonomi, regnskab"),
    },
    "afgangsproeve": {
        -2: (Decimal("90.8"), "Skoleområdet, kvalitetsrapport"),
        -1: (Decimal("91.9"), "Skoleområdet, kvalitetsrapport"),
    },
}

#: Every n-th past step is left "in progress": the overview then shows late steps.
LATE_EVERY = 9


def _demo_status(due: date, today: date, index: int) -> str:
    if due < today - timedelta(days=90):
        return (
            ActivityStatus.IN_PROGRESS
            if index % LATE_EVERY == LATE_EVERY - 1
            else ActivityStatus.DONE
        )
    if due <= today + timedelta(days=60):
        return ActivityStatus.IN_PROGRESS
    return ActivityStatus.NOT_STARTED


YEAR = re.compile(r"\b20\d\d\b")


def _shift(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def _seed_measurements(leader: Any, this_year: int) -> None:
    for key, values in MEASUREMENTS.items():
        goal = EffectGoal.objects.filter(key=key).first()
        if goal is None:
            continue
        for offset, (value, note) in values.items():
            GoalMeasurement.objects.get_or_create(
                goal=goal,
                year=this_year + offset,
                defaults={"value": value, "note": note, "recorded_by": leader},
            )


def _seed_plan(leader: Any, today: date) -> DevelopmentPlan:
    plan, _ = DevelopmentPlan.objects.get_or_create(
        key=PLAN_KEY, defaults={"name": PLAN_NAME, "description": PLAN_DESCRIPTION}
    )
    years = today.year - 1 - 2018
    beacons = {b.number: b for b in Beacon.objects.all()}
    goals = {g.key: g for g in EffectGoal.objects.all()}
    index = 0
    for order, data in enumerate(INITIATIVES, start=1):
        initiative, created = PlanInitiative.objects.get_or_create(
            plan=plan,
            number=data["number"],
            defaults={
                "title": data["title"],
                "description": data["description"],
                "owner_text": data["owner"],
                "order": order,
            },
        )
        initiative_beacons = [beacons[n] for n in data["beacons"] if n in beacons]  # type: ignore[attr-defined]
        initiative_goals = [goals[k] for k in data["goals"] if k in goals]  # type: ignore[attr-defined]
        if created:
            initiative.beacons.set(initiative_beacons)
            initiative.effect_goals.set(initiative_goals)
        for kind, number, group, title, label, due, owner, note in data["steps"]:  # type: ignore[attr-defined]
            moved = _shift(due, years)
            activity, created = PlanActivity.objects.get_or_create(
                initiative=initiative,
                group=group,
                kind=kind,
                number=number,
                defaults={
                    "title": title,
                    "due_on": moved,
                    "due_label": YEAR.sub(lambda m: str(int(m.group()) + years), label),
                    "owner_text": owner,
                    "owner": leader if owner == "Leder af PPR" else None,
                    "status": _demo_status(moved, today, index),
                    "status_note": note,
                },
            )
            if created:
                activity.beacons.set(initiative_beacons)
                activity.effect_goals.set(initiative_goals)
            index += 1
    return plan


@transaction.atomic
def seed(organisation: Any) -> None:
    """Manual measurements for the last two years and the development plan, as the PPR leader."""
    leader = organisation.users["ppr_leader"]
    today = timezone.localdate()
    _seed_measurements(leader, today.year)
    _seed_plan(leader, today)
