"""Ordering, rendering and re-trying stored documents (PDFs).

The domain calls ``request_pdf`` in the transaction that finalises its document; the PDF is
rendered by the ``render_document`` Celery task after commit, on the ``pdf`` queue (in-process
when no Redis is configured). What the task does is ``jobs.py``.
"""

import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import get_template

from ppr.accounts.models import Role
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action

from . import tasks
from .filters import LISTED_KINDS
from .models import Document, DocumentKind, DocumentStatus

#: A full CPR number: ten digits, optionally ddmmyy-xxxx. Masked ones (ddmmyy-xxxx with
#: letters) do not match.
FULL_CPR = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")


class UnsafeContextError(ValueError):
    """The context for a document holds something that must not be stored with it."""


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
    """The documents on the user's "Dokumenter" page, newest first: final PPVs, notater and
    decision letters the user may print, ready or on their way (a failed one only for whoever ordered it)."""
    if not may_list_documents(user):
        return Document.objects.none()
    return (
        Document.objects.printable_for(user)
        .filter(kind__in=LISTED_KINDS)
        .exclude(Q(status=DocumentStatus.FAILED) & ~Q(created_by=user))
        .order_by("-created_at", "-pk")
    )


def _queue_render(document_id: int) -> None:
    transaction.on_commit(lambda: tasks.render_document.delay(document_id))


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
