"""The case in the municipality's ESDH and the Sags- og Dokumentindeks (ppr/esdh).

Builds the plain ``CaseInfo`` ppr/esdh needs, files final documents on a case, keeps the index
up to date when a case is saved, and shows each filing on the case timeline.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from cases.models import Case, CaseStatus
from ppr.accounts.models import User
from ppr.documents.models import Document
from ppr.esdh import index
from ppr.esdh import services as esdh

from .timeline import TimelineItem, timeline_provider


def case_info(case: Case) -> esdh.CaseInfo:
    return esdh.CaseInfo(
        subject=case,
        reference=case.reference,
        title=f"PPR-sag {case.reference}",
        cpr_encrypted=case.child.cpr_encrypted,
        kle_number=case.kle_number,
        kle_facet=case.kle_facet,
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        is_open=case.status == CaseStatus.OPEN,
    )


def switched_on() -> bool:
    """Whether final documents go anywhere (the ESDH or the index); callers ask first, so
    nothing is read when both are off."""
    return esdh.enabled() or index.enabled()


def file_document(case: Case | None, document: Document, *, title: str, by: User) -> None:
    """File a final document of ``case`` in the ESDH and index it (each when switched on)."""
    if case is None or not switched_on():
        return
    esdh.file_document(case_info(case), document, title=title, by=by)


def file_for_child(child_id: int | None, document: Document, *, title: str, by: User) -> None:
    """A document about a child (a meeting's notat): filed on the child's open case, if any."""
    if child_id is None:
        return
    case = (
        Case.objects.select_related("child")
        .filter(child_id=child_id, status=CaseStatus.OPEN)
        .first()
    )
    file_document(case, document, title=title, by=by)


def file_journal_entry(case: Case, *, entry_id: int, title: str, text: str, by: User) -> None:
    esdh.file_journal_entry(case_info(case), entry_id=entry_id, title=title, text=text, by=by)


@receiver(post_save, sender=Case, dispatch_uid="esdh_index_case")
def index_saved_case(sender: type[Case], instance: Case, raw: bool = False, **kwargs: Any) -> None:
    """A case saved (opened, classified, closed) reaches the index within minutes."""
    if raw or not index.enabled():
        return
    case_id = instance.pk
    transaction.on_commit(lambda: _index(case_id))


def _index(case_id: int) -> None:
    case = Case.objects.select_related("child").filter(pk=case_id).first()
    if case is not None and case.child.cpr_encrypted:
        esdh.index_case(case_info(case))


@timeline_provider
def filing_items(case: Case, user: User) -> Iterable[TimelineItem]:
    """Each filing in the ESDH, for those who may read the case's journal."""
    if not esdh.enabled() or not user.has_perm("cases.view_journal", case):
        return
    for filing in esdh.filings_for(case):
        at = filing.filed_at or filing.created_at
        yield TimelineItem(
            on=timezone.localtime(at).date(),
            at=at,
            kind="esdh",
            template="cases/esdh_timeline_item.html",
            obj=filing,
        )
