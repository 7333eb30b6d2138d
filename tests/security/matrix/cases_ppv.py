"""The PPV: PPR's content, written by the case's assigned case worker and the PPR leader.

The case belongs to a child at the cast's school, is assigned to the psychologist and belongs
to Team Vest: the colleague reads the PPV through the team but may not write it (403); the
secretary sees the case but never PPV content (404). A final version is printable by PPR on
the case and by the leader of the child's school, not by another school's leader or its staff.
A draft is never printable: PPR on the case is refused (403), everyone else sees nothing (404).
"""

from typing import Any

from cases.models import Ppv
from ppr.documents.models import Document
from tests.cases.ppv_fixtures import draft, filled, finalise, ppv_case
from tests.security.routes import Route, everyone

#: start → version 1, the fixture's save → version 2.
DRAFT_VERSION = 2


def _draft(cast: Any) -> Ppv:
    return draft(cast)


def _final(cast: Any) -> Ppv:
    return finalise(draft(cast), cast.psychologist)


def _case_pk(cast: Any) -> dict[str, int]:
    return {"pk": ppv_case(cast).pk}


def _draft_pk(cast: Any) -> dict[str, int]:
    return {"pk": _draft(cast).pk}


def _final_pk(cast: Any) -> dict[str, int]:
    return {"pk": _final(cast).pk}


def _document_pk(cast: Any) -> dict[str, int]:
    return {"pk": Document.objects.for_subject(_final(cast)).get().pk}


#: Reading the PPV: the case workers on the case (assigned, team) and the PPR leader.
readers = everyone(404, psychologist=200, colleague=200, ppr_leader=200)
#: Writing it: the assigned case worker and the leader; the team colleague may only read.
writers = everyone(404, psychologist=200, colleague=403, ppr_leader=200)
#: Printing a final version: PPR readers and the leader of the child's school.
printers = everyone(404, psychologist=200, colleague=200, ppr_leader=200, school_leader=200)


def _redirected(expect: dict[str, int | str]) -> dict[str, int | str]:
    return {role: 302 if status == 200 else status for role, status in expect.items()}


def _sections(cast: Any) -> dict[str, Any]:
    return {**filled(summary="Ny sammenfatning"), "version": DRAFT_VERSION}


def _signature(cast: Any) -> dict[str, Any]:
    from datetime import date

    return {
        "signed_name": "Maja Løvstrøm",
        "signed_title": "Psykolog",
        "signed_on": date.today().isoformat(),
        "version": DRAFT_VERSION,
    }


ROUTES = [
    Route("cases:ppv-list", readers, kwargs=_case_pk),
    Route("cases:ppv-list", everyone(405), kwargs=_case_pk, method="post"),
    Route(
        "cases:ppv-create",
        everyone(404, psychologist=302, colleague=403, ppr_leader=302, secretary=403),
        kwargs=_case_pk,
        method="post",
    ),
    Route("cases:ppv-create", everyone(405), kwargs=_case_pk),
    Route("cases:ppv-detail", readers, kwargs=_draft_pk),
    Route("cases:ppv-detail", readers, kwargs=_final_pk),
    Route("cases:ppv-update", writers, kwargs=_draft_pk),
    Route(
        "cases:ppv-update", _redirected(writers), kwargs=_draft_pk, method="post", data=_sections
    ),
    # A final version is locked: the form sends writers back to the version page.
    Route("cases:ppv-update", _redirected(writers), kwargs=_final_pk),
    Route("cases:ppv-autosave", writers, kwargs=_draft_pk, method="post", data=_sections),
    Route("cases:ppv-autosave", everyone(405), kwargs=_draft_pk),
    Route("cases:ppv-finalise", writers, kwargs=_draft_pk),
    Route(
        "cases:ppv-finalise",
        _redirected(writers),
        kwargs=_draft_pk,
        method="post",
        data=_signature,
    ),
    Route("cases:ppv-correct", writers, kwargs=_final_pk),
    Route(
        "cases:ppv-correct",
        _redirected(writers),
        kwargs=_final_pk,
        method="post",
        data=lambda cast: {"reason": "Forkert klassetrin"},
    ),
    Route("cases:ppv-send", writers, kwargs=_final_pk),
    Route(
        "cases:ppv-send",
        _redirected(writers),
        kwargs=_final_pk,
        method="post",
        data=lambda cast: {
            "leaders": [cast.school_leader.pk],
            "batch": "8f1c7f1e-2b0e-4f5e-9b7a-1d2c3e4f5a6b",
        },
    ),
    Route("cases:ppv-print", printers, kwargs=_final_pk),
    Route(
        "cases:ppv-print",
        everyone(404, psychologist=403, colleague=403, ppr_leader=403),
        kwargs=_draft_pk,
    ),
    # The PPV's own PDF through the documents app: the PPV decides (can_download). It is still
    # being rendered here (tasks run after commit), so those allowed are sent to its status.
    Route("documents:document-download", _redirected(printers), kwargs=_document_pk),
    Route("documents:document-status", printers, kwargs=_document_pk),
]
