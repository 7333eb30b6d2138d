"""The audit log is the PPR leader's alone; the administrator manages users but reads no log."""

from tests.cases.factories import ChildFactory
from tests.security.routes import Route, everyone

leader_only = everyone(403, ppr_leader=200)

ROUTES = [
    Route("audit:event-list", leader_only),
    Route("audit:event-list", leader_only, query="?barn=1&handling=view"),
    Route("audit:event-list", everyone(405), method="post"),
    Route(
        "audit:child-export",
        leader_only,
        kwargs=lambda cast: {"child_id": ChildFactory(institution=cast.school).pk},
    ),
]
