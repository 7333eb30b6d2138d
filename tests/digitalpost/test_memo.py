"""The MeMo 1.2 message: built from plain data, valid against our schema (memo.xsd), NgDP's rules,
and against the official schema package when PPR_MEMO_XSD_DIR points at one."""

import base64
import dataclasses
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
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


@pytest.mark.parametrize(
    ("old", "new", "element"),
    [
        (
            b"3f0c9a4e-1b2d-4c5e-8f70-123456789abc</memo:messageUUID>",
            b"ppv-1</memo:messageUUID>",
            "messageUUID",
        ),
        (b"1012620000", b"101262-0000", "recipientID"),
        (b"<memo:senderID>12345678", b"<memo:senderID>1234567", "senderID"),
        (b"<memo:idType>CPR", b"<memo:idType>CVR", "idType"),
        (b"2026-12-06T17:30:00Z", b"2026-12-06T18:30:00+01:00", "createdDateTime"),
        (b"<memo:language>da", b"<memo:language>dansk", "language"),
    ],
)
def test_our_schema_refuses_the_wrong_types(old: bytes, new: bytes, element: str) -> None:
    xml = memo.build(letter())
    assert old in xml
    with pytest.raises(memo.MemoError, match=f"MeMo-skema.*{element}"):
        memo.validate(xml.replace(old, new, 1))


def test_our_schema_itself_refuses_a_blank_label_and_a_forbidden_filename() -> None:
    def with_text(path: str, value: str) -> etree._Element:
        root = etree.fromstring(memo.build(letter()))
        for element in root.iterfind(path, NS):
            element.text = value
        return root

    assert not memo.schema().validate(with_text("memo:MessageHeader/memo:Sender/memo:label", " "))
    filename = ".//memo:File/memo:filename"
    for name in ["a:b.pdf", "a\u00a0b.pdf", "a\u200bb.pdf", "a|b.pdf"]:
        assert not memo.schema().validate(with_text(filename, name)), name
    assert memo.schema().validate(with_text(filename, "ppv 2 (æøå).pdf"))


OFFICIAL_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="https://DigitalPost.dk/MeMo-1"
  elementFormDefault="qualified">
  <xs:simpleType name="messageType">
    <xs:restriction base="xs:string">{allowed}</xs:restriction>
  </xs:simpleType>
</xs:schema>
"""

OFFICIAL_CORE = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:memo="https://DigitalPost.dk/MeMo-1"
  targetNamespace="https://DigitalPost.dk/MeMo-1" elementFormDefault="qualified">
  <xs:include schemaLocation="Types.xsd"/>
  <xs:element name="Message">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="MessageHeader">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="messageType" type="memo:messageType"/>
              <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
        <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="memoVersion" type="xs:string" use="required"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


def official_package(folder: Path, *allowed: str) -> Path:
    """A small stand-in for the unpacked MeMo_XSD.zip: a version folder whose MeMo_core.xsd
    includes a second file (as the real package's core imports its type files)."""
    version = folder / "Version1.2"
    version.mkdir(parents=True)
    enumerations = "".join(f'<xs:enumeration value="{value}"/>' for value in allowed)
    (version / "Types.xsd").write_text(OFFICIAL_TYPES.format(allowed=enumerations))
    (version / "MeMo_core.xsd").write_text(OFFICIAL_CORE)
    return folder


def test_with_the_official_schema_dir_a_message_must_be_valid_against_it_too(
    settings: Any, tmp_path: Path
) -> None:
    settings.PPR_MEMO_XSD_DIR = str(official_package(tmp_path / "accepts", "DIGITALPOST"))
    assert memo.official_core(settings.PPR_MEMO_XSD_DIR).parent.name == "Version1.2"
    memo.build(letter())

    # An official schema that refuses what ours allows: the message is not built.
    settings.PPR_MEMO_XSD_DIR = str(official_package(tmp_path / "refuses", "NEMSMS"))
    with pytest.raises(memo.MemoError, match="Officielt MeMo-skema.*messageType") as refused:
        memo.build(letter())
    assert not any(error.startswith("MeMo-skema") for error in refused.value.errors)


def test_without_the_setting_only_our_schema_is_used(settings: Any) -> None:
    settings.PPR_MEMO_XSD_DIR = ""
    assert memo.official_schema() is None
    memo.build(letter())


def test_an_official_dir_without_memo_core_is_a_clear_configuration_error(
    settings: Any, tmp_path: Path
) -> None:
    settings.PPR_MEMO_XSD_DIR = str(tmp_path)
    with pytest.raises(ImproperlyConfigured, match="MeMo_core.xsd"):
        memo.build(letter())
