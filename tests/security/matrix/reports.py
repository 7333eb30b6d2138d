"""Reports: PPR staff read the effect goals and the development plan (the PPR leader edits and
prints them); the operational reports are the PPR leader's, and each institution leader's for
their own institution; teachers, partners and the administrator see none of it."""

import uuid
from collections.abc import Callable
from datetime import date

from tests.security.routes import LOGIN, ROLES, Route, everyone

PPR_STAFF = ("psychologist", "colleague", "outsider", "ppr_leader", "secretary")
INSTITUTION_LEADERS = ("school_leader", "other_leader")
SLUGS = (
    "ventetid",
    "venteliste",
    "sagsbelastning",
    "frister",
    "boernelineal",
    "farveskift",
    "indsatser",
    "forloeb",
    "fravaer",
)

VISITATION_SLUGS = ("visitation", "placeringer", "tilbage-til-almen", "udgift-specialtilbud")

ppr_staff = everyone(403, **dict.fromkeys(PPR_STAFF, 200))
visitation = everyone(403, ppr_leader=200)
any_report = ppr_staff | dict.fromkeys(INSTITUTION_LEADERS, 200)
operational = everyone(403, ppr_leader=200, **dict.fromkeys(INSTITUTION_LEADERS, 200))
#: A goal or activity is visible to PPR staff (others get 404); only the leader may change it.
leader_edits = {role: 404 for role in ROLES} | dict.fromkeys(PPR_STAFF, 403) | {"anonymous": LOGIN}


def _goal(key: str = "stoette-serviceloven"):
    def kwargs(cast: object) -> dict[str, int]:
        from reports.models import EffectGoal

        return {"pk": EffectGoal.objects.get(key=key).pk}

    return kwargs


def _plan() -> object:
    from reports.models import DevelopmentPlan, PlanActivity, PlanInitiative

    plan, _ = DevelopmentPlan.objects.get_or_create(
        key="ppr-paa-sporet", defaults={"name": "PPR på sporet"}
    )
    initiative, _ = PlanInitiative.objects.get_or_create(
        plan=plan, number="3.1", defaults={"title": "Opsporing"}
    )
    activity, _ = PlanActivity.objects.get_or_create(
        initiative=initiative,
        kind="aktivitet",
        number=1,
        defaults={"title": "TRIO i drift", "due_on": date(2026, 2, 1), "owner_text": "Carina"},
    )
    return activity


def _activity(cast: object) -> dict[str, int]:
    return {"pk": _plan().pk}  # type: ignore[attr-defined]  # _plan() is typed as returning object


def _initiative(cast: object) -> dict[str, int]:
    activity = _plan()
    return {"pk": activity.initiative_id}  # type: ignore[attr-defined]  # _plan() is typed as returning object


def _retired(cast: object) -> dict[str, int]:
    from reports.models import EffectGoal

    goal = EffectGoal.objects.get(key="afgangsproeve")
    from django.utils import timezone

    EffectGoal.objects.filter(pk=goal.pk).update(retired_at=timezone.now(), active=False)
    return {"pk": goal.pk}


def _token(**data: object) -> Callable[[object], dict[str, object]]:
    return lambda cast: data | {"client_token": str(uuid.uuid4())}


def _with_plan(cast: object) -> dict[str, int]:
    _plan()
    return {}


