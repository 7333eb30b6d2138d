"""Queueing filings and index updates; the domain calls these with plain data.

Every function records what is owed in the database, in the caller's transaction, and hands it
to Celery after commit (``tasks``); ``delivery`` does the outside calls.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from ppr.documents.models import Document

from . import index, tasks
from .models import CaseLink, Filing, FilingKind, IndexEntry, IndexState


@dataclass(frozen=True)
class CaseInfo:
    """A PPR case as the ESDH and the index need it (the domain builds it; no domain import)."""

    subject: models.Model
    reference: str
    title: str
    cpr_encrypted: str
    kle_number: str
    kle_facet: str
    opened_at: datetime
    closed_at: datetime | None
    is_open: bool


def enabled() -> bool:
    """Whether documents are filed in an ESDH at all (``PPR_ESDH_BACKEND`` not off)."""
    return bool(settings.PPR_ESDH_BACKEND != "off")


def _case_key(subject: models.Model) -> dict[str, Any]:
    return {"case_type": ContentType.objects.get_for_model(subject), "case_id": subject.pk}


def _enqueue_filing(filing_id: int) -> None:
    transaction.on_commit(lambda: tasks.enqueue_filing(filing_id))


@transaction.atomic
def file_document(info: CaseInfo, document: Document, *, title: str, by: Any) -> Filing | None:
    """File a final document on the case's ESDH case (once per document) and index it."""
    index_document(info, document, title=title)
    if not enabled() or not info.cpr_encrypted:
        return None
    filing, created = Filing.objects.get_or_create(
        document=document,
        defaults={
            **_case_key(info.subject),
            "case_reference": info.reference,
            "kind": FilingKind.DOCUMENT,
            "title": title[:256],
            "cpr_encrypted": info.cpr_encrypted,
            "kle_number": info.kle_number,
            "kle_facet": info.kle_facet,
            "backend": settings.PPR_ESDH_BACKEND,
            "created_by": by,
        },
    )
    if created:
        _enqueue_filing(filing.pk)
    return filing


@transaction.atomic
def file_journal_entry(
    info: CaseInfo, *, entry_id: int, title: str, text: str, by: Any
) -> Filing | None:
    """File a journal entry as a journal note, when ``PPR_ESDH_JOURNAL_ENTRIES`` is on."""
    if not (enabled() and settings.PPR_ESDH_JOURNAL_ENTRIES and info.cpr_encrypted):
        return None
    filing, created = Filing.objects.get_or_create(
        **_case_key(info.subject),
        kind=FilingKind.JOURNAL,
        source_id=entry_id,
        defaults={
            "case_reference": info.reference,
            "title": title[:256],
            "body": text,
            "cpr_encrypted": info.cpr_encrypted,
            "kle_number": info.kle_number,
            "kle_facet": info.kle_facet,
            "backend": settings.PPR_ESDH_BACKEND,
            "created_by": by,
        },
    )
    if created:
        _enqueue_filing(filing.pk)
    return filing


def filings_for(subject: models.Model) -> models.QuerySet[Filing]:
    """The case's filings, newest first (the timeline), without the CPR number or text."""
    return (
        Filing.objects.filter(**_case_key(subject))
        .defer("cpr_encrypted", "body")
        .order_by("-created_at")
    )


# --- The Sags- og Dokumentindeks (SF1470) ---------------------------------------------------


def _enqueue_index(entry_ids: list[Any]) -> None:
    ids = [str(pk) for pk in entry_ids]
    if ids:
        transaction.on_commit(lambda: _enqueue_all(ids))


def _enqueue_all(ids: list[str]) -> None:
    for pk in ids:
        tasks.enqueue_index(pk)


def _case_metadata(info: CaseInfo) -> dict[str, Any]:
    return {
        "brugervendtnoegle": info.reference,
        "titel": info.title,
        "kle": info.kle_number,
        "handlingsfacet": info.kle_facet,
        "oprettet": info.opened_at.isoformat(),
        "afsluttet": info.closed_at.isoformat() if info.closed_at else None,
        "tilstand": "aaben" if info.is_open else "afsluttet",
    }


def _upsert(lookup: dict[str, Any], kind: str, metadata: dict[str, Any], cpr: str) -> IndexEntry:
    entry = IndexEntry.objects.select_for_update().filter(kind=kind, **lookup).first()
    if entry is None:
        return IndexEntry.objects.create(kind=kind, metadata=metadata, cpr_encrypted=cpr, **lookup)
    if entry.removed or (entry.metadata == metadata and entry.cpr_encrypted == cpr):
        return entry
    IndexEntry.objects.filter(pk=entry.pk).update(
        metadata=metadata,
        cpr_encrypted=cpr,
        version=F("version") + 1,
        status=IndexState.PENDING,
        changed_at=timezone.now(),
    )
    return entry


@transaction.atomic
def index_case(info: CaseInfo) -> IndexEntry | None:
    """Put the case's metadata in the index (a new version when it changed)."""
    if not index.enabled():
        return None
    entry = _upsert(_case_key(info.subject), "sag", _case_metadata(info), info.cpr_encrypted)
    _enqueue_index([entry.pk])
    return entry


@transaction.atomic
def index_document(info: CaseInfo, document: Document, *, title: str) -> IndexEntry | None:
    """Put a final document's metadata in the index, under its case."""
    if not index.enabled():
        return None
    case_entry = index_case(info)
    assert case_entry is not None
    metadata = {
        "titel": title,
        "dokumenttype": document.get_kind_display(),
        "version": document.version,
        "sag": str(case_entry.pk),
        "kle": info.kle_number,
        "handlingsfacet": info.kle_facet,
        "oprettet": (document.created_at or timezone.now()).isoformat(),
    }
    entry = _upsert(
        {**_case_key(info.subject), "document_id": document.pk},
        "dokument",
        metadata,
        info.cpr_encrypted,
    )
    _enqueue_index([entry.pk])
    return entry


def _remove(entries: models.QuerySet[IndexEntry]) -> int:
    ids = list(entries.filter(removed=False).values_list("pk", flat=True))
    IndexEntry.objects.filter(pk__in=ids).update(
        removed=True,
        metadata={},
        cpr_encrypted="",
        version=F("version") + 1,
        status=IndexState.PENDING,
        changed_at=timezone.now(),
    )
    _enqueue_index(ids)
    return len(ids)


@transaction.atomic
def forget_cases(model: type[models.Model], case_ids: Iterable[int]) -> int:
    """Erased cases (the life cycle): their filings' records go here, and the cases and their
    documents leave the index (queued; removal reaches SF1470 within minutes). The ESDH keeps
    what was filed under its own retention. Returns how many index items are being removed."""
    ids = list(case_ids)
    if not ids:
        return 0
    key = {"case_type": ContentType.objects.get_for_model(model), "case_id__in": ids}
    Filing.objects.filter(**key).delete()
    CaseLink.objects.filter(**key).delete()
    return _remove(IndexEntry.objects.filter(**key))


def forget_document(document_id: int) -> int:
    """A deleted document leaves the index."""
    return _remove(IndexEntry.objects.filter(kind="dokument", document_id=document_id))
