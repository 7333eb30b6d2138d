"""Attachments: only PDF, DOCX, JPEG and PNG by content, at most 20 MB, downloaded as files."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import ReferralAttachment
from cases.referrals.uploads import MAX_ATTACHMENT_BYTES, safe_download_name
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.referral_fixtures import draft, submitted
from tests.conftest import client_for

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def zip_bytes(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX = zip_bytes(["[Content_Types].xml", "word/document.xml", "_rels/.rels"])


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def upload(client, referral, name: str, content: bytes):
    return client.post(
        reverse("cases:attachment-upload", kwargs={"pk": referral.pk}),
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("scan.png", PNG, "image/png"),
        ("foto.jpg", JPEG, "image/jpeg"),
        (
            "handleplan.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        # The content decides, not the name a browser sends.
        ("misnamed.txt", PDF, "application/pdf"),
    ],
)
def test_allowed_files_are_attached_with_their_real_type(cast, name, content, content_type) -> None:
    referral = draft(cast)
    response = upload(client_for(cast.teacher), referral, name, content)
    assert response.status_code == 302
    attachment = ReferralAttachment.objects.get()
    assert attachment.content_type == content_type and attachment.original_name == name
    assert attachment.size == len(content)
    # The stored name is random: a file name may carry a child's name or CPR number.
    assert name.split(".")[0] not in attachment.file.name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64),
        ("noter.docx", zip_bytes(["notes.txt"])),
        ("regneark.docx", zip_bytes(["[Content_Types].xml", "xl/workbook.xml"])),
        ("side.html", b"<html><script>alert(1)</script></html>"),
        ("billede.gif", b"GIF89a" + b"\x00" * 32),
    ],
)
def test_other_content_is_refused_in_danish_and_nothing_is_saved(cast, name, content) -> None:
    referral = draft(cast)
    response = upload(client_for(cast.teacher), referral, name, content)
    assert response.status_code == 400
    assert "Filtypen er ikke tilladt. Vedhæft kun PDF, DOCX, JPEG eller PNG" in response.text
    assert not ReferralAttachment.objects.exists()


def test_a_file_over_20_mb_is_refused(cast) -> None:
    referral = draft(cast)
    content = PDF + b"\x00" * (MAX_ATTACHMENT_BYTES - len(PDF) + 1)
    response = upload(client_for(cast.teacher), referral, "stor.pdf", content)
    assert response.status_code == 400
    assert "Et bilag må højst fylde 20 MB." in response.text
    assert not ReferralAttachment.objects.exists()


def test_a_file_of_exactly_20_mb_is_accepted(cast) -> None:
    referral = draft(cast)
    content = PDF + b"\x00" * (MAX_ATTACHMENT_BYTES - len(PDF))
    assert upload(client_for(cast.teacher), referral, "netop.pdf", content).status_code == 302


def test_an_empty_upload_is_refused(cast) -> None:
    referral = draft(cast)
    response = client_for(cast.teacher).post(
        reverse("cases:attachment-upload", kwargs={"pk": referral.pk}), {}
    )
    assert response.status_code == 400 and "Vælg en fil." in response.text


def test_a_submitted_referral_takes_no_more_attachments(cast) -> None:
    referral = submitted(cast)
    response = upload(client_for(cast.school_leader), referral, "sent.pdf", PDF)
    assert response.status_code == 302
    assert not ReferralAttachment.objects.exists()


def test_another_institution_cannot_attach(cast) -> None:
    referral = draft(cast)
    assert upload(client_for(cast.other_leader), referral, "x.pdf", PDF).status_code == 404


def test_download_is_an_audited_attachment_with_nosniff(cast) -> None:
    referral = draft(cast)
    upload(client_for(cast.teacher), referral, 'plan "endelig".pdf', PDF)
    attachment = ReferralAttachment.objects.get()
    reads = AuditEvent.objects.exclude(action=AuditAction.LOGIN)
    before = reads.count()  # the audit log is append-only: count, never delete
    response = client_for(cast.school_leader).get(
        reverse("cases:attachment-download", kwargs={"pk": attachment.pk})
    )
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="plan endelig.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert reads.count() == before + 1
    row = reads.latest("pk")
    assert row.action == AuditAction.PRINT and row.child_id == referral.child_id


def test_download_is_404_outside_the_referrals_scope(cast) -> None:
    referral = draft(cast)
    upload(client_for(cast.teacher), referral, "plan.pdf", PDF)
    pk = ReferralAttachment.objects.get().pk
    for user in (cast.other_leader, cast.administrator, cast.secretary, cast.psychologist):
        response = client_for(user).get(reverse("cases:attachment-download", kwargs={"pk": pk}))
        assert response.status_code == 404


def test_an_attachment_is_removed_from_a_draft(cast, django_capture_on_commit_callbacks) -> None:
    referral = draft(cast)
    upload(client_for(cast.teacher), referral, "plan.pdf", PDF)
    attachment = ReferralAttachment.objects.get()
    storage = attachment.file.storage
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.teacher).post(
            reverse("cases:attachment-delete", kwargs={"pk": attachment.pk})
        )
    assert response.status_code == 302
    assert not ReferralAttachment.objects.exists()
    assert not storage.exists(name)


def test_download_names_are_made_safe() -> None:
    assert safe_download_name("../../etc/passwd", "pdf") == "passwd.pdf"
    assert safe_download_name('a"b;c.exe', "png") == "abc.png"
    assert safe_download_name("", "pdf") == "bilag.pdf"
