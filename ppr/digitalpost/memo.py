"""MeMo 1.2 messages: build one from plain data and validate it against the published XSD.

The schema is Digitaliseringsstyrelsen's (vendored in ``xsd/``, see ``xsd/SOURCE.md``); on top
of it come the stricter rules NgDP has enforced since November 2024 (INTEGRATIONS.md §4): the
header and the sender carry a ``label``, file names hold none of ``<>:"/\\|?*``, CR/LF or
exotic spaces, and action URLs are absolute ``https``.
"""

import base64
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, cast

from lxml import etree

NAMESPACE = "https://DigitalPost.dk/MeMo-1"
MEMO_VERSION = "1.2"
XSD_PATH = Path(__file__).resolve().parent / "xsd" / "Version1.2" / "MeMo_core.xsd"
#: memoTextType's limit in MeMo_dataTypes.xsd.
TEXT_MAX = 256

# Characters NgDP refuses in a file name: the reserved ones, control characters (CR/LF among
# them) and the spaces other than the ordinary one (no-break, thin, zero-width, …).
_FORBIDDEN_IN_FILENAME = re.compile(
    r'[<>:"/\\|?*\x00-\x1f\x7f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]'
)


class MemoError(ValueError):
    """The message breaks the MeMo schema or NgDP's stricter rules; ``errors`` lists each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True, kw_only=True)
class Letter:
    """One document to one citizen, as plain data: what the domain apps hand over."""

    message_uuid: uuid.UUID
    recipient_cpr: str
    sender_cvr: str
    sender_label: str
    title: str
    pdf: bytes
    filename: str
    created: datetime
    #: The recipient's name as shown in the message (never an address: see ``build``).
    recipient_label: str = ""
    #: Afgørelser and partshøring are legal notifications (the recipient's mailbox keeps them).
    legal_notification: bool = False
    case_id: str = ""
    case_system: str = "PPR Sag"


def safe_filename(name: str) -> str:
    """``name`` with every character NgDP refuses replaced by ``_``, cut to the schema's 256."""
    cleaned = _FORBIDDEN_IN_FILENAME.sub("_", name).strip(" .") or "dokument.pdf"
    return cleaned[:TEXT_MAX]


def _memo_datetime(value: datetime) -> str:
    """memoDateTimeType: an xs:dateTime in UTC written with a ``Z``."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: str) -> str:
    return value.strip()[:TEXT_MAX]


def build(letter: Letter) -> bytes:
    """The ``memo:Message`` for ``letter`` (UTF-8 XML), validated; raises ``MemoError``.

    The recipient is addressed by CPR only: Digital Post delivers to the person's mailbox, so
    no postal address is written into the message (a protected address can never leak here).
    """
    memo = f"{{{NAMESPACE}}}"
    root = etree.Element(f"{memo}Message", nsmap={"memo": NAMESPACE})
    root.set("memoVersion", MEMO_VERSION)

    def sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{memo}{name}")
        if text is not None:
            element.text = text
        return element

    header = sub(root, "MessageHeader")
    sub(header, "messageType", "DIGITALPOST")
    sub(header, "messageUUID", str(letter.message_uuid))
    sub(header, "label", _text(letter.title))
    sub(header, "mandatory", "false")
    sub(header, "legalNotification", "true" if letter.legal_notification else "false")
    sender = sub(header, "Sender")
    sub(sender, "senderID", letter.sender_cvr)
    sub(sender, "idType", "CVR")
    sub(sender, "label", _text(letter.sender_label))
    recipient = sub(header, "Recipient")
    sub(recipient, "recipientID", letter.recipient_cpr)
    sub(recipient, "idType", "CPR")
    if letter.recipient_label.strip():
        sub(recipient, "label", _text(letter.recipient_label))
    if letter.case_id:
        content = sub(header, "ContentData")
        case = sub(content, "CaseID")
        sub(case, "caseID", _text(letter.case_id))
        sub(case, "caseSystem", _text(letter.case_system))

    body = sub(root, "MessageBody")
    sub(body, "createdDateTime", _memo_datetime(letter.created))
    main = sub(body, "MainDocument")
    sub(main, "mainDocumentID", str(letter.message_uuid))
    sub(main, "label", _text(letter.title))
    file = sub(main, "File")
    sub(file, "encodingFormat", "application/pdf")
    sub(file, "filename", letter.filename)
    sub(file, "language", "da")
    sub(file, "content", base64.b64encode(letter.pdf).decode("ascii"))

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    validate(xml)
    return xml


@cache
def schema() -> etree.XMLSchema:
    """The MeMo 1.2 schema, parsed once per process (its imports are the vendored files)."""
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


def validate(xml: bytes) -> etree._Element:
    """Check ``xml`` against the XSD and NgDP's stricter rules; returns the parsed root."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise MemoError([f"Ikke gyldig XML: {exc}"]) from exc
    xsd = schema()
    if not xsd.validate(root):
        # lxml-stubs omit that the error log iterates over its entries.
        entries = cast(Iterable[Any], xsd.error_log)
        raise MemoError([f"linje {e.line}: {e.message}" for e in entries])
    ns = {"memo": NAMESPACE}
    errors = []
    if root.get("memoVersion") != MEMO_VERSION:
        errors.append(f"memoVersion skal være {MEMO_VERSION}.")
    if not (root.findtext("memo:MessageHeader/memo:label", namespaces=ns) or "").strip():
        errors.append("Meddelelsen mangler en titel (MessageHeader/label).")
    if not (
        root.findtext("memo:MessageHeader/memo:Sender/memo:label", namespaces=ns) or ""
    ).strip():
        errors.append("Afsenderen mangler et navn (Sender/label).")
    for name in root.iterfind(".//memo:File/memo:filename", namespaces=ns):
        if not name.text or _FORBIDDEN_IN_FILENAME.search(name.text):
            errors.append(f"Filnavnet {name.text!r} indeholder tegn, Digital Post afviser.")
    for url in root.iterfind(".//memo:EntryPoint/memo:url", namespaces=ns):
        if not (url.text or "").startswith("https://"):
            errors.append(f"Handlingens adresse {url.text!r} skal være en absolut https-adresse.")
    if errors:
        raise MemoError(errors)
    return root
