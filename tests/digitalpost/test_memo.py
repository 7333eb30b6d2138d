"""The MeMo 1.2 message: built from plain data, valid against the published XSD, NgDP's rules."""

import base64
import dataclasses
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from lxml import etree

from ppr.digitalpost import memo

NS = {"memo": memo.NAMESPACE}


def text(root: etree._Element, path: str) -> str | None:
    """The text at a slash-separated path of MeMo element names."""
    return root.findtext("/".join(f"memo:{step}" for step in path.split("/")), namespaces=NS)


def letter(**overrides: Any) -> memo.Letter:
    base = memo.Letter(
        message_uuid=uuid.UUID("3f0c9a4e-1b2d-4c5e-8f70-123456789abc"),
        recipient_cpr="1012620000",
        recipient_label="Mette Hansen",
        sender_cvr="12345678",
        sender_label="PPR, Demo Kommune",
        title="Pædagogisk psykologisk vurdering – version 2",
        pdf="%PDF-1.7 æøå".encode(),
        filename="ppv-sag-2026-00018-version-2.pdf",
        created=datetime(2026, 12, 6, 17, 30, tzinfo=UTC),
        case_id="2026-00018",
    )
    return dataclasses.replace(base, **overrides)


def test_the_message_validates_against_the_xsd_and_carries_the_required_fields() -> None:
    xml = memo.build(letter())
    root = etree.fromstring(xml)
    assert memo.schema().validate(root)
    assert root.tag == f"{{{memo.NAMESPACE}}}Message"
    assert root.get("memoVersion") == "1.2"
    header = "MessageHeader/"
    assert text(root, header + "messageType") == "DIGITALPOST"
    assert text(root, header + "messageUUID") == "3f0c9a4e-1b2d-4c5e-8f70-123456789abc"
    assert text(root, header + "label") == "Pædagogisk psykologisk vurdering – version 2"
    assert text(root, header + "Sender/senderID") == "12345678"
    assert text(root, header + "Sender/idType") == "CVR"
    assert text(root, header + "Sender/label") == "PPR, Demo Kommune"
    assert text(root, header + "Recipient/recipientID") == "1012620000"
    assert text(root, header + "Recipient/idType") == "CPR"
    assert text(root, header + "ContentData/CaseID/caseID") == "2026-00018"
    body = "MessageBody/"
    assert text(root, body + "createdDateTime") == "2026-12-06T17:30:00Z"
    file = body + "MainDocument/File/"
    assert text(root, file + "encodingFormat") == "application/pdf"
    assert text(root, file + "filename") == "ppv-sag-2026-00018-version-2.pdf"
    assert text(root, file + "language") == "da"
    assert base64.b64decode(text(root, file + "content") or "") == "%PDF-1.7 æøå".encode()


def test_no_address_is_written_into_the_message() -> None:
    root = etree.fromstring(memo.build(letter()))
    assert root.find(".//{https://data.gov.dk/model/core/}Address") is None
    assert root.find(".//{https://data.gov.dk/model/core/}UnstructuredAddress") is None
    assert root.find(".//memo:AttentionData", namespaces=NS) is None


@pytest.mark.parametrize(
    "name", ["ppv:2.pdf", "ppv/2.pdf", "ppv\r\n.pdf", "ppv\u00a02.pdf", 'a"b.pdf', "ppv?.pdf"]
)
def test_a_filename_ngdp_refuses_is_refused_and_safe_filename_cleans_it(name: str) -> None:
    with pytest.raises(memo.MemoError, match="Filnavnet"):
        memo.build(letter(filename=name))
    cleaned = memo.safe_filename(name)
    memo.build(letter(filename=cleaned))


def test_a_message_without_a_title_or_sender_name_is_refused() -> None:
    with pytest.raises(memo.MemoError):
        memo.build(letter(title="  "))
    with pytest.raises(memo.MemoError, match="Afsenderen"):
        memo.build(letter(sender_label=""))


def test_the_schema_refuses_what_it_does_not_allow() -> None:
    xml = memo.build(letter()).replace(b"DIGITALPOST", b"BREVPOST")
    with pytest.raises(memo.MemoError, match="messageType"):
        memo.validate(xml)


def test_an_action_url_must_be_absolute_https() -> None:
    xml = memo.build(letter())
    action = (
        b"<memo:Action><memo:label>Se sagen</memo:label><memo:actionCode>INFORMATION</memo:actionCode>"
        b"<memo:EntryPoint><memo:url>http://ppr.example/sag</memo:url></memo:EntryPoint></memo:Action>"
    )
    broken = xml.replace(b"</memo:File>", b"</memo:File>" + action)
    with pytest.raises(memo.MemoError, match="https"):
        memo.validate(broken)
    memo.validate(broken.replace(b"http://ppr", b"https://ppr"))
