"""MeMo 1.2 messages: build one from plain data and validate it before it is sent.

Every message is validated against ``memo.xsd``, PPR Sag's own schema of exactly what
``build`` writes, with the stricter rules NgDP has enforced since November 2024
(INTEGRATIONS.md §4): the header and the sender carry a ``label``, file names hold none of
``<>:"/\\|?*``, CR/LF or exotic spaces, and action URLs are absolute ``https``. The same
rules are checked again in Python, so the error says in Danish what is wrong.

With ``PPR_MEMO_XSD_DIR`` pointing at Digitaliseringsstyrelsen's official schema package
(``MeMo_XSD.zip`` from digitaliser.dk, unpacked; README, "Digital Post"), a message must be
valid against its ``MeMo_core.xsd`` too.
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

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lxml import etree

NAMESPACE = "https://DigitalPost.dk/MeMo-1"
MEMO_VERSION = "1.2"
#: Our schema of the messages ``build`` writes.
XSD_PATH = Path(__file__).resolve().parent / "memo.xsd"
#: The entry point of the official schema package (it imports the package's other files).
OFFICIAL_CORE = "MeMo_core.xsd"
#: The longest text (labels, file names) a MeMo message carries.
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


def _parse_schema(path: Path) -> etree.XMLSchema:
    # The schema's own imports are read from its folder, never from the network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


@cache
def schema() -> etree.XMLSchema:
    """Our MeMo 1.2 schema (``memo.xsd``), parsed once per process."""
    return _parse_schema(XSD_PATH)


def official_core(folder: str | Path) -> Path:
    """``MeMo_core.xsd`` in the unpacked official package at ``folder`` (or one level down
    in a version folder such as ``Version1.2``); raises ``ImproperlyConfigured`` if absent."""
    base = Path(folder)
    if (base / OFFICIAL_CORE).is_file():
        return base / OFFICIAL_CORE
    found = sorted(base.glob(f"*/{OFFICIAL_CORE}")) if base.is_dir() else []
    versioned = [path for path in found if MEMO_VERSION in path.parent.name]
    if len(versioned) == 1:
        return versioned[0]
    if len(found) == 1:
        return found[0]
    raise ImproperlyConfigured(
        f"PPR_MEMO_XSD_DIR ({base}) skal være mappen med Digitaliseringsstyrelsens "
        f"{OFFICIAL_CORE} (MeMo {MEMO_VERSION}); den blev ikke fundet entydigt."
    )


@cache
def _official_schema(folder: str) -> etree.XMLSchema:
    path = official_core(folder)
    try:
        return _parse_schema(path)
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        raise ImproperlyConfigured(
            f"Den officielle MeMo-skema {path} kan ikke læses: {exc}"
        ) from exc


def official_schema() -> etree.XMLSchema | None:
    """Digitaliseringsstyrelsen's schema when ``PPR_MEMO_XSD_DIR`` is set, else ``None``."""
    folder = getattr(settings, "PPR_MEMO_XSD_DIR", "")
    return _official_schema(str(folder)) if folder else None


def _schema_errors(xsd: etree.XMLSchema, root: etree._Element, which: str) -> list[str]:
    if xsd.validate(root):
        return []
    # lxml-stubs omit that the error log iterates over its entries.
    entries = cast(Iterable[Any], xsd.error_log)
    return [f"{which}, linje {e.line}: {e.message}" for e in entries]


def validate(xml: bytes) -> etree._Element:
    """Check ``xml`` against our schema, the official one if configured, and NgDP's stricter
    rules; returns the parsed root or raises ``MemoError`` listing every error found."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise MemoError([f"Ikke gyldig XML: {exc}"]) from exc
    errors = _schema_errors(schema(), root, "MeMo-skema")
    official = official_schema()
    if official is not None:
        errors += _schema_errors(official, root, "Officielt MeMo-skema")
    ns = {"memo": NAMESPACE}
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
