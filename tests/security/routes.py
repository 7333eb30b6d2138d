"""The access matrix: for every URL pattern, what each role gets.

Each app lists its routes in ``tests/security/matrix/<app>.py`` as ``ROUTES``. A route names
the URL, how to build its arguments from the standing cast, and the expected answer per role:
an HTTP status, or ``LOGIN`` for a redirect to the login page. ``test_access_matrix`` fails when
a URL pattern has no route, or a route lacks a role.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
ROLES = [
    "anonymous",
    "psychologist",
    "colleague",
    "outsider",
    "ppr_leader",
    "secretary",
    "school_leader",
    "other_leader",
    "teacher",
    "social_worker",
    "administrator",
]


#: Custody holders signed in with MitID. They reach the parents' portal only: every other route
#: answers them ``PORTAL_ONLY`` (ppr.accounts.middleware.PortalSeparationMiddleware) unless the
#: route says otherwise, so a staff route needs no parent entries.
PARENT_ROLES = ["parent", "other_parent"]
ALL_ROLES = ROLES + PARENT_ROLES
PORTAL_ONLY = 403


def everyone(status: int | str, **overrides: int | str) -> dict[str, int | str]:
    """Authenticated roles get ``status``, anonymous gets the login page, unless overridden."""
    return {"anonymous": LOGIN, **{role: status for role in ROLES[1:]}, **overrides}


@dataclass(frozen=True)
class Route:
    name: str
    expect: dict[str, int | str]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda cast: {})
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = field(default=lambda cast: {})
    query: str = ""
    #: Where ``LOGIN`` redirects: the staff login, or the parents' (parents:login).
    login: str = "account_login"

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"

    def expected(self, role: str) -> int | str:
        """What ``role`` gets; a parent role not named gets ``PORTAL_ONLY``."""
        if role in PARENT_ROLES:
            return self.expect.get(role, PORTAL_ONLY)
        return self.expect[role]
