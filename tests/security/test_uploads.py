"""Hostile uploads to a referral: disguised HTML/SVG, oversized files, zip bombs, active PDFs.

Every one is refused with a Danish message and nothing saved, or – where the bytes are a
harmless file of an allowed type – stored but only ever served as a download of that type,
never rendered by the browser.
"""

import io
import os
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import ReferralAttachment
from cases.referrals.uploads import MAX_ATTACHMENT_BYTES
from tests.cases.referral_fixtures import draft
from tests.conftest import client_for

PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PLAIN_PDF = PDF_HEAD + b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<<>>\n%%EOF\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
DOCX_PARTS = ["[Content_Types].xml", "word/document.xml", "_rels/.rels"]


def docx(extra: dict[str, bytes] | None = None, *, parts: list[str] = DOCX_PARTS) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in parts:
            archive.writestr(name, "<xml/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def upload(cast, name: str, content: bytes, content_type: str = "application/octet-stream"):
    referral = draft(cast)
    return client_for(cast.teacher).post(
        reverse("cases:attachment-upload", kwargs={"pk": referral.pk}),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def assert_refused(response, message: str) -> None:
    assert response.status_code == 400
    assert message in response.text
    assert not ReferralAttachment.objects.exists()


# --- Disguised HTML and SVG ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("plan.pdf", HTML, "application/pdf"),
        ("scan.png", HTML, "image/png"),
        ("tegning.svg", SVG, "image/svg+xml"),
        ("tegning.png", SVG, "image/png"),
        ("side.html", b"\xef\xbb\xbf" + HTML, "text/html"),
        ("handleplan.docx", HTML, "application/msword"),
    ],
)
def test_html_and_svg_are_refused_whatever_the_name_or_type_claims(
    cast, name, content, content_type
) -> None:
    assert_refused(upload(cast, name, content, content_type), "Filtypen er ikke tilladt.")


@pytest.mark.parametrize(
    ("name", "head", "content_type"),
    [
        ("polyglot.html", PLAIN_PDF, "application/pdf"),
        ("polyglot.svg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png"),
        ("polyglot.htm", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    ],
)
def test_a_polyglot_is_only_ever_served_as_a_download_of_its_real_type(
    cast, name, head, content_type
) -> None:
    """Magic bytes followed by HTML: stored as the allowed type, never rendered as a page."""
    content = head + HTML + SVG
    assert upload(cast, name, content, "text/html").status_code == 302
    attachment = ReferralAttachment.objects.get()
    assert attachment.content_type == content_type
    response = client_for(cast.school_leader).get(
        reverse("cases:attachment-download", kwargs={"pk": attachment.pk})
    )
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    # The download name carries the real extension, not .html/.svg.
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[content_type]
    assert response["Content-Disposition"].endswith(f'.{extension}"')


# --- Oversized --------------------------------------------------------------------------------


def test_an_oversized_docx_is_refused_before_it_is_looked_into(cast) -> None:
    content = docx() + b"\x00" * (MAX_ATTACHMENT_BYTES + 1)
    assert_refused(upload(cast, "stor.docx", content), "Et bilag må højst fylde 20 MB.")


# --- Zip bombs ----------------------------------------------------------------------------------


def test_a_docx_zip_bomb_is_refused_without_unpacking_it(cast) -> None:
    # 60 MB of zeros packs to about 60 KB: 1000:1, where a real document packs about 10:1.
    bomb = docx({"word/media/image1.png": b"\x00" * (60 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024
    assert_refused(upload(cast, "bombe.docx", bomb), "pakker sig ud til langt mere")


def test_a_docx_with_thousands_of_parts_is_refused(cast) -> None:
    parts = {f"word/p{i}.xml": b"<x/>" for i in range(2_100)}
    assert_refused(upload(cast, "dele.docx", docx(parts)), "pakker sig ud til langt mere")


def test_an_ordinary_docx_with_an_image_is_accepted(cast) -> None:
    content = docx({"word/media/image1.jpeg": os.urandom(300 * 1024)})
    assert upload(cast, "plan.docx", content).status_code == 302
    assert ReferralAttachment.objects.count() == 1


# --- PDF with JavaScript -----------------------------------------------------------------------


def pdf(body: bytes) -> bytes:
    return PDF_HEAD + body + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


OPEN_ACTION_JS = pdf(
    b"1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
    b"3 0 obj<</S/JavaScript/JS(app.alert('x'))>>endobj"
)


def object_stream(objects: bytes) -> bytes:
    packed = zlib.compress(objects)
    return pdf(
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"5 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream\nendobj"
    )


@pytest.mark.parametrize(
    "content",
    [
        OPEN_ACTION_JS,
        # The name written with #xx escapes is the same name.
        pdf(b"3 0 obj<</S/J#61vaScript/J#53(app.alert(1))>>endobj"),
        pdf(b"3 0 obj<</S/Launch/F(cmd.exe)>>endobj"),
        pdf(b"4 0 obj<</Type/EmbeddedFile/Length 3>>stream\nMZ!\nendstream\nendobj"),
        # Hidden in a compressed object stream.
        object_stream(b"3 0 <</S/JavaScript/JS(app.alert(1))>>"),
    ],
    ids=["openaction-js", "hex-escaped", "launch", "embedded-file", "object-stream"],
)
def test_a_pdf_with_javascript_launch_or_embedded_files_is_refused(cast, content) -> None:
    assert_refused(upload(cast, "plan.pdf", content), "PDF-filen indeholder JavaScript")


def test_a_plain_pdf_with_an_object_stream_is_accepted(cast) -> None:
    content = object_stream(b"3 0 <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>")
    assert upload(cast, "plan.pdf", content).status_code == 302
    assert ReferralAttachment.objects.get().content_type == "application/pdf"
