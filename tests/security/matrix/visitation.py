"""Access to the visitation app: the offers for all staff (edited by the PPR leader); the
applications by role and relation.

The objects are made once per test from the standing cast: Åse's open case at the cast's school
(Team Vest, the psychologist) with a final PPV; an offer; a submitted application and, for a
second child, a draft, both by the school leader.
"""

from datetime import date
from types import SimpleNamespace
from typing import Any

from tests.security.routes import Route, everyone


def objects(cast: Any) -> SimpleNamespace:
    cached = cast.__dict__.get("_visitation")
    if cached is not None:
        return cached
    from tests.cases.case_fixtures import cpr_born, make_case
    from tests.cases.ppv_fixtures import draft, finalise
    from tests.visitation.factories import filled_application, offer, submitted_application

    the_offer = offer(cast)
    submitted = submitted_application(cast)
    second = make_case(cast, assigned=cast.psychologist, child__cpr=cpr_born(date(2016, 5, 2)))
    finalise(draft(cast, second), cast.psychologist)
    draft_application = filled_application(cast, second)
    # The committee: the social worker sits on it; a meeting with a third child's application
    # on its agenda, recommended against the parents' wish and sent to partshøring.
    from visitation import services
    from visitation.models import Committee

    third = make_case(cast, assigned=cast.psychologist, child__cpr=cpr_born(date(2016, 5, 2)))
    finalise(draft(cast, third), cast.psychologist)
    on_agenda = services.submit_application(filled_application(cast, third), by=cast.school_leader)
    committee = services.save_committee(
        committee=Committee(name="Visitationsudvalget"), by=cast.ppr_leader
    )
    member = services.add_member(
        committee=committee, user=cast.social_worker, function="medlem", by=cast.ppr_leader
    )
    meeting = services.plan_meeting(
        committee=committee, held_on=date.today(), place="Rådhuset", by=cast.ppr_leader
    )
    entry = services.add_to_agenda(meeting=meeting, application=on_agenda, by=cast.ppr_leader)
    services.recommend(
        entry=entry,
        recommendation="afslaa",
        offer=None,
        note="Almen støtte rækker.",
        by=cast.ppr_leader,
    )
    services.start_hearing(application=on_agenda, material="Forventet afslag.", by=cast.ppr_leader)
    cached = SimpleNamespace(
        offer=the_offer,
        submitted=submitted,
        draft=draft_application,
        committee=committee,
        member=member,
        meeting=meeting,
        entry=entry,
    )
    cast.__dict__["_visitation"] = cached
    return cached


def pk(attribute: str) -> Any:
    return lambda cast: {"pk": getattr(objects(cast), attribute).pk}


def appealed(cast: Any) -> SimpleNamespace:
    """A fourth child's application, granted, with a complaint registered against it."""
    cached = cast.__dict__.get("_visitation_appeal")
    if cached is not None:
        return cached
    from tests.cases.case_fixtures import cpr_born, make_case
    from tests.cases.ppv_fixtures import draft, finalise
    from tests.visitation.factories import decision
    from visitation import services

    objects(cast)
    case = make_case(cast, assigned=cast.psychologist, child__cpr=cpr_born(date(2016, 5, 2)))
    finalise(draft(cast, case), cast.psychologist)
    granted = decision(cast, case)
    appeal = services.register_appeal(
        decision=granted, received_on=date.today(), by=cast.ppr_leader
    )
    cached = SimpleNamespace(decision=granted, appeal=appeal)
    cast.__dict__["_visitation_appeal"] = cached
    return cached


def appeal_pk(attribute: str) -> Any:
    return lambda cast: {"pk": getattr(appealed(cast), attribute).pk}


def placed(cast: Any) -> SimpleNamespace:
    """A one-place offer: a fifth child granted and placed in it, a sixth granted and waiting."""
    cached = cast.__dict__.get("_visitation_placed")
    if cached is not None:
        return cached
    from tests.cases.case_fixtures import cpr_born, make_case
    from tests.cases.ppv_fixtures import draft, finalise
    from tests.visitation.factories import decision, offer
    from visitation.models import Placement

    objects(cast)
    small = offer(cast, name="Egeklassen", places=1)
    decisions = []
    for _ in range(2):
        case = make_case(cast, assigned=cast.psychologist, child__cpr=cpr_born(date(2016, 5, 2)))
        finalise(draft(cast, case), cast.psychologist)
        decisions.append(decision(cast, case, offer=small))
    cached = SimpleNamespace(
        placement=Placement.objects.get(decision=decisions[0]), waiting=decisions[1]
    )
    cast.__dict__["_visitation_placed"] = cached
    return cached


def placed_pk(attribute: str) -> Any:
    return lambda cast: {"pk": getattr(placed(cast), attribute).pk}


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

