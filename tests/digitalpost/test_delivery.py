"""Recording, sending and retrying a message: exactly once by its UUID, nothing lost."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from lxml import etree

from ppr.digitalpost import memo, sending, services, tasks, transports
from ppr.digitalpost.models import DigitalPostMessage, MessageStatus
from ppr.documents.models import Document, DocumentStatus

from .conftest import CPR, PDF
from .standin import serviceplatformen
from .test_transports import organisation_certificate

pytestmark = pytest.mark.usefixtures("eager")


@pytest.fixture
def queue(
    cast: Any,
    ready_document: Document,
    encrypted_cpr: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[..., DigitalPostMessage]:
    def queue(**overrides: Any) -> DigitalPostMessage:
        arguments: dict[str, Any] = {
            "document": ready_document,
            "recipient": cast.school_leader,
            "recipient_name": "Mette Hansen (Mor)",
            "recipient_cpr_encrypted": encrypted_cpr,
            "title": "Pædagogisk psykologisk vurdering",
            "by": cast.psychologist,
            "case_reference": "2026-00018",
        } | overrides
        with django_capture_on_commit_callbacks(execute=True):
            message = services.queue_message(**arguments)
        message.refresh_from_db()
        return message

    return queue


class Flaky:
    """A transport that fails ``failures`` times, then sends; it records the message's row
    as the database held it at each call."""

    name = "flaky"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.seen: list[tuple[str, str, int]] = []

    def send(self, message_uuid: uuid.UUID, xml: bytes) -> transports.Outcome:
        row = DigitalPostMessage.objects.get(pk=message_uuid)
        self.seen.append((row.status, row.last_error, row.attempts))
        if self.failures > 0:
            self.failures -= 1
            raise transports.TransportError("Serviceplatformen svarede 503")
        return transports.Outcome.SENT


@pytest.fixture
def flaky(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Flaky]:
    def install(failures: int) -> Flaky:
        transport = Flaky(failures)
        monkeypatch.setattr(transports, "configured", lambda: transport)
        return transport

    return install


def test_the_local_transport_keeps_a_valid_message_and_it_is_delivered(
    queue: Callable[..., DigitalPostMessage], mailbox: Path
) -> None:
    message = queue()
    assert message.status == MessageStatus.DELIVERED
    assert message.sent_at and message.delivered_at and message.attempts == 1
    kept = transports.LocalTransport(mailbox).kept(message.pk)
    assert kept is not None
    root = memo.validate(kept)
    ns = {"memo": memo.NAMESPACE}
    assert root.findtext("memo:MessageHeader/memo:messageUUID", namespaces=ns) == str(message.pk)
    assert root.findtext("memo:MessageHeader/memo:Recipient/memo:recipientID", namespaces=ns) == CPR


def test_the_cpr_number_is_never_stored_in_clear(queue: Callable[..., DigitalPostMessage]) -> None:
    message = queue()
    row = DigitalPostMessage.objects.filter(pk=message.pk).values().get()
    assert not any(CPR in str(value) for value in row.values())
    assert row["recipient_cpr_encrypted"] == ""  # sent: not even the encrypted number is kept


def test_a_transport_failure_leaves_it_failed_with_the_error_then_the_retry_sends_it(
    queue: Callable[..., DigitalPostMessage], flaky: Callable[[int], Flaky]
) -> None:
    transport = flaky(1)
    message = queue()
    # The first try saw a waiting message; the retry saw it 'fejlet' with the error.
    assert transport.seen == [
        (MessageStatus.PENDING, "", 0),
        (MessageStatus.FAILED, "Serviceplatformen svarede 503", 1),
    ]
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    assert message.failed_at is not None and message.sent_at is not None
    assert message.last_error == "Serviceplatformen svarede 503"  # kept as history
    assert DigitalPostMessage.objects.count() == 1


def test_the_task_retries_with_exponential_backoff() -> None:
    assert tasks.send_message.autoretry_for == (transports.TransportError,)
    assert tasks.send_message.retry_backoff == 30
    assert tasks.send_message.max_retries == tasks.MAX_RETRIES


def test_a_send_that_keeps_failing_never_breaks_the_sending_and_is_resent_later(
    queue: Callable[..., DigitalPostMessage], flaky: Callable[[int], Flaky]
) -> None:
    transport = flaky(tasks.MAX_RETRIES + 1)
    message = queue()  # no exception reaches the caller: the sending was committed
    assert message.status == MessageStatus.FAILED
    assert message.attempts == tasks.MAX_RETRIES + 1
    assert message.last_error == "Serviceplatformen svarede 503"
    assert sending.unsent() == []  # tried just now
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert sending.unsent() == [message.pk]
        assert tasks.resend_unsent.delay().get() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(transport.seen) == tasks.MAX_RETRIES + 2


def test_sending_a_sent_message_again_sends_nothing(
    queue: Callable[..., DigitalPostMessage], flaky: Callable[[int], Flaky]
) -> None:
    transport = flaky(0)
    message = queue()
    assert sending.deliver(message.pk) == "not claimed"
    tasks.send_message.delay(str(message.pk))
    assert len(transport.seen) == 1


def test_a_message_claimed_by_a_live_worker_is_not_sent_twice(
    cast: Any,
    ready_document: Document,
    encrypted_cpr: str,
    flaky: Callable[[int], Flaky],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    transport = flaky(0)
    with django_capture_on_commit_callbacks(execute=False):
        message = services.queue_message(
            document=ready_document,
            recipient=cast.school_leader,
            recipient_name="Mette Hansen (Mor)",
            recipient_cpr_encrypted=encrypted_cpr,
            title="PPV",
            by=cast.psychologist,
        )
    DigitalPostMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now())
    assert sending.deliver(message.pk) == "not claimed"
    assert transport.seen == []
    with time_machine.travel(timezone.now() + sending.CLAIM_TIMEOUT + timedelta(minutes=1)):
        assert sending.deliver(message.pk) == "sendt"  # the worker died; its claim expired
    assert len(transport.seen) == 1


def test_a_pdf_not_yet_rendered_waits_without_failing(
    queue: Callable[..., DigitalPostMessage],
    ready_document: Document,
    flaky: Callable[[int], Flaky],
) -> None:
    transport = flaky(0)
    Document.objects.filter(pk=ready_document.pk).update(status=DocumentStatus.PENDING)
    message = queue()
    assert message.status == MessageStatus.PENDING
    assert message.last_error == "PDF'en er ikke dannet endnu."
    assert transport.seen == []
    Document.objects.filter(pk=ready_document.pk).update(status=DocumentStatus.READY)
    tasks.send_message.delay(str(message.pk))
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_a_refused_message_fails_for_good_without_retrying(
    queue: Callable[..., DigitalPostMessage], settings: Any
) -> None:
    settings.PPR_DIGITALPOST_SENDER_LABEL = ""  # NgDP refuses a sender without a name
    message = queue()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert message.last_error.startswith("Afvist:") and "Afsenderen" in message.last_error
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert sending.unsent() == []


def test_sf1601_end_to_end_against_the_stand_in(
    queue: Callable[..., DigitalPostMessage], settings: Any, tmp_path: Path
) -> None:
    cert, key, one_line = organisation_certificate(tmp_path)
    with serviceplatformen(cvr="12345678", use_key=one_line) as service:
        settings.PPR_DIGITALPOST_TRANSPORT = "sf1601"
        settings.PPR_DIGITALPOST_SF1601_STS_URL = f"{service.url}/sts/issue"
        settings.PPR_DIGITALPOST_SF1601_SERVICE_URL = service.url
        settings.PPR_DIGITALPOST_SF1601_CERT = str(cert)
        settings.PPR_DIGITALPOST_SF1601_KEY = str(key)
        service.outages = 1
        message = queue()
    assert message.status == MessageStatus.SENT and message.transport == "sf1601"
    assert message.attempts == 2 and "503" in message.last_error
    sent = etree.fromstring(service.accepted[str(message.pk)])
    ns = {"memo": memo.NAMESPACE}
    content = sent.findtext(".//memo:File/memo:content", namespaces=ns)
    assert content is not None and __import__("base64").b64decode(content) == PDF
