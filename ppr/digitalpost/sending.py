"""Sending one message: claim it, build and validate its MeMo, hand it to the transport.

Called by the Celery tasks (tasks.py); services.py records messages and queues them.
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

from . import memo, transports
from .models import DigitalPostMessage, MessageStatus

#: A claim older than this belongs to a worker that died; the message may be sent again.
CLAIM_TIMEOUT = timedelta(minutes=10)


class NotReady(transports.TransportError):
    """The document's PDF is not rendered yet: wait and try again (nothing has failed)."""


def _claim(message_id: uuid.UUID | str) -> bool:
    """Claim the message for this worker (conditional UPDATE: exactly one claimant wins)."""
    now = timezone.now()
    return (
        DigitalPostMessage.objects.filter(
            pk=message_id, status__in=[MessageStatus.PENDING, MessageStatus.FAILED]
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now)
        == 1
    )


def letter_for(message: DigitalPostMessage) -> memo.Letter:
    """The plain data of ``message``'s MeMo: the recipient's CPR decrypted only here."""
    document = message.document
    with document.file.open("rb") as handle:
        pdf = handle.read()
    return memo.Letter(
        message_uuid=message.pk,
        recipient_cpr="".join(
            c for c in crypto.decrypt(message.recipient_cpr_encrypted) if c.isdigit()
        ),
        recipient_label=message.recipient_name,
        sender_cvr=settings.PPR_DIGITALPOST_SENDER_CVR,
        sender_label=settings.PPR_DIGITALPOST_SENDER_LABEL,
        title=message.title,
        pdf=pdf,
        filename=memo.safe_filename(document.filename),
        created=message.created_at,
        legal_notification=message.legal_notification,
        case_id=message.case_reference,
    )


def deliver(message_id: uuid.UUID | str) -> str:
    """Build, validate and send one message; idempotent (a sent message is left alone).

    A transient failure marks the message 'fejlet' with the error and re-raises
    ``TransportError`` for the task to retry; a message the receiver or the schema refuses
    is 'fejlet' for good (until staff fix the cause), with the reason.
    """
    if not _claim(message_id):
        return "not claimed"
    message = DigitalPostMessage.objects.select_related("document").get(pk=message_id)
    transport = transports.configured()
    try:
        if message.document.status != DocumentStatus.READY:
            raise NotReady("PDF'en er ikke dannet endnu.")
        xml = memo.build(letter_for(message))
        outcome = transport.send(message.pk, xml)
    except NotReady as exc:
        _release(message, error=str(exc), failed=False)
        raise
    except transports.TransportError as exc:
        _release(message, error=str(exc), failed=True)
        raise
    except ImproperlyConfigured as exc:
        # The official schema folder is missing or broken: tried again once it is fixed.
        _release(message, error=str(exc), failed=True)
        raise transports.TransportError(str(exc)) from exc
    except (transports.RejectedError, memo.MemoError) as exc:
        _release(message, error=f"Afvist: {exc}", failed=True)
        return "rejected"
    now = timezone.now()
    DigitalPostMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.DELIVERED
        if outcome == transports.Outcome.DELIVERED
        else MessageStatus.SENT,
        transport=transport.name,
        attempts=models.F("attempts") + 1,
        claimed_at=None,
        # Sent: the CPR number has done its job and is not kept (rotation and leaks alike).
        recipient_cpr_encrypted="",
        sent_at=now,
        delivered_at=now if outcome == transports.Outcome.DELIVERED else None,
    )
    return str(outcome)


def _release(message: DigitalPostMessage, *, error: str, failed: bool) -> None:
    changes: dict[str, Any] = {
        "claimed_at": None,
        "attempts": models.F("attempts") + 1,
        "last_error": error[:500],
    }
    if failed:
        changes.update(status=MessageStatus.FAILED, failed_at=timezone.now())
    DigitalPostMessage.objects.filter(pk=message.pk).update(**changes)


def mark_delivered(message_id: uuid.UUID | str) -> bool:
    """A receipt (Beskedfordeler) says the message reached the mailbox."""
    return bool(
        DigitalPostMessage.objects.filter(
            pk=message_id, status__in=[MessageStatus.SENT, MessageStatus.PENDING]
        ).update(status=MessageStatus.DELIVERED, delivered_at=timezone.now())
    )


def unsent(older_than: timedelta = timedelta(minutes=15)) -> list[uuid.UUID]:
    """Messages still waiting or failed (not refused) whose last try is a while ago."""
    cutoff = timezone.now() - older_than
    return list(
        DigitalPostMessage.objects.filter(
            status__in=[MessageStatus.PENDING, MessageStatus.FAILED], created_at__lt=cutoff
        )
        .exclude(last_error__startswith="Afvist:")
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=timezone.now() - CLAIM_TIMEOUT))
        .values_list("pk", flat=True)[:500]
    )
