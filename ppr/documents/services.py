"""Ordering, rendering and re-trying stored documents (PDFs).

The domain calls ``request_pdf`` in the transaction that finalises its document; the PDF is
rendered by the ``render_document`` Celery task after commit, on the ``pdf`` queue (in-process
when no Redis is configured). The task claims the row with a conditional UPDATE, so a task that
runs twice, or two workers that get the same message, render the document once.
"""

import contextlib
import hashlib
import logging
import re
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import DatabaseError, models, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.utils import timezone

from ppr.accounts.models import Role
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action

from . import rendering
from .filters import LISTED_KINDS
from .models import Document, DocumentKind, DocumentStatus

logger = logging.getLogger(__name__)

#: A render that has not finished within this time is presumed dead (its worker was killed)
#: and may be claimed again. WeasyPrint renders a PPV in about a second.
RENDER_LEASE = timedelta(minutes=10)

#: A full CPR number: ten digits, optionally ddmmyy-xxxx. Masked ones (ddmmyy-xxxx with
#: letters) do not match.
FULL_CPR = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")


class UnsafeContextError(ValueError):
    """The context for a document holds something that must not be stored with it."""


class TransientRenderError(Exception):
    """Rendering failed for a reason that may pass (storage or database trouble): try again."""


def check_context(value: Any, where: str = "context") -> None:
    """Refuse anything but JSON primitives, and any full CPR number, in a document's context."""
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        if FULL_CPR.search(value):
            raise UnsafeContextError(f"{where} indeholder et fuldt CPR-nummer; brug det maskerede.")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_context(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise UnsafeContextError(f"{where} har en nøgle, der ikke er tekst: {key!r}.")
            check_context(key, where)
            check_context(item, f"{where}.{key}")
        return
    raise UnsafeContextError(
        f"{where} er af typen {type(value).__name__}; kun tekst, tal, lister og ordbøger er tilladt."
    )


def may_list_documents(user: Any) -> bool:
    """Who gets the "Dokumenter" page: the roles that print by their role — PPR's leader and
    case workers (cases they may read), institution leaders (their own children). Others
    (secretary, staff, partners, administrator) reach a document only from its meeting or case.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(
        user.is_ppr_leader or user.is_caseworker or user.institution_ids(Role.INSTITUTION_LEADER)
    )


def listed_documents(user: Any) -> models.QuerySet[Document]:
    """The documents on the user's "Dokumenter" page, newest first: final PPVs and notater the
    user may print, ready or on their way (a failed one only for whoever ordered it)."""
    if not may_list_documents(user):
        return Document.objects.none()
    return (
        Document.objects.printable_for(user)
        .filter(kind__in=LISTED_KINDS)
        .exclude(Q(status=DocumentStatus.FAILED) & ~Q(created_by=user))
        .order_by("-created_at", "-pk")
    )


def _queue_render(document_id: int) -> None:
    from .tasks import render_document  # the task module imports this one

    transaction.on_commit(lambda: render_document.delay(document_id))


@transaction.atomic
def request_pdf(
    *,
    subject: models.Model,
    kind: DocumentKind | str,
    title: str,
    template_name: str,
    context: dict[str, Any],
    by: Any,
    version: int = 1,
) -> Document:
    """Order a PDF of ``subject``; it is rendered after commit. One per subject, kind and version."""
    check_context(context)
    get_template(template_name)  # a typo fails here, in the domain's transaction, not in a worker
    document, created = Document.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        kind=kind,
        version=version,
        defaults={
            "title": title,
            "template_name": template_name,
            "context": context,
            "created_by": by,
        },
    )
    if created:
        log_action(document, AuditAction.CREATE, by=by, purpose="udskrift", about=subject)
        _queue_render(document.pk)
    return document


@transaction.atomic
def retry_pdf(document: Document, *, by: Any) -> Document:
    """Try a failed render again (the "Prøv igen" button); a no-op unless it failed."""
    retried = Document.objects.filter(pk=document.pk, status=DocumentStatus.FAILED).update(
        status=DocumentStatus.PENDING, attempts=0, error="", claimed_at=None
    )
    if retried:
        log_action(document, AuditAction.UPDATE, by=by, purpose="udskrift – nyt forsøg")
        _queue_render(document.pk)
    document.refresh_from_db()
    return document


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
