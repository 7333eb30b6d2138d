"""Rights: the PPR leader approves, refuses and removes roles in the app; the administrator,
who proposes them in /admin/, reaches none of it – nor another user's password, second factor
or an institution that children hang on (issue 19's escalation routes)."""

from typing import Any

from allauth.mfa.models import Authenticator

from ppr.accounts import services
from ppr.accounts.models import Role
from tests.cases.case_fixtures import make_case
from tests.factories import UserFactory
from tests.security.routes import ROLES, Route, everyone

leader_only = everyone(403, ppr_leader=200)
leader_acts = everyone(403, ppr_leader=302)


def proposal(cast: Any) -> dict[str, int]:
    user = UserFactory()
    membership = services.propose_membership(user=user, role=Role.PPR_LEADER, by=cast.administrator)
    return {"pk": membership.pk}


def own_proposal(cast: Any) -> dict[str, int]:
    """A grant to the PPR leader himself: nobody approves it, he neither."""
    membership = services.propose_membership(
        user=cast.ppr_leader, role=Role.PSYCHOLOGIST, team=cast.team_vest, by=cast.administrator
    )
    return {"pk": membership.pk}


def removal(cast: Any) -> dict[str, int]:
    request = services.request_second_factor_removal(user=cast.psychologist, by=cast.administrator)
    return {"pk": request.pk}


def school_with_a_child(cast: Any) -> dict[str, Any]:
    make_case(cast)
    return {"object_id": cast.school.pk}


def second_factor(cast: Any) -> dict[str, Any]:
    authenticator = Authenticator.objects.create(
        user=cast.ppr_leader, type=Authenticator.Type.TOTP, data={}
    )
    return {"object_id": authenticator.pk}


#: Admin pages: everyone but the administrator is sent to the login; he is refused.
admin_refused = {role: 302 for role in ROLES} | {"administrator": 403}

ROUTES = [
    Route("accounts:rights", leader_only),
    Route("accounts:rights", everyone(405), method="post"),
    Route("accounts:membership-approve", leader_acts, kwargs=proposal, method="post"),
    Route("accounts:membership-approve", everyone(405), kwargs=proposal),
    # Self-approval: the page answers, the grant stays pending (tests/accounts).
    Route("accounts:membership-approve", leader_acts, kwargs=own_proposal, method="post"),
    Route("accounts:membership-refuse", leader_acts, kwargs=proposal, method="post"),
    Route("accounts:membership-refuse", everyone(405), kwargs=proposal),
    Route(
        "accounts:membership-remove",
        leader_acts,
        kwargs=lambda cast: {"pk": cast.teacher.memberships.get().pk},
        method="post",
    ),
    Route(
        "accounts:membership-remove",
        everyone(405),
        kwargs=lambda cast: {"pk": cast.teacher.memberships.get().pk},
    ),
    # A pending proposal is not a role in force: nothing to remove.
    Route(
        "accounts:membership-remove",
        everyone(403, ppr_leader=404),
        kwargs=proposal,
        method="post",
    ),
    Route("accounts:second-factor-approve", leader_acts, kwargs=removal, method="post"),
    Route("accounts:second-factor-approve", everyone(405), kwargs=removal),
    Route("accounts:second-factor-refuse", leader_acts, kwargs=removal, method="post"),
    Route("accounts:second-factor-refuse", everyone(405), kwargs=removal),
    Route("accounts:review-confirm", leader_acts, method="post"),
    Route("accounts:review-confirm", everyone(405)),
    # The administrator's escalation routes of issue 19.
    Route(
        "admin:auth_user_password_change",
        admin_refused,
        kwargs=lambda cast: {"id": cast.ppr_leader.pk},
    ),
    Route(
        "admin:auth_user_password_change",
        admin_refused,
        kwargs=lambda cast: {"id": cast.ppr_leader.pk},
        method="post",
        data=lambda cast: {"password1": "overtaget-2026!", "password2": "overtaget-2026!"},
    ),
    Route("admin:mfa_authenticator_delete", admin_refused, kwargs=second_factor),
    Route("admin:organisation_institution_delete", admin_refused, kwargs=school_with_a_child),
]
