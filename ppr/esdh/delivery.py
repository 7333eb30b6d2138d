"""Doing one filing or one index update: claim it, call the outside service, record the result.

Called by the Celery tasks (``tasks``); a transient failure re-raises ``TransientError`` for
the task's retry with backoff, a permanent one is recorded for staff to see.
"""

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ppr import crypto
from ppr.documents.models import DocumentStatus

from . import adapter, index
from .adapter import EsdhAdapter, PermanentError, TransientError
from .models import CaseLink, Filing, FilingKind, FilingStatus, IndexEntry, IndexState
from .sbsys import SbsysAdapter

#: A claim older than this belongs to a worker that died; the filing may be tried again.
CLAIM_TIMEOUT = timedelta(minutes=10)


class NotReady(TransientError):
    """The document's PDF is not rendered yet: wait (nothing has failed)."""


def configured() -> EsdhAdapter:
    if settings.PPR_ESDH_BACKEND == "sbsys":
        return SbsysAdapter(
            base_url=settings.PPR_ESDH_URL,
            token_url=settings.PPR_ESDH_TOKEN_URL,
            client_id=settings.PPR_ESDH_CLIENT_ID,
            client_secret=settings.PPR_ESDH_CLIENT_SECRET,
            username=settings.PPR_ESDH_USERNAME,
            password=settings.PPR_ESDH_PASSWORD,
            template_id=settings.PPR_ESDH_TEMPLATE_ID,
            caseworker_id=settings.PPR_ESDH_CASEWORKER_ID,
        )
    raise ImproperlyConfigured("Journalisering i ESDH er slået fra (PPR_ESDH_BACKEND=off).")


def _claim(filing_id: int) -> bool:
    now = timezone.now()
    return (
        Filing.objects.filter(
            pk=filing_id, status__in=[FilingStatus.PENDING, FilingStatus.RETRYING]
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now)
        == 1
    )


def _esdh_case(client: EsdhAdapter, filing: Filing, cpr: str) -> tuple[str, str]:
    """The ESDH case of the filing's PPR case: the stored link, else found or created."""
    key = {
        "case_type_id": filing.case_type_id,
        "case_id": filing.case_id,
        "kle_number": filing.kle_number,
        "kle_facet": filing.kle_facet,
    }
    link = CaseLink.objects.filter(**key).first()
    if link is None:
        found = adapter.find_or_create_case(
            client,
            cpr=cpr,
            kle=filing.kle_number,
            facet=filing.kle_facet,
            title=f"PPR-sag {filing.case_reference}",
        )
        link, _ = CaseLink.objects.get_or_create(
            **key, defaults={"esdh_case_id": found.id, "esdh_case_number": found.number}
        )
    return link.esdh_case_id, link.esdh_case_number


def document_name(filing: Filing) -> str:
    """The document's name in the ESDH: its title and PPR's filing number, which also lets a
    retry see that an earlier try got through although its answer was lost."""
    return f"{filing.title} (PPR-{filing.pk})"


def file(filing_id: int) -> str:
    """File one document or journal note; idempotent (a filed one is left alone)."""
    if not _claim(filing_id):
        return "not claimed"
    filing = Filing.objects.select_related("document").get(pk=filing_id)
    try:
        client = configured()
        if filing.kind == FilingKind.DOCUMENT:
            document = filing.document
            if document is None or document.status != DocumentStatus.READY:
                raise NotReady("PDF'en er ikke dannet endnu.")
        cpr = "".join(c for c in crypto.decrypt(filing.cpr_encrypted) if c.isdigit())
        case_id, case_number = _esdh_case(client, filing, cpr)
        if filing.kind == FilingKind.DOCUMENT:
            assert filing.document is not None
            name = document_name(filing)
            esdh_id = client.find_document(case_id=case_id, name=name) if filing.attempts else None
            if esdh_id is None:
                with filing.document.file.open("rb") as handle:
                    content = handle.read()
                esdh_id = client.add_document(
                    case_id=case_id, name=name, filename=filing.document.filename, content=content
                )
        else:
            esdh_id = client.journalise(
                case_id=case_id, title=f"{filing.title} (PPR-{filing.pk})", text=filing.body
            )
    except NotReady as exc:
        _release(filing, error=str(exc), status=None)
        raise
    except TransientError as exc:
        _release(filing, error=str(exc), status=FilingStatus.RETRYING)
        raise
    except ImproperlyConfigured as exc:
        _release(filing, error=str(exc), status=FilingStatus.RETRYING)
        raise TransientError(str(exc)) from exc
    except PermanentError as exc:
        _release(filing, error=f"Afvist: {exc}", status=FilingStatus.REJECTED)
        return "rejected"
    Filing.objects.filter(pk=filing.pk).update(
        status=FilingStatus.FILED,
        attempts=models.F("attempts") + 1,
        claimed_at=None,
        last_error="",
        esdh_id=esdh_id,
        esdh_case_number=case_number,
        # Filed: the CPR number and the journal text have done their job here.
        cpr_encrypted="",
        body="",
        filed_at=timezone.now(),
    )
    return "filed"


