"""Parents' involvement in referrals: the parents' perspective in a school's draft, the parents'
own referral (/foraeldre/), and the leader's invitation (/inddragelse/).

The draft is the cast's school's; the cast's parent holds custody of its child and is invited.
The other parent holds custody of no child here: 404. Staff are refused the parents' pages
(403); of the staff, only the school's leader invites (the teacher 403, the draft is out of
everyone else's scope: 404), and parents are refused the staff page (403).
"""

from typing import Any

from parents.involvement import invite_custody_holders
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.parents.factories import give_custody
from tests.security.routes import ALL_ROLES, Route, everyone


def _draft(cast: Any):
    child = ChildFactory(institution=cast.school, first_name="Alma", last_name="Perspektiv")
    give_custody(cast.parent, child)
    return ReferralFactory(child=child, author=cast.teacher)


def _invitation_pk(cast: Any) -> dict[str, int]:
    outcome = invite_custody_holders(_draft(cast), by=cast.school_leader)
    return {"pk": outcome.invited[0].pk}


def _draft_pk(cast: Any) -> dict[str, int]:
    return {"pk": _draft(cast).pk}


def _child_pk(cast: Any) -> dict[str, int]:
    return {"child_pk": _draft(cast).child_id}


parent_page = everyone(403, parent=200, other_parent=404)
parent_post = everyone(403, parent=400, other_parent=404)

ROUTES = [
    Route("parents:perspective", parent_page, kwargs=_invitation_pk, login="parents:login"),
    Route(
        "parents:perspective",
        parent_post,
        kwargs=_invitation_pk,
        method="post",
        login="parents:login",
    ),
    Route(
        "parents:perspective-autosave",
        everyone(403, parent=200, other_parent=404),
        kwargs=_invitation_pk,
        method="post",
        login="parents:login",
    ),
    Route(
        "parents:perspective-autosave",
        dict.fromkeys(ALL_ROLES, 405),
        kwargs=_invitation_pk,
    ),
    Route("parents:own-referral", parent_page, kwargs=_child_pk, login="parents:login"),
    Route(
        "parents:own-referral",
        parent_post,
        kwargs=_child_pk,
        method="post",
        login="parents:login",
    ),
    Route(
        "involvement:invite",
        everyone(404, school_leader=302, teacher=403),
        kwargs=_draft_pk,
        method="post",
    ),
    Route("involvement:invite", everyone(405), kwargs=_draft_pk),
]
