"""Retention and deletion (Sletning og opbevaring): the PPR leader's pages alone."""

from typing import Any

from django.utils import timezone

from lifecycle.models import DueList, LegalHold
from lifecycle.record_types import CLOSED_CASE
from tests.cases.factories import ChildFactory
from tests.security.routes import Route, everyone

leader_only = everyone(403, ppr_leader=200)
leader_redirects = everyone(403, ppr_leader=302)


def due_list(cast: Any) -> dict[str, Any]:
    return {"list_id": DueList.objects.create().pk, "record_type": CLOSED_CASE}


def approvable(cast: Any) -> dict[str, Any]:
    return {"list_id": DueList.objects.create().pk}


def legal_hold(cast: Any) -> dict[str, Any]:
    row = LegalHold.objects.create(
        child=ChildFactory(institution=cast.school),
        reason="Retssag",
        until=timezone.localdate(),
        created_by=cast.ppr_leader,
    )
    return {"hold_id": row.pk}


ROUTES = [
    Route("lifecycle:review", leader_only),
    Route("lifecycle:review", everyone(405), method="post"),
    Route("lifecycle:items", leader_only, kwargs=due_list),
    Route("lifecycle:approve", leader_redirects, kwargs=approvable, method="post"),
    Route("lifecycle:approve", everyone(405), kwargs=approvable),
    Route("lifecycle:rules", leader_only),
    Route("lifecycle:rule-edit", leader_only, kwargs=lambda cast: {"record_type": CLOSED_CASE}),
    Route(
        "lifecycle:rule-edit",
        leader_redirects,
        kwargs=lambda cast: {"record_type": CLOSED_CASE},
        method="post",
        data=lambda cast: {"years": "6"},
    ),
    Route("lifecycle:holds", leader_only),
    Route(
        "lifecycle:holds",
        leader_redirects,
        method="post",
        data=lambda cast: {
            "child": ChildFactory(institution=cast.school).pk,
            "reason": "Retssag",
            "until": timezone.localdate().isoformat(),
        },
    ),
    Route("lifecycle:hold-lift", leader_redirects, kwargs=legal_hold, method="post"),
    Route("lifecycle:hold-lift", everyone(405), kwargs=legal_hold),
    Route("lifecycle:log", leader_only),
]