#: The committee's pages: the PPR leader keeps them.
MEETINGS = expect(200, administrator=403)
#: The meeting and its agenda items: PPR's leader and secretary, and the committee's member.
MEETING_READ = expect(404, ppr_leader=200, secretary=200, social_worker=200, administrator=403)
#: Acting on an agenda item: the PPR leader; the others who see it are refused.
ENTRY_REFUSED = expect(404, ppr_leader=400, secretary=403, social_worker=403)
ENTRY_ACTS = expect(404, ppr_leader=302, secretary=403, social_worker=403)

#: A placement: PPR's leader and secretary, the case's team, the leader of the child's school
#: (which also runs the offer).
PLACEMENT_READ = expect(
    404, psychologist=200, colleague=200, ppr_leader=200, secretary=200, school_leader=200
)
#: Its review: the PPR leader and the case's team; the others who see it are refused.
REVIEW_READ = expect(
    404, psychologist=200, colleague=200, ppr_leader=200, secretary=403, school_leader=403
)
REVIEW_REFUSED = expect(
    404, psychologist=400, colleague=400, ppr_leader=400, secretary=403, school_leader=403
)

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
    # The committee, its meetings, agendas and partshøring.
    Route("visitation:committee-list", LEADER_ONLY),
    Route("visitation:committee-list", LEADER_REFUSED, method="post", data=lambda c: {"name": ""}),
    Route("visitation:committee-detail", LEADER_ONLY, kwargs=pk("committee")),
    Route("visitation:member-add", LEADER_REFUSED, kwargs=pk("committee"), method="post"),
    Route("visitation:member-remove", LEADER_ACTS, kwargs=pk("member"), method="post"),
    Route("visitation:meeting-create", LEADER_REFUSED, kwargs=pk("committee"), method="post"),
    Route("visitation:meeting-list", MEETINGS),
    Route("visitation:meeting-detail", MEETING_READ, kwargs=pk("meeting")),
    Route("visitation:meeting-build-agenda", LEADER_ACTS, kwargs=pk("meeting"), method="post"),
    Route("visitation:entry-detail", MEETING_READ, kwargs=pk("entry")),
    Route("visitation:entry-present", ENTRY_REFUSED, kwargs=pk("entry"), method="post"),
    Route(
        "visitation:entry-present",
        ENTRY_ACTS,
        kwargs=pk("entry"),
        method="post",
        data=lambda c: {"presentation": "Åse trives ikke i klassen."},
    ),
    Route("visitation:entry-recommend", ENTRY_REFUSED, kwargs=pk("entry"), method="post"),
    Route("visitation:hearing-start", ENTRY_REFUSED, kwargs=pk("entry"), method="post"),
    Route("visitation:hearing-answer", ENTRY_REFUSED, kwargs=pk("entry"), method="post"),
    Route("visitation:entry-decide", ENTRY_REFUSED, kwargs=pk("entry"), method="post"),
    # Appeals: the PPR leader registers them and their outcome; nobody else opens the page.
    Route("visitation:decision-appeals", LEADER_ONLY, kwargs=appeal_pk("decision")),
    Route(
        "visitation:decision-appeals", LEADER_REFUSED, kwargs=appeal_pk("decision"), method="post"
    ),
    Route(
        "visitation:decision-appeals",
        LEADER_ACTS,
        kwargs=appeal_pk("decision"),
        method="post",
        data=lambda c: {"received_on": date.today().isoformat(), "appellant": "barnet"},
    ),
    Route("visitation:appeal-outcome", LEADER_REFUSED, kwargs=appeal_pk("appeal"), method="post"),
    Route("visitation:appeal-outcome", expect(405), kwargs=appeal_pk("appeal")),
    # Sending the decision letter to the custody holders: the PPR leader.
    Route("visitation:letter-send", LEADER_ONLY, kwargs=appeal_pk("decision")),
    Route("visitation:letter-send", LEADER_REFUSED, kwargs=appeal_pk("decision"), method="post"),
    # Placements: placing a waiting child (the offer is full: refused without a reason),
    # a placement's page and its yearly review.
    Route("visitation:decision-place", LEADER_ONLY, kwargs=placed_pk("waiting")),
    Route("visitation:decision-place", LEADER_REFUSED, kwargs=placed_pk("waiting"), method="post"),
    Route("visitation:placement-detail", PLACEMENT_READ, kwargs=placed_pk("placement")),
    Route("visitation:placement-review", REVIEW_READ, kwargs=placed_pk("placement")),
    Route(
        "visitation:placement-review",
        REVIEW_REFUSED,
        kwargs=placed_pk("placement"),
        method="post",
    ),
    Route(
        "visitation:offer-detail",
        STAFF,
        kwargs=lambda cast: {"pk": placed(cast).placement.offer_id},
    ),
]
