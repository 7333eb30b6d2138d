"""Sending documents by Digital Post: record a message and queue it (sending.py sends it)."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.documents.models import Document

from . import memo, tasks, transports
from .models import DigitalPostMessage


def enabled() -> bool:
    """Whether documents go by Digital Post at all (``PPR_DIGITALPOST_TRANSPORT`` not off)."""
    return transports.enabled()


@transaction.atomic
def queue_message(
    *,
    document: Document,
    recipient: models.Model,
    recipient_name: str,
    recipient_cpr_encrypted: str,
    title: str,
    by: Any,
    legal_notification: bool = False,
    case_reference: str = "",
) -> DigitalPostMessage:
    """Record a message of ``document`` to ``recipient`` and send it after commit.

    The CPR number arrives encrypted as the domain stores it and stays so; the caller calls
    this once per recipient and sending (its own row is the idempotency key).
    """
    if not recipient_cpr_encrypted:
        raise ValueError("A Digital Post recipient needs a stored CPR number.")
    message = DigitalPostMessage.objects.create(
        document=document,
        recipient_type=ContentType.objects.get_for_model(recipient),
        recipient_id=recipient.pk,
        recipient_name=recipient_name,
        recipient_cpr_encrypted=recipient_cpr_encrypted,
        title=title[: memo.TEXT_MAX],
        legal_notification=legal_notification,
        case_reference=case_reference,
        transport=settings.PPR_DIGITALPOST_TRANSPORT,
        created_by=by,
    )
    log_action(message, AuditAction.CREATE, by=by, purpose="Digital Post", about=document)
    message_id = message.pk
    transaction.on_commit(lambda: tasks.enqueue(message_id))
    return message


def messages_for_documents(documents: list[Document]) -> dict[int, list[DigitalPostMessage]]:
    """The messages of these documents by document id (for a page's status lines)."""
    found: dict[int, list[DigitalPostMessage]] = {}
    rows = DigitalPostMessage.objects.filter(document__in=documents).defer(
        "recipient_cpr_encrypted"
    )
    for message in rows.order_by("created_at"):
        found.setdefault(message.document_id, []).append(message)
    return found