def _release(filing: Filing, *, error: str, status: str | None) -> None:
    changes: dict[str, Any] = {
        "claimed_at": None,
        "attempts": models.F("attempts") + 1,
        "last_error": error[:500],
    }
    if status is not None:
        changes["status"] = status
        changes["failed_at"] = timezone.now()
    Filing.objects.filter(pk=filing.pk).update(**changes)


def unfinished_filings(older_than: timedelta = timedelta(minutes=15)) -> list[int]:
    """Filings still waiting or failed (not refused) whose last try is a while ago."""
    now = timezone.now()
    return list(
        Filing.objects.filter(
            status__in=[FilingStatus.PENDING, FilingStatus.RETRYING],
            created_at__lt=now - older_than,
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .values_list("pk", flat=True)[:500]
    )


# --- The index ----------------------------------------------------------------------------


def index_item(entry: IndexEntry) -> dict[str, Any]:
    """The item as the index receives it: OIO Sag/Dokument-like metadata, the party's CPR."""
    item: dict[str, Any] = {
        "uuid": str(entry.id),
        "type": entry.kind,
        "myndighed": settings.PPR_SF1470_CVR,
        "fagsystem": "PPR Sag",
        **entry.metadata,
    }
    if entry.cpr_encrypted:
        cpr = "".join(c for c in crypto.decrypt(entry.cpr_encrypted) if c.isdigit())
        item["part"] = {"rolle": "primaer", "cpr": cpr}
    return item


def sync_index(entry_id: uuid.UUID | str) -> str:
    """Send the entry's newest version (or its removal); idempotent by version."""
    entry = IndexEntry.objects.filter(pk=entry_id).first()
    if entry is None or entry.sent_version >= entry.version:
        return "nothing to do"
    if not index.enabled():
        return "index off"
    client = index.configured()
    try:
        if entry.removed:
            client.remove(entry.kind, entry.id)
        else:
            client.upsert(entry.kind, entry.id, index_item(entry))
    except TransientError as exc:
        IndexEntry.objects.filter(pk=entry.pk, version=entry.version).update(
            status=IndexState.FAILED, attempts=models.F("attempts") + 1, last_error=str(exc)[:500]
        )
        raise
    except PermanentError as exc:
        IndexEntry.objects.filter(pk=entry.pk, version=entry.version).update(
            status=IndexState.REJECTED,
            attempts=models.F("attempts") + 1,
            last_error=f"Afvist: {exc}"[:500],
        )
        return "rejected"
    # Only this version is done: a change meanwhile bumped the version and is sent next.
    IndexEntry.objects.filter(pk=entry.pk, version=entry.version).update(
        sent_version=entry.version,
        status=IndexState.REMOVED if entry.removed else IndexState.INDEXED,
        attempts=models.F("attempts") + 1,
        last_error="",
        sent_at=timezone.now(),
    )
    return "removed" if entry.removed else "indexed"


def unsent_index_entries(older_than: timedelta = timedelta(minutes=15)) -> list[uuid.UUID]:
    return list(
        IndexEntry.objects.filter(
            sent_version__lt=models.F("version"),
            changed_at__lt=timezone.now() - older_than,
        )
        .exclude(status=IndexState.REJECTED)
        .values_list("pk", flat=True)[:500]
    )
