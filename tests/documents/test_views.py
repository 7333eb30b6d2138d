"""Status, download and retry: the subject decides access; downloads are audited."""

from typing import Any

import pytest
from django.urls import reverse

from ppr.audit.models import AuditAction, AuditEvent
from ppr.documents.models import Document, DocumentKind, DocumentStatus

from .conftest import CHILD_ID, sample_context


def status_url(document: Document) -> str:
    return reverse("documents:document-status", args=[document.pk])


def download_url(document: Document) -> str:
    return reverse("documents:document-download", args=[document.pk])


def retry_url(document: Document) -> str:
    return reverse("documents:document-retry", args=[document.pk])


@pytest.fixture
def document(order_pdf: Any, allowed: set[int], cast: Any) -> Document:
    """A ready PDF the psychologist ordered; the psychologist and the school leader may have it."""
    allowed.update({cast.psychologist.pk, cast.school_leader.pk})
    return order_pdf()


def waiting(cast: Any, status: str = DocumentStatus.PENDING) -> Document:
    return Document.objects.create(
        subject=cast.school,
        kind=DocumentKind.NOTAT,
        title="Notat fra mødet",
        template_name="documents/example.html",
        context=sample_context(),
        created_by=cast.psychologist,
        status=status,
    )


# --- Download ----------------------------------------------------------------------------


def test_download_is_an_attachment_with_nosniff_and_no_store(
    document: Document, client_as: Any, cast: Any
) -> None:
    response = client_as(cast.school_leader).get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        'filename="ppv-for-' in response["Content-Disposition"]
        or "filename*=" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert len(body) == document.file.size


def test_each_download_writes_one_print_audit_row_with_the_child(
    document: Document, client_as: Any, cast: Any
) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.PRINT).count()
    response = client_as(cast.school_leader).get(download_url(document))
    b"".join(response.streaming_content)
    events = AuditEvent.objects.filter(action=AuditAction.PRINT)
    assert events.count() == before + 1
    event = events.latest("id")
    assert event.actor == cast.school_leader
    assert event.child_id == CHILD_ID
    assert event.institution_id == cast.school.pk
    assert event.purpose == "udskrift"
    assert event.object_id == str(document.pk)


def test_a_user_the_subject_refuses_gets_404_and_the_refusal_is_audited(
    document: Document, client_as: Any, cast: Any
) -> None:
    response = client_as(cast.other_leader).get(download_url(document))
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action=AuditAction.PRINT).latest("id")
    assert event.actor == cast.other_leader
    assert event.purpose == "udskrift afvist"
    assert event.child_id == CHILD_ID


def test_a_subject_without_can_download_refuses_everyone(
    order_pdf: Any, client_as: Any, cast: Any
) -> None:
    document = order_pdf()  # Institution has no can_download without the ``allowed`` fixture
    assert document.status == DocumentStatus.READY
    for user in (cast.psychologist, cast.ppr_leader, cast.administrator):
        assert client_as(user).get(download_url(document)).status_code == 404
        assert client_as(user).get(status_url(document)).status_code == 404


def test_anonymous_download_goes_to_the_login_page(document: Document, client_as: Any) -> None:
    response = client_as(None).get(download_url(document))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_document_that_does_not_exist_is_404(client_as: Any, cast: Any) -> None:
    response = client_as(cast.psychologist).get(
        reverse("documents:document-download", args=[999999])
    )
    assert response.status_code == 404


def test_downloading_a_pdf_that_is_not_ready_shows_its_status(
    allowed: set[int], client_as: Any, cast: Any
) -> None:
    allowed.add(cast.psychologist.pk)
    document = waiting(cast)
    response = client_as(cast.psychologist).get(download_url(document))
    assert response.status_code == 302
    assert response["Location"] == status_url(document)
    assert not AuditEvent.objects.filter(action=AuditAction.PRINT).exists()


# --- Status ------------------------------------------------------------------------------


def test_status_page_offers_the_download_when_ready(
    document: Document, client_as: Any, cast: Any
) -> None:
    response = client_as(cast.school_leader).get(status_url(document))
    assert response.status_code == 200
    html = response.content.decode()
    assert download_url(document) in html
    assert 'hx-trigger="every 2s"' not in html
    assert "<h1>" in html  # a full page without JavaScript


def test_status_polls_every_two_seconds_while_rendering(
    allowed: set[int], client_as: Any, cast: Any
) -> None:
    allowed.add(cast.psychologist.pk)
    document = waiting(cast, DocumentStatus.RENDERING)
    html = client_as(cast.psychologist).get(status_url(document)).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{status_url(document)}"' in html
    assert "X-PPR-Poll" in html  # a poll does not count as activity for the idle timeout
    assert download_url(document) not in html


