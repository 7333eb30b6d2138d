"""Checking a referral's attachments by their content, never by the file name a browser sends."""

import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils.http import content_disposition_header

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
#: A DOCX may unpack to at most this much, from at most this many parts, each compressed at
#: most 100:1 (a real document.xml packs about 10:1): anything beyond is a zip bomb.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_RATIO = 100
#: PDF names that run code or carry files when the reader opens the document.
ACTIVE_PDF_NAMES = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"RichMedia"})
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", "pdf", "PDF")
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word (DOCX)"
)
JPEG = FileKind("image/jpeg", "jpg", "JPEG-billede")
PNG = FileKind("image/png", "png", "PNG-billede")

ALLOWED_LABEL = "PDF, DOCX, JPEG eller PNG"
#: The file extension of each allowed content type, for download names.
EXTENSIONS = {kind.content_type: kind.extension for kind in (PDF, DOCX, JPEG, PNG)}


def _is_docx(file: UploadedFile) -> bool:
    # A DOCX is a zip with the Word main part; any other zip (or a renamed .exe) is not.
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    names = {member.filename for member in members}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        return False
    # Never unpacked here; the sizes in the zip's directory are enough to refuse a bomb.
    unpacked = sum(member.file_size for member in members)
    if (
        len(members) > MAX_ZIP_MEMBERS
        or unpacked > MAX_UNPACKED_BYTES
        or any(
            member.file_size > 1024 * 1024
            and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1)
            for member in members
        )
    ):
        raise ValidationError(
            "Filen kan ikke vedhæftes: den pakker sig ud til langt mere, end et dokument fylder.",
            code="zip_bomb",
        )
    return True


def _pdf_names(data: bytes) -> set[bytes]:
    # "/J#61vaScript" is "/JavaScript": a name may hide its letters as #xx escapes.
    return {
        _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        for name in _PDF_NAME.findall(data)
    }


def _pdf_is_active(file: UploadedFile) -> bool:
    """True if the PDF holds JavaScript, a launch action or embedded files – in its plain
    dictionaries or in compressed object streams (unpacked with a bound)."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    if _pdf_names(data) & ACTIVE_PDF_NAMES:
        return True
    budget = MAX_UNPACKED_BYTES
    for match in _PDF_STREAM.finditer(data):
        # Dictionaries hide only in object streams (/Type /ObjStm); images etc. are skipped.
        header = data[data.rfind(b"obj", 0, match.start()) : match.start()]
        if b"ObjStm" not in _pdf_names(header):
            continue
        if budget <= 0:
            return True  # more packed objects than any referral document has: refuse
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(memoryview(data)[match.end() :], budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        if _pdf_names(chunk) & ACTIVE_PDF_NAMES:
            return True
    return False


def detect_kind(file: UploadedFile) -> FileKind | None:
    """The file's real type from its first bytes (magic numbers), or None if not allowed."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and _is_docx(file):
        return DOCX
    return None


def validate_attachment(file: UploadedFile) -> FileKind:
    """Refuse files over 20 MB and anything that is not a PDF, DOCX, JPEG or PNG by content."""
    if file.size is None or file.size == 0:
        raise ValidationError("Filen er tom.", code="empty")
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError("Filen er for stor. Et bilag må højst fylde 20 MB.", code="too_large")
    kind = detect_kind(file)
    if kind is None:
        raise ValidationError(
            f"Filtypen er ikke tilladt. Vedhæft kun {ALLOWED_LABEL} – filens indhold bliver "
            "kontrolleret, ikke kun navnet.",
            code="file_type",
        )
    if kind is PDF and _pdf_is_active(file):
        raise ValidationError(
            "PDF-filen indeholder JavaScript, handlinger eller indlejrede filer og kan ikke "
            "vedhæftes. Gem den som en almindelig PDF (fx med “Udskriv til PDF”) og prøv igen.",
            code="active_pdf",
        )
    return kind


def safe_download_name(original: str, kind_extension: str) -> str:
    """A download file name without path parts or control characters, with the real extension."""
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*;')
    stem = name.rsplit(".", 1)[0].strip() or "bilag"
    return f"{stem[:100]}.{kind_extension}"


class StoredUpload(Protocol):
    """A row holding an uploaded file: a referral's, a message's or a hearing response's."""

    @property
    def file(self) -> Any: ...
    @property
    def content_type(self) -> str: ...
    @property
    def original_name(self) -> str: ...


def download_response(upload: StoredUpload) -> HttpResponse:
    """The stored file as a download, never shown inline, under a safe name and never cached."""
    # Read whole (at most 20 MB): a streamed file would stay open if the client walks away.
    with upload.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=upload.content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, safe_download_name(upload.original_name, EXTENSIONS.get(upload.content_type, "bin"))
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
