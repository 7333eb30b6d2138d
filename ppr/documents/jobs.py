"""The render job: what the ``render_document`` task does to one ordered document.

The task claims the row with a conditional UPDATE, so a task that runs twice, or two workers
that get the same message, render the document once. ``services`` orders documents and queues
the task; the task calls this module, which imports neither.
"""

import contextlib
import hashlib
import logging
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import DatabaseError, models
from django.db.models import F, Q
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone

from . import rendering
from .models import Document, DocumentStatus

logger = logging.getLogger(__name__)

#: A render that has not finished within this time is presumed dead (its worker was killed)
#: and may be claimed again. WeasyPrint renders a PPV in about a second.
RENDER_LEASE = timedelta(minutes=10)


class TransientRenderError(Exception):
    """Rendering failed for a reason that may pass (storage or database trouble): try again."""


def claim(document_id: int) -> datetime | None:
    """Take a waiting document for rendering; the claim time, or None if another has it."""
    now = timezone.now()
    claimable = Q(status=DocumentStatus.PENDING) | Q(
        status=DocumentStatus.RENDERING, claimed_at__lt=now - RENDER_LEASE
    )
    claimed = Document.objects.filter(claimable, pk=document_id).update(
        status=DocumentStatus.RENDERING, claimed_at=now, attempts=F("attempts") + 1
    )
    return now if claimed == 1 else None


def render_document(*, document_id: int) -> str:
    """Render one ordered document into its file; safe to call twice (the second does nothing).

    Returns "ready", "failed" or "skipped". Raises ``TransientRenderError`` when storage or the
    database failed; the document is then waiting again so that a retry can claim it.
    """
    claimed_at = claim(document_id)
    if claimed_at is None:
        return "skipped"
    document = Document.objects.get(pk=document_id)
    try:
        rendered = rendering.render(document.template_name, document.context)
    except (rendering.UnsafeResourceError, TemplateDoesNotExist, TemplateSyntaxError) as exc:
        return _fail(document_id, claimed_at, exc)
    except (OSError, DatabaseError) as exc:
        raise _release(document_id, claimed_at, exc) from exc
    except Exception as exc:  # a WeasyPrint error is deterministic: trying again will not help
        logger.exception("Document %s could not be rendered", document_id)
        return _fail(document_id, claimed_at, exc)

    try:
        name = document.file.storage.save(
            document.file.field.generate_filename(document, "document.pdf"),
            ContentFile(rendered.content),
        )
    except OSError as exc:
        raise _release(document_id, claimed_at, exc) from exc
    finished = _ours(document_id, claimed_at).update(
        status=DocumentStatus.READY,
        file=name,
        sha256=hashlib.sha256(rendered.content).hexdigest(),
        page_count=rendered.page_count,
        rendered_at=timezone.now(),
        error="",
    )
    if not finished:
        # Our lease ran out and another worker took over: its file is the one that counts.
        document.file.storage.delete(name)
        return "skipped"
    return "ready"


def give_up(*, document_id: int, reason: str) -> None:
    """Mark a document failed after its last try; the page then offers "Prøv igen"."""
    Document.objects.filter(
        pk=document_id, status__in=[DocumentStatus.PENDING, DocumentStatus.RENDERING]
    ).update(status=DocumentStatus.FAILED, error=reason[:200])


def _ours(document_id: int, claimed_at: datetime) -> models.QuerySet[Document]:
    return Document.objects.filter(
        pk=document_id, status=DocumentStatus.RENDERING, claimed_at=claimed_at
    )


def _fail(document_id: int, claimed_at: datetime, exc: BaseException) -> str:
    # Only the exception's class goes into the row: its message may quote the content.
    _ours(document_id, claimed_at).update(status=DocumentStatus.FAILED, error=_describe(exc))
    return "failed"


def _release(document_id: int, claimed_at: datetime, exc: BaseException) -> TransientRenderError:
    # If the database is the trouble this fails too; the lease runs out and a retry claims it.
    with contextlib.suppress(DatabaseError):
        _ours(document_id, claimed_at).update(status=DocumentStatus.PENDING, error=_describe(exc))
    return TransientRenderError(_describe(exc))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, rendering.UnsafeResourceError):
        return str(exc)[:200]
    return type(exc).__name__
