"""Demo data for reports: manual measurements of the effect goals, the year's spending on
prevention (the prevention share's figure) and the development plan.

Idempotent: rows are found by natural keys (goal and year; plan, initiative number, step) and
created only when missing, so running the demo again never duplicates or overwrites what the
PPR leader has since changed.

The plan is seed 004 §3 (written for 2018–2020), kept as data in ``demo/data/development_plan.json``. So that the demo shows a plan in progress, its
dates are moved to start the year before the current one, and each step's status follows from
its moved date: long past → done (a few left late on purpose), around today → in progress,
ahead → not started. The plan's own status notes are kept.
"""

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from indsatser.models import Beacon
from reports.models import (
    ActivityStatus,
    DevelopmentPlan,
    EffectGoal,
    GoalMeasurement,
    PlanActivity,
    PlanInitiative,
    PreventionSpending,
)
from reports.services import record_prevention_spending

#: The development plan "PPR på sporet": its key, name, description and nine initiatives, each
#: with its steps (kind, number, group, title, due date as written and as meant, owner, note).
PLAN_FILE = Path(__file__).resolve().parent / "data" / "development_plan.json"


def load_plan() -> dict[str, Any]:
    """The plan as data; each step's ``due`` as a date."""
    plan: dict[str, Any] = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    for initiative in plan["initiatives"]:
        for step in initiative["steps"]:
            step["due"] = date.fromisoformat(step["due"])
    return plan


#: Fictitious measured values for the manual goals (goal key → year offset from now → value).
#: The spending on special offers is computed from the placements (issue 21), not typed in.
MEASUREMENTS = {
    "stoette-serviceloven": {
        -2: (Decimal(1120), "Børn og Familie, årsopgørelse"),
        -1: (Decimal(1065), "Børn og Familie, årsopgørelse"),
    },
    "afgangsproeve": {
        -2: (Decimal("90.8"), "Skoleområdet, kvalitetsrapport"),
        -1: (Decimal("91.9"), "Skoleområdet, kvalitetsrapport"),
    },
}

#: Fictitious spending on prevention (year offset from now → kroner, source), as the PPR leader
#: enters it from the economy department's figures: set against the special offers' spending
#: computed from the demo's placements it gives the prevention share (seed 004 §1: 28 % → 40 %).
#: Last year's placements began in its last weeks, so only this year's figure is entered: a
#: year whose placements are not in the system would show a share near 100 %.
PREVENTION_SPENDING = {
    0: (Decimal(375_000), "Økonomiafdelingen, budget for forebyggende indsatser"),
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


def _seed_prevention_spending(leader: Any, this_year: int) -> None:
    for offset, (amount, note) in PREVENTION_SPENDING.items():
        if not PreventionSpending.objects.filter(year=this_year + offset).exists():
            record_prevention_spending(year=this_year + offset, amount=amount, note=note, by=leader)


def _seed_plan(leader: Any, today: date) -> DevelopmentPlan:
    data = load_plan()
    plan, _ = DevelopmentPlan.objects.get_or_create(
        key=data["key"], defaults={"name": data["name"], "description": data["description"]}
    )
    years = today.year - 1 - 2018
    beacons = {b.number: b for b in Beacon.objects.all()}
    goals = {g.key: g for g in EffectGoal.objects.all()}
    index = 0
    for order, spec in enumerate(data["initiatives"], start=1):
        initiative, created = PlanInitiative.objects.get_or_create(
            plan=plan,
            number=spec["number"],
            defaults={
                "title": spec["title"],
                "description": spec["description"],
                "owner_text": spec["owner"],
                "order": order,
            },
        )
        initiative_beacons = [beacons[n] for n in spec["beacons"] if n in beacons]
        initiative_goals = [goals[k] for k in spec["goals"] if k in goals]
        if created:
            initiative.beacons.set(initiative_beacons)
            initiative.effect_goals.set(initiative_goals)
        for step in spec["steps"]:
            kind, number, group, title = step["kind"], step["number"], step["group"], step["title"]
            label, owner, note = step["as_written"], step["owner"], step["note"]
            moved = _shift(step["due"], years)
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
    _seed_prevention_spending(leader, today.year)
    _seed_plan(leader, today)
