"""A final PPV to the custody holders by Digital Post (issue 22): one MeMo message per custody
holder with a stored CPR number, kept by the demo's local transport and valid against the XSD;
a double submit sends once; one without a CPR number gets the letter, as the page says; a
protected address is never in what the other parent receives."""

import base64
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from lxml import etree

from cases.models import Guardian, Ppv, PpvDispatch
from cases.ppv import services
from ppr.celery import app as celery_app
from ppr.digitalpost import memo, transports
from ppr.digitalpost.models import DigitalPostMessage, MessageStatus
from tests.documents.pdf import page_texts

from .ppv_fixtures import draft, finalise, private_storage  # noqa: F401  (a fixture)

MOTHER_CPR, FATHER_CPR = "0101804321", "0202795678"
PROTECTED_ADDRESS = "Hemmelighedsvej 7, 7400 Herning"
FATHER_ADDRESS = "Åbenlyst Allé 3, 7400 Herning"
NS = {"memo": memo.NAMESPACE}


@pytest.fixture(autouse=True)
def mailbox(settings: Any, tmp_path: Path, private_storage: Path) -> Path:  # noqa: F811
    settings.PPR_DIGITALPOST_TRANSPORT = "local"
    settings.PPR_DIGITALPOST_DIR = str(tmp_path / "digitalpost")
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield tmp_path / "digitalpost"
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def final_ppv(cast: Any, django_capture_on_commit_callbacks: Callable[..., Any]) -> Ppv:
    """A final PPV (its PDF rendered) whose mother has name and address protection."""
    with django_capture_on_commit_callbacks(execute=True):
        ppv = finalise(draft(cast), cast.psychologist)
    guardians = {g.relation: g for g in ppv.case.child.guardians.all()}
    mother, father = guardians["mor"], guardians["far"]
    mother.set_cpr(MOTHER_CPR)
    mother.address = PROTECTED_ADDRESS
    mother.name_address_protected = True
    mother.save()
    father.set_cpr(FATHER_CPR)
    father.address = FATHER_ADDRESS
    father.save()
    return ppv


def send(ppv: Ppv, by: Any, capture: Callable[..., Any], batch: uuid.UUID | None = None) -> None:
    with capture(execute=True):
        services.send_ppv(
            ppv,
            by=by,
            guardians=services.custody_holders(ppv),
            leaders=[],
            batch=batch or uuid.uuid4(),
        )


def kept(mailbox: Path, message: DigitalPostMessage) -> bytes:
    xml = transports.LocalTransport(mailbox).kept(message.pk)
    assert xml is not None
    return xml


