"""The data subject's rights (GDPR art. 15 and 18): the PPR leader's pages alone."""

from typing import Any

from rights.models import AccessExport, Restriction
from tests.cases.factories import ChildFactory
from tests.security.routes import Route, everyone

leader_only = everyone(403, ppr_leader=200)
leader_redirects = everyone(403, ppr_leader=302)


def child(cast: Any) -> dict[str, Any]:
    return {"child_id": ChildFactory(institution=cast.school).pk}


def restricted(cast: Any) -> dict[str, Any]:
    row = Restriction.objects.create(
        child=ChildFactory(institution=cast.school),
        reason="Bestrider",
        restricted_by=cast.ppr_leader,
    )
    return {"child_id": row.child_id}


def restriction(cast: Any) -> dict[str, Any]:
    row = Restriction.objects.create(
        child=ChildFactory(institution=cast.school),
        reason="Bestrider",
        restricted_by=cast.ppr_leader,
    )
    return {"pk": row.pk}


def export(cast: Any) -> dict[str, Any]:
    row = AccessExport.objects.create(
        child=ChildFactory(institution=cast.school),
        purpose="anmodning",
        requested_by=cast.ppr_leader,
    )
    return {"pk": row.pk}


ROUTES = [
    Route("rights:overview", leader_only),
    Route("rights:overview", everyone(405), method="post"),
    Route("rights:child", leader_only, kwargs=child),
    Route(
        "rights:export-create",
        leader_redirects,
        kwargs=child,
        method="post",
        data=lambda cast: {"purpose": "anmodning fra mor"},
    ),
    Route("rights:export-create", everyone(405), kwargs=child),
    Route("rights:restrict", leader_only, kwargs=child),
    Route(
        "rights:restrict",
        leader_redirects,
        kwargs=child,
        method="post",
        data=lambda cast: {"reason": "Bestrider rigtigheden"},
    ),
    Route("rights:open-restricted", leader_only, kwargs=restricted),
    Route(
        "rights:open-restricted",
        leader_only,
        kwargs=restricted,
        method="post",
        data=lambda cast: {"purpose": "klage"},
    ),
    Route("rights:lift", leader_only, kwargs=restriction),
    Route(
        "rights:lift",
        leader_redirects,
        kwargs=restriction,
        method="post",
        data=lambda cast: {"reason": "Afklaret"},
    ),
    Route("rights:export-status", leader_only, kwargs=export),
    Route("rights:export-download", leader_redirects, kwargs=export),
    Route("rights:export-retry", leader_redirects, kwargs=export, method="post"),
    Route("rights:export-retry", everyone(405), kwargs=export),
]
