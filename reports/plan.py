"""The development plan's status overview: initiatives with their steps, late ones flagged."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch

from .models import ActivityStatus, DevelopmentPlan, PlanActivity, PlanInitiative


@dataclass(frozen=True)
class InitiativeStatus:
    initiative: PlanInitiative
    activities: list[PlanActivity]
    beacons: list[Any]
    goals: list[Any]
    late: int
    done: int

    @property
    def total(self) -> int:
        return len(self.activities)


@dataclass(frozen=True)
class PlanOverview:
    plan: DevelopmentPlan
    initiatives: list[InitiativeStatus]
    summary: list[tuple[str, int]]
    late_count: int


def plan_overview(plan: DevelopmentPlan, *, today: date) -> PlanOverview:
    """Everything the overview page and the PDF show, in a fixed number of queries."""
    initiatives = list(
        PlanInitiative.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=PlanActivity.objects.select_related("owner").order_by(
                    "group", "due_on", "kind", "number"
                ),
            ),
            "beacons",
            "effect_goals",
        )
        .order_by("order", "pk")
    )
    counts: Counter[str] = Counter()
    items = []
    late_total = 0
    for initiative in initiatives:
        activities = list(initiative.activities.all())
        late = 0
        for activity in activities:
            is_late = activity.is_late(today)
            activity.late = is_late  # type: ignore[attr-defined]  # an attribute for the templates
            late += is_late
        late_total += late
        counts.update(a.status for a in activities)
        items.append(
            InitiativeStatus(
                initiative=initiative,
                activities=activities,
                beacons=list(initiative.beacons.all()),
                goals=list(initiative.effect_goals.all()),
                late=late,
                done=sum(1 for a in activities if a.status == ActivityStatus.DONE),
            )
        )
    summary = [(str(label), counts.get(value, 0)) for value, label in ActivityStatus.choices]
    return PlanOverview(plan=plan, initiatives=items, summary=summary, late_count=late_total)
