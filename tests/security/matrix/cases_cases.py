"""Cases, journal and Børnelineal: who may see and do what.

The case belongs to a child at the cast's school (district Vest), is assigned to the
psychologist and belongs to Team Vest: the colleague sees it through the team, the outsider
(Team Øst) does not. The secretary sees case headers but no journal; institutions, partners and
the administrator see no case at all (404).
"""

from datetime import date

from django.utils import timezone

from cases.models import Case, JournalEntry
from tests.cases.factories import CaseFactory, ChildFactory, JournalEntryFactory
from tests.security.routes import Route, everyone


def _case(cast) -> Case:
    child = ChildFactory(institution=cast.school, first_name="Alma", last_name="Matrix")
    return CaseFactory(child=child, assigned=cast.psychologist, team=cast.team_vest)


def _case_pk(cast) -> dict[str, int]:
    return {"pk": _case(cast).pk}


def _entry_pk(cast) -> dict[str, int]:
    entry: JournalEntry = JournalEntryFactory(case=_case(cast), author=cast.psychologist)
    return {"pk": entry.pk}


#: PPR staff may use the case list and search; nobody else.
ppr_list = everyone(
    403, psychologist=200, colleague=200, outsider=200, ppr_leader=200, secretary=200
)
#: Reading the case: the case's workers (assigned, team), the leader and the secretary.
case_readers = everyone(404, psychologist=200, colleague=200, ppr_leader=200, secretary=200)
#: Working on the case: its case workers and the leader; the secretary sees it but may not.
case_workers = everyone(404, psychologist=200, colleague=200, ppr_leader=200, secretary=403)
#: The journal itself is hidden from the secretary (404, like any row out of scope).
journal_readers = everyone(404, psychologist=200, colleague=200, ppr_leader=200)


def _child_pk(cast) -> dict[str, int]:
    return {"pk": _case(cast).child_id}


#: The child's Børnelineal history: whoever sees the child (its institution, PPR intake, the
#: case's workers) and the partners of the child's district (seed 004 §3).
rating_readers = everyone(
    404,
    psychologist=200,
    colleague=200,
    ppr_leader=200,
    secretary=200,
    school_leader=200,
    teacher=200,
    social_worker=200,
)
#: Rating on the child's page: the PPR leader, the case's workers, the district's partners.
child_raters = everyone(
    403, psychologist=200, colleague=200, outsider=404, ppr_leader=200, social_worker=200
)


def _redirected(expect: dict[str, int | str]) -> dict[str, int | str]:
    return {role: 302 if status == 200 else status for role, status in expect.items()}


ROUTES = [
    Route("cases:case-list", ppr_list),
    Route("cases:case-list", ppr_list, query="?visning=team&status=aaben&farve=roed&alder=6-9"),
    Route("cases:case-list", everyone(405), method="post"),
    Route("cases:case-search", ppr_list, method="post", data=lambda cast: {"q": "Alma"}),
    Route("cases:case-search", everyone(405)),
    Route("cases:case-detail", case_readers, kwargs=_case_pk),
    Route(
        "cases:case-assign",
        everyone(404, psychologist=403, colleague=403, ppr_leader=200, secretary=403),
        kwargs=_case_pk,
    ),
    Route(
        "cases:case-assign",
        everyone(404, psychologist=403, colleague=403, ppr_leader=302, secretary=403),
        kwargs=_case_pk,
        method="post",
        data=lambda cast: {"assignee": cast.colleague.pk},
    ),
    Route("cases:case-close", case_workers, kwargs=_case_pk),
    Route(
        "cases:case-close",
        _redirected(case_workers),
        kwargs=_case_pk,
        method="post",
        data=lambda cast: {"outcome": "flyttet", "note": "Familien er flyttet."},
    ),
    Route("cases:journal-create", case_workers, kwargs=_case_pk),
    Route(
        "cases:journal-create",
        _redirected(case_workers),
        kwargs=_case_pk,
        method="post",
        data=lambda cast: {
            "occurred_on": date.today().isoformat(),
            "kind": "samtale",
            "text": "Samtale med eleven.",
            "client_token": "6f1c7f1e-2b0e-4f5e-9b7a-1d2c3e4f5a6b",
        },
    ),
    # The new entry's autosave: the typist's own draft (ppr.drafts), never the journal.
    Route(
        "cases:journal-autosave",
        case_workers,
        kwargs=_case_pk,
        method="post",
        data=lambda cast: {"kind": "samtale", "text": "Halvt skrevet."},
    ),
    Route("cases:journal-autosave", everyone(405), kwargs=_case_pk),
    Route("cases:journal-correct", journal_readers, kwargs=_entry_pk),
    Route(
        "cases:journal-correct",
        _redirected(journal_readers),
        kwargs=_entry_pk,
        method="post",
        data=lambda cast: {
            "occurred_on": timezone.localdate().isoformat(),
            "text": "Rettet tekst.",
            "reason": "Stavefejl",
            "version": 1,
        },
    ),
    Route("cases:rating-create", case_workers, kwargs=_case_pk),
    Route(
        "cases:rating-create",
        _redirected(case_workers),
        kwargs=_case_pk,
        method="post",
        data=lambda cast: {
            "colour": "gul",
            "rated_on": date.today().isoformat(),
            "context": "sag",
            "rationale": "Trivslen er faldende.",
            "client_token": "7f1c7f1e-2b0e-4f5e-9b7a-1d2c3e4f5a6b",
        },
    ),
    Route(
        "cases:rating-report",
        everyone(403, ppr_leader=200, school_leader=200, other_leader=200),
    ),
    Route(
        "cases:rating-report",
        everyone(403, ppr_leader=200, school_leader=200, other_leader=200),
        query="?fra=2026-01-01&til=2026-12-31",
    ),
    Route(
        "cases:rating-report",
        everyone(403, ppr_leader=200, school_leader=200, other_leader=200),
        query="?faggruppe=sundhedsplejerske",
    ),
    Route("cases:child-ratings", rating_readers, kwargs=_child_pk),
    Route("cases:child-ratings", rating_readers, kwargs=_child_pk, query="?faggruppe=psykolog"),
    Route("cases:child-ratings", everyone(405), kwargs=_child_pk, method="post"),
    Route("cases:child-rating-create", child_raters, kwargs=_child_pk),
    Route(
        "cases:child-rating-create",
        _redirected(child_raters),
        kwargs=_child_pk,
        method="post",
        data=lambda cast: {
            "colour": "gul",
            "rated_on": date.today().isoformat(),
            "context": "tvaerfagligt",
            "rationale": "Bekymring fra sundhedsplejen.",
            "client_token": "8f1c7f1e-2b0e-4f5e-9b7a-1d2c3e4f5a6b",
        },
    ),
]

ROUTES += [
    Route("cases:case-kle", case_workers, kwargs=_case_pk),
    Route(
        "cases:case-kle",
        _redirected(case_workers),
        kwargs=_case_pk,
        method="post",
        data=lambda cast: {"kle_number": "17.13.00", "kle_facet": "G01"},
    ),
]