def test_each_custody_holder_gets_a_valid_memo_message_kept_by_the_demo_transport(
    cast: Any,
    final_ppv: Ppv,
    mailbox: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    send(final_ppv, cast.psychologist, django_capture_on_commit_callbacks)
    dispatches = PpvDispatch.objects.filter(ppv=final_ppv).select_related("digital_post")
    by_cpr = {}
    for dispatch in dispatches:
        message = dispatch.digital_post
        assert message is not None and message.status == MessageStatus.DELIVERED
        assert message.document.object_id == final_ppv.pk
        root = memo.validate(kept(mailbox, message))
        header = root.find("memo:MessageHeader", NS)
        assert header is not None
        assert header.findtext("memo:messageUUID", namespaces=NS) == str(message.pk)
        assert header.findtext("memo:label", namespaces=NS) == (
            f"Pædagogisk psykologisk vurdering, version {final_ppv.number}"
        )
        assert header.findtext("memo:Sender/memo:idType", namespaces=NS) == "CVR"
        assert header.findtext("memo:Sender/memo:label", namespaces=NS)
        assert header.findtext("memo:ContentData/memo:CaseID/memo:caseID", namespaces=NS) == (
            final_ppv.case.reference
        )
        file = root.find("memo:MessageBody/memo:MainDocument/memo:File", NS)
        assert file is not None
        assert file.findtext("memo:encodingFormat", namespaces=NS) == "application/pdf"
        assert (file.findtext("memo:filename", namespaces=NS) or "").endswith(".pdf")
        pdf = base64.b64decode(file.findtext("memo:content", namespaces=NS) or "")
        with message.document.file.open("rb") as stored:
            assert pdf.startswith(b"%PDF") and pdf == stored.read()
        by_cpr[header.findtext("memo:Recipient/memo:recipientID", namespaces=NS)] = dispatch
    assert sorted(by_cpr) == sorted([MOTHER_CPR, FATHER_CPR])


def test_a_protected_address_is_never_in_the_other_parents_message_or_pdf(
    cast: Any,
    final_ppv: Ppv,
    mailbox: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    send(final_ppv, cast.psychologist, django_capture_on_commit_callbacks)
    father = final_ppv.case.child.guardians.get(relation="far")
    message = PpvDispatch.objects.get(ppv=final_ppv, guardian=father).digital_post
    assert message is not None
    xml = kept(mailbox, message)
    assert b"Hemmelighedsvej" not in xml and MOTHER_CPR.encode() not in xml
    root = etree.fromstring(xml)
    assert root.find(".//{https://data.gov.dk/model/core/}Address") is None
    content = root.findtext(".//memo:File/memo:content", namespaces=NS) or ""
    text = " ".join(page_texts(base64.b64decode(content)))
    assert "Hemmelighedsvej" not in text and "Åbenlyst" not in text


def test_a_double_submit_sends_one_message_per_custody_holder(
    cast: Any,
    final_ppv: Ppv,
    client_as: Any,
    mailbox: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = client_as(cast.psychologist)
    url = reverse("cases:ppv-send", args=[final_ppv.pk])
    guardians = services.custody_holders(final_ppv)
    data = {"batch": str(uuid.uuid4()), "guardians": [g.pk for g in guardians]}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, data).status_code == 302
    assert DigitalPostMessage.objects.count() == 2
    assert len(list(mailbox.glob("*.xml"))) == 2
    page = client.get(url).content.decode()
    assert page.count("Sendt med Digital Post: leveret") == 2
    case_page = client.get(reverse("cases:case-detail", args=[final_ppv.case_id]))
    assert case_page.content.decode().count("Sendt med Digital Post: leveret") == 2


def test_a_custody_holder_without_a_cpr_number_gets_the_letter_as_the_page_says(
    cast: Any,
    final_ppv: Ppv,
    client_as: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    father = final_ppv.case.child.guardians.get(relation="far")
    father.set_cpr("")
    father.save()
    client = client_as(cast.psychologist)
    url = reverse("cases:ppv-send", args=[final_ppv.pk])
    page = client.get(url).content.decode()
    assert (
        "Søren Kjær (Far) – intet CPR-nummer registreret, så forælderen kan ikke få Digital Post"
        in page
    )
    assert "Mette Ørsted (Mor) – sendes med Digital Post" in page
    assert f'value="{father.pk}"' in page  # the letter option is kept
    data = {"batch": str(uuid.uuid4()), "guardians": [father.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    dispatch = PpvDispatch.objects.get(ppv=final_ppv, guardian=father)
    assert dispatch.digital_post is None
    assert not DigitalPostMessage.objects.exists()
    assert "Med almindelig post." in client.get(url).content.decode()


def test_with_digital_post_off_sending_is_only_recorded(
    cast: Any,
    final_ppv: Ppv,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.PPR_DIGITALPOST_TRANSPORT = "off"
    send(final_ppv, cast.psychologist, django_capture_on_commit_callbacks)
    assert PpvDispatch.objects.filter(ppv=final_ppv).count() == 2
    assert not DigitalPostMessage.objects.exists()


def test_no_cpr_number_in_the_message_row_or_the_page(
    cast: Any,
    final_ppv: Ppv,
    client_as: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    send(final_ppv, cast.psychologist, django_capture_on_commit_callbacks)
    for row in DigitalPostMessage.objects.values():
        assert not any(cpr in str(v) for v in row.values() for cpr in (MOTHER_CPR, FATHER_CPR))
    page = client_as(cast.psychologist).get(reverse("cases:ppv-send", args=[final_ppv.pk]))
    assert MOTHER_CPR not in page.content.decode()
    assert Guardian.objects.filter(cpr_encrypted__contains=MOTHER_CPR).count() == 0
