"""rekey_cpr moves the CPR numbers of Digital Post messages still waiting to be sent to the
newest PPR_FIELD_KEY, so the old key can go while messages wait (a sent message holds none)."""

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from ppr import crypto
from ppr.digitalpost import sending
from ppr.digitalpost.models import DigitalPostMessage, MessageStatus
from ppr.documents.models import Document

from .conftest import CPR

pytestmark = pytest.mark.django_db

OLD = "old-field-key-0123456789"
NEW = "new-field-key-9876543210"


def message(cast: Any, document: Document, **fields: Any) -> DigitalPostMessage:
    return DigitalPostMessage.objects.create(
        document=document,
        recipient_type=ContentType.objects.get_for_model(cast.school_leader),
        recipient_id=cast.school_leader.pk,
        recipient_name="Mette Hansen (Mor)",
        title="Pædagogisk psykologisk vurdering",
        created_by=cast.psychologist,
        **fields,
    )


def test_rekey_moves_the_waiting_messages_cpr_numbers_and_leaves_the_sent_alone(
    cast: Any, ready_document: Document, settings: Any
) -> None:
    settings.FIELD_ENCRYPTION_KEY = OLD
    waiting = message(cast, ready_document, recipient_cpr_encrypted=crypto.encrypt(CPR))
    failed = message(
        cast,
        ready_document,
        recipient_cpr_encrypted=crypto.encrypt(CPR),
        status=MessageStatus.FAILED,
        last_error="Serviceplatformen svarede 503",
    )
    sent = message(cast, ready_document, status=MessageStatus.SENT, sent_at=timezone.now())
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    with pytest.raises(CommandError, match="kør rekey_cpr"):
        call_command("rekey_cpr", "--check")

    call_command("rekey_cpr")
    settings.FIELD_ENCRYPTION_KEY = NEW  # the old key is removed

    call_command("rekey_cpr", "--check")
    for row in (waiting, failed):
        row.refresh_from_db()
        assert crypto.is_current(row.recipient_cpr_encrypted)
        assert crypto.decrypt(row.recipient_cpr_encrypted) == CPR
        assert sending.letter_for(row).recipient_cpr == CPR.replace("-", "")
    sent.refresh_from_db()
    assert sent.recipient_cpr_encrypted == ""


def test_rekey_twice_changes_nothing_more(
    cast: Any, ready_document: Document, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.FIELD_ENCRYPTION_KEY = OLD
    waiting = message(cast, ready_document, recipient_cpr_encrypted=crypto.encrypt(CPR))
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    call_command("rekey_cpr")
    assert "1 ventende Digital Post-meddelelsers CPR-numre flyttet" in capsys.readouterr().out
    waiting.refresh_from_db()
    token = waiting.recipient_cpr_encrypted

    call_command("rekey_cpr")
    assert "0 ventende Digital Post-meddelelsers CPR-numre flyttet" in capsys.readouterr().out
    waiting.refresh_from_db()
    assert waiting.recipient_cpr_encrypted == token
