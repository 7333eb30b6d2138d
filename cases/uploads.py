"""Checking a referral's attachments by their content, never by the file name a browser sends."""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


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
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    return "word/document.xml" in names and "[Content_Types].xml" in names


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
    return kind


def safe_download_name(original: str, kind_extension: str) -> str:
    """A download file name without path parts or control characters, with the real extension."""
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*;')
    stem = name.rsplit(".", 1)[0].strip() or "bilag"
    return f"{stem[:100]}.{kind_extension}"
