"""Access to the visitation app: the offers for all staff (edited by the PPR leader); the
applications by role and relation.

The objects are made once per test from the standing cast: Åse's open case at the cast's school
(Team Vest, the psychologist) with a final PPV; an offer; a submitted application and, for a
second child, a draft, both by the school leader.
"""

from types import SimpleNamespace
from typing import Any

from tests.security.routes import Route, everyone


def objects(cast: Any) -> SimpleNamespace:
    cached = cast.__dict__.get("_visitation")
    if cached is not None:
        return cached
    from tests.cases.case_fixtures import make_case
    from tests.cases.ppv_fixtures import draft, finalise
    from tests.visitation.factories import filled_application, offer, submitted_application

    the_offer = offer(cast)
    submitted = submitted_application(cast)
    second = make_case(cast, assigned=cast.psychologist)
    finalise(draft(cast, second), cast.psychologist)
    draft_application = filled_application(cast, second)
    cached = SimpleNamespace(offer=the_offer, submitted=submitted, draft=draft_application)
    cast.__dict__["_visitation"] = cached
    return cached


def pk(attribute: str) -> Any:
    return lambda cast: {"pk": getattr(objects(cast), attribute).pk}


def expect(default: int | str, **overrides: int | str) -> dict[str, int | str]:
    return everyone(default, **overrides)


STAFF = expect(200, administrator=403)
LEADER_ONLY = expect(403, ppr_leader=200)
LEADER_ACTS = expect(403, ppr_leader=302)
LEADER_REFUSED = expect(403, ppr_leader=400)
#: Who lists applications: applicants and PPR.
READERS = expect(
    403,
    psychologist=200,
    colleague=200,
    outsider=200,
    ppr_leader=200,
    secretary=200,
    school_leader=200,
    other_leader=200,
)
APPLICANTS = expect(403, ppr_leader=200, school_leader=200, other_leader=200)
APPLICANTS_REFUSED = expect(403, ppr_leader=400, school_leader=400, other_leader=400)
#: The submitted application: the school's leader, PPR's leader and secretary, the case's team.
SUBMITTED_READ = expect(
    404, psychologist=200, colleague=200, ppr_leader=200, secretary=200, school_leader=200
)
#: Once submitted nobody edits it: the readers are sent back to the application.
SUBMITTED_EDIT = expect(
    404, psychologist=302, colleague=302, ppr_leader=302, secretary=302, school_leader=302
)
SUBMITTED_AUTOSAVE = expect(
    404, psychologist=200, colleague=200, ppr_leader=200, secretary=200, school_leader=200
)
#: The draft: only the applying school's leader sees it.
DRAFT_READ = expect(404, school_leader=200)
DRAFT_SAVE = expect(404, school_leader=302)

ROUTES = [
    # Offers.
    Route("visitation:offer-list", STAFF),
    Route("visitation:offer-list", STAFF, query="?udfasede=1"),
    Route("visitation:offer-detail", STAFF, kwargs=pk("offer")),
    Route("visitation:offer-create", LEADER_ONLY),
    Route("visitation:offer-create", LEADER_REFUSED, method="post", data=lambda c: {"name": ""}),
    Route("visitation:offer-update", LEADER_ONLY, kwargs=pk("offer")),
    Route("visitation:offer-retire", LEADER_ACTS, kwargs=pk("offer"), method="post"),
    Route("visitation:offer-retire", expect(405), kwargs=pk("offer")),
    Route("visitation:offer-reinstate", LEADER_ACTS, kwargs=pk("offer"), method="post"),
    # Applications.
    Route("visitation:application-list", READERS),
    Route("visitation:application-list", READERS, query="?status=indsendt"),
    Route("visitation:application-create", APPLICANTS),
    Route("visitation:application-create", APPLICANTS_REFUSED, method="post"),
    Route("visitation:application-detail", SUBMITTED_READ, kwargs=pk("submitted")),
    Route("visitation:application-detail", DRAFT_READ, kwargs=pk("draft")),
    Route("visitation:application-update", SUBMITTED_EDIT, kwargs=pk("submitted")),
    Route("visitation:application-update", DRAFT_READ, kwargs=pk("draft")),
    Route(
        "visitation:application-update",
        DRAFT_SAVE,
        kwargs=pk("draft"),
        method="post",
        data=lambda cast: {"version": objects(cast).draft.version, "action": "save"},
    ),
    Route(
        "visitation:application-autosave",
        SUBMITTED_AUTOSAVE,
        kwargs=pk("submitted"),
        method="post",
    ),
    Route(
        "visitation:application-autosave",
        DRAFT_READ,
        kwargs=pk("draft"),
        method="post",
        data=lambda cast: {"version": objects(cast).draft.version},
    ),
    Route("visitation:application-submit", SUBMITTED_EDIT, kwargs=pk("submitted"), method="post"),
    Route("visitation:application-submit", expect(405), kwargs=pk("submitted")),
]