ROUTES = [
    Route("reports:report-index", any_report),
    Route("reports:goal-dashboard", ppr_staff),
    Route("reports:goal-export", ppr_staff, kwargs=lambda cast: {"fmt": "csv"}),
    Route("reports:goal-export", ppr_staff, kwargs=lambda cast: {"fmt": "xlsx"}),
    Route("reports:goal-detail", ppr_staff, kwargs=_goal()),
    Route("reports:goal-detail", ppr_staff, kwargs=_goal("indstillinger-ppr")),
    Route(
        "reports:goal-measurement",
        leader_edits | {"ppr_leader": 302},
        kwargs=_goal(),
        method="post",
        data=lambda cast: {"year": 2025, "value": "48.5", "note": "Regnskab"},
    ),
    Route("reports:goal-measurement", everyone(405), kwargs=_goal()),
    Route("reports:goal-update", leader_edits | {"ppr_leader": 200}, kwargs=_goal()),
    Route(
        "reports:goal-update",
        leader_edits | {"ppr_leader": 302},
        kwargs=_goal(),
        method="post",
        data=lambda cast: {
            "name": "Færre børn med behov for støtte efter serviceloven",
            "direction": "lavere",
            "baseline_value": "1100",
            "baseline_year": "2025",
            "target_value": "1000",
            "target_year": "2028",
            "active": "on",
        },
    ),
    Route("reports:goal-create", everyone(403, ppr_leader=200)),
    Route(
        "reports:goal-create",
        everyone(403, ppr_leader=302),
        method="post",
        data=_token(
            name="Et nyt mål",
            unit="antal",
            direction="lavere",
            measurement="manuel",
            baseline_value="10",
            baseline_year="2025",
            target_value="5",
            target_year="2028",
        ),
    ),
    Route("reports:goal-retire", leader_edits | {"ppr_leader": 302}, kwargs=_goal(), method="post"),
    Route("reports:goal-retire", everyone(405), kwargs=_goal()),
    Route(
        "reports:goal-reinstate", leader_edits | {"ppr_leader": 302}, kwargs=_retired, method="post"
    ),
    Route("reports:goal-reinstate", everyone(405), kwargs=_retired),
    Route("reports:goal-retired", ppr_staff, kwargs=lambda cast: _retired(cast) and {}),
    Route("reports:goal-retired", ppr_staff, query="?navn=pr%C3%B8ve&sort=-retired_at"),
    Route("reports:prevention-spending", ppr_staff),
    Route(
        "reports:prevention-spending",
        everyone(403, ppr_leader=302),
        method="post",
        data=lambda cast: {"year": 2025, "amount": "21.500.000", "note": "Regnskab"},
    ),
    *[
        Route("reports:report-detail", operational, kwargs=lambda cast, s=slug: {"slug": s})
        for slug in SLUGS
    ],
    Route(
        "reports:report-detail",
        operational,
        kwargs=lambda cast: {"slug": "ventetid"},
        query="?fra=2026-01-01&til=2026-06-30",
    ),
    *[
        Route(
            "reports:report-export",
            operational,
            kwargs=lambda cast, s=slug, f=fmt: {"slug": s, "fmt": f},
        )
        for slug in SLUGS
        for fmt in ("csv", "xlsx")
    ],
    # The visitation reports: the PPR leader's only.
    *[
        Route("reports:report-detail", visitation, kwargs=lambda cast, s=slug: {"slug": s})
        for slug in VISITATION_SLUGS
    ],
    Route(
        "reports:report-detail",
        visitation,
        kwargs=lambda cast: {"slug": "udgift-specialtilbud"},
        query="?fra=2024-01-01&til=2026-06-30",
    ),
    *[
        Route(
            "reports:report-export",
            visitation,
            kwargs=lambda cast, s=slug, f=fmt: {"slug": s, "fmt": f},
        )
        for slug in VISITATION_SLUGS
        for fmt in ("csv", "xlsx")
    ],
    Route("reports:plan-overview", ppr_staff, kwargs=_with_plan),
    Route("reports:activity-update", leader_edits | {"ppr_leader": 200}, kwargs=_activity),
    Route(
        "reports:activity-update",
        leader_edits | {"ppr_leader": 302},
        kwargs=_activity,
        method="post",
        data=lambda cast: {
            "kind": "aktivitet",
            "number": 1,
            "title": "TRIO i drift",
            "status": "i_gang",
            "status_note": "Planmæssig",
            "due_on": "2026-02-01",
            "owner_text": "Carina",
            "notes": "",
            "version": 1,
        },
    ),
    Route(
        "reports:initiative-create",
        leader_edits | {"ppr_leader": 200},
        kwargs=_with_plan,
    ),
    Route(
        "reports:initiative-create",
        leader_edits | {"ppr_leader": 302},
        kwargs=_with_plan,
        method="post",
        data=_token(number="3.10", title="Skilsmissegrupper", owner_text="Hanne"),
    ),
    Route("reports:initiative-update", leader_edits | {"ppr_leader": 200}, kwargs=_initiative),
    Route(
        "reports:initiative-update",
        leader_edits | {"ppr_leader": 302},
        kwargs=_initiative,
        method="post",
        data=lambda cast: {"number": "3.1", "title": "Opsporing", "owner_text": "Carina"},
    ),
    Route("reports:activity-create", leader_edits | {"ppr_leader": 200}, kwargs=_initiative),
    Route(
        "reports:activity-create",
        leader_edits | {"ppr_leader": 302},
        kwargs=_initiative,
        method="post",
        data=_token(
            kind="milepael",
            number=2,
            title="Supportmodel beskrevet",
            due_on="2026-05-01",
            owner_text="Jette",
            status="ikke_startet",
        ),
    ),
    Route(
        "reports:plan-print", leader_edits | {"ppr_leader": 302}, kwargs=_with_plan, method="post"
    ),
    Route("reports:plan-print", everyone(405), kwargs=_with_plan),
]
