"""Sending documents by Digital Post: record a message and queue it (sending.py sends it)."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from ppr import crypto
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.documents.models import Document

from . import memo, tasks, transports
from .models import DigitalPostMessage, MessageStatus


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


def _waiting_cprs() -> models.QuerySet[DigitalPostMessage]:
    """Messages still holding a CPR number: those not sent yet (a sent one keeps none)."""
    return DigitalPostMessage.objects.exclude(recipient_cpr_encrypted="").filter(
        status__in=[MessageStatus.PENDING, MessageStatus.FAILED]
    )


def rekey_waiting(batch_size: int = 500) -> int:
    """Re-encrypt the CPR number of every message still waiting to be sent with the newest
    ``PPR_FIELD_KEY`` (rekey_cpr); returns how many moved.

    Each row is written with a conditional UPDATE on the token it was read with, so a message
    a worker sends meanwhile (its CPR number then cleared) is left as the worker left it.
    """
    moved, last = 0, None
    while True:
        rows = _waiting_cprs().order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list("pk", "recipient_cpr_encrypted")[:batch_size])
        if not batch:
            return moved
        for pk, token in batch:
            if crypto.is_current(token):
                continue
            moved += DigitalPostMessage.objects.filter(pk=pk, recipient_cpr_encrypted=token).update(
                recipient_cpr_encrypted=crypto.encrypt(crypto.decrypt(token))
            )
        last = batch[-1][0]


def waiting_on_old_key() -> int:
    """How many waiting messages still hold a CPR number under an older key."""
    return sum(
        not crypto.is_current(token)
        for token in _waiting_cprs()
        .values_list("recipient_cpr_encrypted", flat=True)
        .iterator(2000)
    )
