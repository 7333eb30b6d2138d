"""Building an art. 15 export: what ``build_access_export`` does to one ordered export.

Claimed with a conditional UPDATE (a task run twice, or by two workers, builds it once; a
claim older than ``LEASE`` is presumed dead and taken again). The zip holds:

- ``indsigt.pdf`` – everything, to read (Danish, the PDF layout of ppr/documents),
- ``indsigt.json`` – the same for machines (one key per record type),
- ``adgangslog.csv`` – who looked at the child's data: dates, actions, purposes, no employee
  names (the family's access-log export, ppr.audit),
- ``filer/…`` – the stored files: referral attachments and rendered documents.
"""

import contextlib
import hashlib
import io
import json
import logging
import time
import zipfile
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.db.models import F, Q
from django.utils import timezone

from ppr.audit.services import write_child_access_csv
from ppr.documents import rendering

from . import export
from .models import AccessExport, ExportStatus

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=30)
PDF_TEMPLATE = "rights/access_export_pdf.html"


class TransientExportError(Exception):
    """Storage or database trouble: try again."""


def claim(export_id: int) -> datetime | None:
    now = timezone.now()
    claimable = Q(status=ExportStatus.PENDING) | Q(
        status=ExportStatus.RUNNING, claimed_at__lt=now - LEASE
    )
    claimed = AccessExport.objects.filter(claimable, pk=export_id).update(
        status=ExportStatus.RUNNING,
        claimed_at=now,
        attempts=F("attempts") + 1,
        progress=1,
        step="Startet",
    )
    return now if claimed == 1 else None


def _ours(export_id: int, claimed_at: datetime):
    return AccessExport.objects.filter(
        pk=export_id, status=ExportStatus.RUNNING, claimed_at=claimed_at
    )


def build_access_export(*, export_id: int) -> str:
    """Build one ordered export; "ready", "failed" or "skipped" (another has it)."""
    claimed_at = claim(export_id)
    if claimed_at is None:
        return "skipped"
    started = time.monotonic()
    job = AccessExport.objects.select_related("child").get(pk=export_id)

    def progress(percent: int, step: str) -> None:
        _ours(export_id, claimed_at).update(progress=percent, step=step[:100])

    try:
        collected = export.collect(job.child, progress=progress)
        progress(45, "Danner PDF")
        rendered = rendering.render(PDF_TEMPLATE, pdf_context(job, collected))
        progress(85, "Pakker filerne")
        content = _zip(collected, rendered.content)
        progress(95, "Gemmer")
        name = job.file.storage.save(
            job.file.field.generate_filename(job, "indsigt.zip"), ContentFile(content)
        )
    except (OSError, DatabaseError) as exc:
        with contextlib.suppress(DatabaseError):
            _ours(export_id, claimed_at).update(
                status=ExportStatus.PENDING, error=type(exc).__name__
            )
        raise TransientExportError(type(exc).__name__) from exc
    except Exception as exc:  # a template or WeasyPrint error: trying again will not help
        logger.exception("Access export %s could not be built", export_id)
        _ours(export_id, claimed_at).update(status=ExportStatus.FAILED, error=type(exc).__name__)
        return "failed"
    finished = _ours(export_id, claimed_at).update(
        status=ExportStatus.READY,
        file=name,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        record_count=collected.record_count,
        page_count=rendered.page_count,
        seconds=round(time.monotonic() - started, 2),
        progress=100,
        step="Klar",
        finished_at=timezone.now(),
        error="",
    )
    if not finished:
        job.file.storage.delete(name)
        return "skipped"
    return "ready"


def give_up(*, export_id: int, reason: str) -> None:
    AccessExport.objects.filter(
        pk=export_id, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]
    ).update(status=ExportStatus.FAILED, error=reason[:200])


def pdf_context(job: AccessExport, collected: export.Collected) -> dict[str, object]:
    return {
        "title": f"Indsigt i oplysninger om {job.child.name}",
        "subject_line": f"{job.child.name}, {job.child.cpr_masked}",
        "collected": collected,
        "export": job,
        "access_log_header": export.ACCESS_LOG_HEADER,
    }


def json_bytes(collected: export.Collected) -> bytes:
    return json.dumps(collected.as_json(), ensure_ascii=False, indent=1, default=str).encode()


def _zip(collected: export.Collected, pdf: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("indsigt.pdf", pdf)
        archive.writestr("indsigt.json", json_bytes(collected))
        csv_text = io.StringIO()
        write_child_access_csv(csv_text, child_id=collected.child.pk)
        archive.writestr("adgangslog.csv", csv_text.getvalue().encode("utf-8"))
        for name, stored in collected.files:
            try:
                with stored.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                archive.writestr(f"{name}.mangler.txt", "Filen findes ikke i lageret.")
    return buffer.getvalue()