def test_a_poll_while_rendering_answers_the_fragment_and_keeps_polling(
    allowed: set[int], client_as: Any, cast: Any
) -> None:
    allowed.add(cast.psychologist.pk)
    document = waiting(cast)
    response = client_as(cast.psychologist).get(
        status_url(document), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "dannes" in html
    assert "<h1>" not in html


def test_a_poll_once_ready_stops_polling_and_offers_the_download(
    document: Document, client_as: Any, cast: Any
) -> None:
    response = client_as(cast.psychologist).get(
        status_url(document), headers={"HX-Request": "true"}
    )
    assert response.status_code == 286  # htmx: stop polling
    assert download_url(document) in response.content.decode()


def test_status_of_another_childs_document_is_404(
    document: Document, client_as: Any, cast: Any
) -> None:
    assert client_as(cast.other_leader).get(status_url(document)).status_code == 404
    assert client_as(cast.outsider).get(status_url(document)).status_code == 404


def test_a_failed_render_offers_try_again_to_the_one_who_ordered_it(
    allowed: set[int], client_as: Any, cast: Any
) -> None:
    allowed.update({cast.psychologist.pk, cast.school_leader.pk})
    document = waiting(cast, DocumentStatus.FAILED)
    html = client_as(cast.psychologist).get(status_url(document)).content.decode()
    assert "kunne ikke dannes" in html
    assert retry_url(document) in html
    html = client_as(cast.school_leader).get(status_url(document)).content.decode()
    assert "kunne ikke dannes" in html
    assert retry_url(document) not in html


# --- Try again ---------------------------------------------------------------------------


def test_trying_again_renders_the_document(
    allowed: set[int],
    client_as: Any,
    cast: Any,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    allowed.add(cast.psychologist.pk)
    document = waiting(cast, DocumentStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(cast.psychologist).post(retry_url(document))
    assert response.status_code == 302
    assert response["Location"] == status_url(document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY


def test_trying_again_over_htmx_answers_the_status_box(
    allowed: set[int], client_as: Any, cast: Any
) -> None:
    allowed.add(cast.psychologist.pk)
    document = waiting(cast, DocumentStatus.FAILED)
    response = client_as(cast.psychologist).post(
        retry_url(document), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'id="document-status-{document.pk}"' in response.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


def test_someone_else_allowed_to_read_may_not_try_again(
    allowed: set[int], client_as: Any, cast: Any
) -> None:
    allowed.update({cast.psychologist.pk, cast.school_leader.pk})
    document = waiting(cast, DocumentStatus.FAILED)
    assert client_as(cast.school_leader).post(retry_url(document)).status_code == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED


def test_trying_again_on_another_childs_document_is_404(
    allowed: set[int], client_as: Any, cast: Any
) -> None:
    document = waiting(cast, DocumentStatus.FAILED)
    assert client_as(cast.outsider).post(retry_url(document)).status_code == 404


def test_trying_again_needs_a_post(allowed: set[int], client_as: Any, cast: Any) -> None:
    allowed.add(cast.psychologist.pk)
    document = waiting(cast, DocumentStatus.FAILED)
    assert client_as(cast.psychologist).get(retry_url(document)).status_code == 405


# --- visible_to --------------------------------------------------------------------------


def test_visible_to_asks_each_subject(allowed: set[int], cast: Any) -> None:
    allowed.add(cast.psychologist.pk)
    document = waiting(cast)
    assert list(Document.objects.for_subject(cast.school).visible_to(cast.psychologist)) == [
        document
    ]
    assert list(Document.objects.for_subject(cast.school).visible_to(cast.outsider)) == []


def test_visible_to_is_empty_when_the_subject_has_no_rule(cast: Any) -> None:
    waiting(cast)
    assert list(Document.objects.all().visible_to(cast.psychologist)) == []


@pytest.mark.parametrize(
    ("title", "version", "filename"),
    [
        ("PPV sag 2026-00018, version 1", 1, "ppv-sag-2026-00018-version-1.pdf"),
        ("PPV sag 2026-00018, version 2", 2, "ppv-sag-2026-00018-version-2.pdf"),
        ("Notat fra mødet", 1, "notat-fra-mødet-v1.pdf"),
        ("Udviklingsplanen, status", 3, "udviklingsplanen-status-v3.pdf"),
        ("", 1, "dokument-v1.pdf"),
    ],
)
def test_the_file_name_says_the_version_once(title: str, version: int, filename: str) -> None:
    assert Document(title=title, version=version).filename == filename


def test_a_ppv_download_is_named_by_its_title_without_repeating_the_version(
    document: Document, client_as: Any, cast: Any
) -> None:
    document.title = "PPV sag 2026-00018, version 1"
    document.save(update_fields=["title"])
    response = client_as(cast.school_leader).get(download_url(document))
    response.close()  # the file stays unread
    assert 'filename="ppv-sag-2026-00018-version-1.pdf"' in response["Content-Disposition"]
