"""Tidlig opsporing (issue 25, seed 004 §3.1–3.3): who reads, records and acts on observations.

The child goes to the cast's school (district Vest) and has a case assigned to the psychologist
(Team Vest), so PPR's case workers reach it through the case; the teacher recorded a
trivselsvurdering with a concern. Readers: the PPR leader, the case's workers, the school's
leader and teacher, the district's social worker (partner scope). Not the secretary (intake),
the outsider, the other school's leader, the administrator or parents. Recording: the school's
leader and staff (and the district's health visitor, not in the matrix's cast of roles).
"""

from datetime import date

from cases.models import EarlyObservation
from meetings.forums import ensure_default_forums
from meetings.models import SupportForum
from tests.cases.factories import CaseFactory, ChildFactory, EarlyObservationFactory
from tests.security.routes import Route, everyone


def _child(cast):
    child = ChildFactory(institution=cast.school, first_name="Ronja", last_name="Matrix")
    CaseFactory(child=child, assigned=cast.psychologist, team=cast.team_vest)
    return child


def _child_pk(cast) -> dict[str, int]:
    return {"pk": _child(cast).pk}


def _observation(cast) -> EarlyObservation:
    return EarlyObservationFactory(
        child=_child(cast),
        recorded_by=cast.teacher,
        kind="trivsel",
        finding="bekymring",
        text="Trækker sig fra fællesskabet i frikvartererne.",
    )


def _observation_pk(cast) -> dict[str, int]:
    return {"pk": _observation(cast).pk}


def _forum_data(cast) -> dict[str, object]:
    ensure_default_forums(SupportForum)
    return {"forum": SupportForum.objects.get(code="sparring_ppr").pk}


#: Reading a child's observations.
readers = everyone(
    404,
    psychologist=200,
    colleague=200,
    ppr_leader=200,
    school_leader=200,
    teacher=200,
    social_worker=200,
)
#: Recording one: only the child's institution here (and health visitors of the district). The
#: roles that never record are refused before the child is looked up (403).
recorders = everyone(403, school_leader=200, teacher=200, other_leader=404)
#: Registrér en observation (finding the child first): the roles that record – here the
#: institutions' leaders and staff, any institution (each searches its own children); the
#: health visitors too (not in the matrix's cast; tests/cases/test_observation_start.py).
#: Everyone else, parents and the administrator included, 403 before any child is looked up.
starters = everyone(
    403, school_leader=200, other_leader=200, teacher=200, parent=403, other_parent=403
)
#: Choosing the cast's school child: the school's leader and teacher go on to its form (302);
#: the other school's leader is refused the choice (400, "Vælg et barn fra listen."), exactly
#: as for a child that does not exist.
choosers = {**starters, "school_leader": 302, "teacher": 302, "other_leader": 400}
#: The overview: institution leaders and staff, the partners, the PPR leader.
overview = everyone(
    403, ppr_leader=200, school_leader=200, other_leader=200, teacher=200, social_worker=200
)
#: An indstilling from the observation: the child's institution writes it; other readers 403.
referrers = everyone(
    404,
    psychologist=403,
    colleague=403,
    ppr_leader=403,
    school_leader=302,
    teacher=302,
    social_worker=403,
)
#: A TRIO henvisning from the observation: the TRIO or the leader (the cast has no TRIO, so
#: the school's leader); the administrator is no meeting user (403).
henvisers = everyone(
    404,
    psychologist=403,
    colleague=403,
    ppr_leader=403,
    school_leader=200,
    teacher=403,
    social_worker=403,
    administrator=403,
)


def _redirected(expect: dict[str, int | str]) -> dict[str, int | str]:
    return {role: 302 if status == 200 else status for role, status in expect.items()}


ROUTES = [
    Route("cases:child-observations", readers, kwargs=_child_pk),
    Route("cases:child-observations", everyone(405), kwargs=_child_pk, method="post"),
    Route("cases:observation-create", recorders, kwargs=_child_pk),
    Route(
        "cases:observation-create",
        _redirected(recorders),
        kwargs=_child_pk,
        method="post",
        data=lambda cast: {
            "observed_on": date.today().isoformat(),
            "kind": "trivsel",
            "finding": "opmaerksomhed",
            "text": "Mere stille end før; vi taler med forældrene.",
            "client_token": "9a1c7f1e-2b0e-4f5e-9b7a-1d2c3e4f5a6b",
        },
    ),
    Route("cases:observation-overview", overview),
    Route(
        "cases:observation-overview",
        overview,
        query="?resultat=&type=trivsel&fra=2026-01-01&til=2026-12-31&sort=-child",
    ),
    Route("cases:observation-overview", everyone(405), method="post"),
    Route("cases:observation-start", starters),
    Route(
        "cases:observation-start",
        starters,
        method="post",
        data=lambda cast: {"find": "1", "q": f"{_child(cast).first_name} matrix"},
    ),
    Route(
        "cases:observation-start",
        choosers,
        method="post",
        data=lambda cast: {"child": _child(cast).pk, "q": ""},
    ),
    Route("cases:observation-referral", referrers, kwargs=_observation_pk, method="post"),
    Route("cases:observation-referral", everyone(405), kwargs=_observation_pk),
    Route("meetings:observation-henvisning", henvisers, kwargs=_observation_pk),
    Route(
        "meetings:observation-henvisning",
        _redirected(henvisers),
        kwargs=_observation_pk,
        method="post",
        data=_forum_data,
    ),
]
