"""Secure messages: the staff side (/beskeder/) and the parents' side (/foraeldre/beskeder/).

The thread is between the cast's parent (custody of a child at the cast's school) and the
psychologist's case (Team Vest): the psychologist, the colleague (team) and the PPR leader
read and answer; the secretary sees the case but not its messages (case content, 403 on the
case's message page, 404 on a thread); the outsider and everyone outside PPR get 404. The other
parent holds custody of no child here: 404 on every parent page of the thread. Staff are
refused the parents' pages (403), and parents every staff page (403).
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import Thread
from messaging.services import start_thread
from tests.cases.factories import CaseFactory, ChildFactory
from tests.parents.factories import give_custody
from tests.security.routes import ALL_ROLES, Route, everyone

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _thread(cast: Any, *, file: bool = False) -> Thread:
    child = ChildFactory(institution=cast.school, first_name="Alma", last_name="Besked")
    case = CaseFactory(child=child, assigned=cast.psychologist, team=cast.team_vest)
    guardian = give_custody(cast.parent, child)
    files = [SimpleUploadedFile("brev.pdf", PDF)] if file else []
    return start_thread(
        case=case, guardian=guardian, by=cast.parent, subject="Emne", body="Hej", files=files
    )


def _thread_pk(cast: Any) -> dict[str, int]:
    return {"pk": _thread(cast).pk}


def _case_pk(cast: Any) -> dict[str, int]:
    return {"pk": _thread(cast).case_id}


def _child_pk(cast: Any) -> dict[str, int]:
    return {"child_pk": _thread(cast).case.child_id}


def _attachment_pk(cast: Any) -> dict[str, int]:
    thread = _thread(cast, file=True)
    return {"pk": thread.messages.get().attachments.get().pk}


readers = everyone(404, psychologist=200, colleague=200, ppr_leader=200)
case_page = everyone(404, psychologist=200, colleague=200, ppr_leader=200, secretary=403)
#: A post without its fields: the form's Danish errors (400) for those who may write.
case_page_post = everyone(404, psychologist=400, colleague=400, ppr_leader=400, secretary=403)
writers_post = everyone(404, psychologist=400, colleague=400, ppr_leader=400)
#: The parent's own pages: the parent 200, the other parent 404, staff 403.
parent_page = everyone(403, parent=200, other_parent=404)
parent_post = everyone(403, parent=400, other_parent=404)

ROUTES = [
    # --- Staff -----------------------------------------------------------------------------
    Route("messaging:case-threads", case_page, kwargs=_case_pk),
    Route("messaging:case-threads", case_page_post, kwargs=_case_pk, method="post"),
    Route("messaging:thread", readers, kwargs=_thread_pk),
    Route("messaging:thread", writers_post, kwargs=_thread_pk, method="post"),
    Route("messaging:attachment", readers, kwargs=_attachment_pk),
    # --- Parents ---------------------------------------------------------------------------
    Route(
        "parent-messages:inbox",
        everyone(403, parent=200, other_parent=200),
        login="parents:login",
    ),
    Route("parent-messages:inbox", dict.fromkeys(ALL_ROLES, 405), method="post"),
    Route("parent-messages:thread-create", parent_page, kwargs=_child_pk, login="parents:login"),
    Route(
        "parent-messages:thread-create",
        parent_post,
        kwargs=_child_pk,
        method="post",
        login="parents:login",
    ),
    Route("parent-messages:thread", parent_page, kwargs=_thread_pk, login="parents:login"),
    Route(
        "parent-messages:thread",
        parent_post,
        kwargs=_thread_pk,
        method="post",
        login="parents:login",
    ),
    Route("parent-messages:attachment", parent_page, kwargs=_attachment_pk, login="parents:login"),
]
