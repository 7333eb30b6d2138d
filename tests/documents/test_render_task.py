"""Ordering a PDF, the render task's claim, idempotency, retries and failure."""

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ppr.audit.models import AuditAction, AuditEvent
from ppr.documents import jobs, rendering, services, tasks
from ppr.documents.models import Document, DocumentKind, DocumentStatus

from .conftest import CHILD_ID, sample_context
from .pdf import page_texts


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the renderer's calls (and still render for real)."""
    calls: list[str] = []
    real = rendering.render

    def counting(template_name: str, context: dict[str, Any]) -> rendering.RenderedPdf:
        calls.append(template_name)
        return real(template_name, context)

    monkeypatch.setattr(rendering, "render", counting)
    return calls


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_ordering_a_pdf_renders_it_after_commit_into_private_storage(
    order_pdf: Any, private_storage: Path, allowed: set[int]
) -> None:
    document = order_pdf()
    assert document.status == DocumentStatus.READY
    assert document.attempts == 1
    assert document.page_count and document.page_count >= 2
    assert document.rendered_at is not None
    path = Path(document.file.path)
    assert path.is_relative_to(private_storage)
    content = path.read_bytes()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert "Side 1 af" in page_texts(content)[0]
    # The file's name reveals neither the child nor the kind of document.
    assert "ppv" not in path.name.lower() and "åse" not in path.name.lower()


def test_ordering_writes_one_audit_row_naming_the_child(
    order_pdf: Any, allowed: set[int], cast: Any
) -> None:
    document = order_pdf()
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(document.pk))
    assert event.child_id == CHILD_ID
    assert event.actor == cast.psychologist


def test_nothing_is_rendered_before_the_transaction_commits(
    django_capture_on_commit_callbacks: Any, eager: None, cast: Any, renders: list[str]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.request_pdf(
            subject=cast.school,
            kind=DocumentKind.NOTAT,
            title="Notat",
            template_name="documents/example.html",
            context=sample_context(),
            by=cast.psychologist,
        )
    assert len(callbacks) == 1
    assert renders == []
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


def test_the_task_run_twice_renders_once_and_stores_one_file(
    order_pdf: Any, private_storage: Path, renders: list[str]
) -> None:
    document = order_pdf()
    assert tasks.render_document.apply(args=[document.pk]).get() == "skipped"
    assert renders == ["documents/example.html"]
    assert len(stored_files(private_storage)) == 1
    document.refresh_from_db()
    assert document.attempts == 1


def test_ordering_the_same_version_twice_gives_one_document_and_one_render(
    order_pdf: Any, private_storage: Path, renders: list[str]
) -> None:
    first = order_pdf()
    second = order_pdf(title="Et andet navn")
    assert first.pk == second.pk
    assert second.title == "PPV for Åse"
    assert renders == ["documents/example.html"]
    assert Document.objects.count() == 1
    assert len(stored_files(private_storage)) == 1


def test_a_new_version_is_a_new_document(order_pdf: Any) -> None:
    first = order_pdf()
    second = order_pdf(version=2)
    assert first.pk != second.pk
    assert list(Document.objects.for_subject(first.subject)) == [second, first]


def test_a_full_cpr_number_in_the_context_is_refused_and_nothing_is_saved(order_pdf: Any) -> None:
    with pytest.raises(services.UnsafeContextError, match="fuldt CPR-nummer"):
        order_pdf(context=sample_context(subject_line="Åse · 0102031234"))
    with pytest.raises(services.UnsafeContextError):
        order_pdf(context=sample_context(facts=[["CPR", "010203-1234"]]))
    assert Document.objects.count() == 0


def test_only_json_primitives_may_go_into_the_context(order_pdf: Any, cast: Any) -> None:
    with pytest.raises(services.UnsafeContextError, match="kun tekst"):
        order_pdf(context=sample_context(date=timezone.now()))
    with pytest.raises(services.UnsafeContextError):
        order_pdf(context=sample_context(school=cast.school))
    assert Document.objects.count() == 0


def test_a_template_that_does_not_exist_is_refused_when_ordering(order_pdf: Any) -> None:
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        order_pdf(template_name="documents/findes-ikke.html")
    assert Document.objects.count() == 0


def test_a_document_another_worker_is_rendering_is_left_alone(order_pdf: Any, cast: Any) -> None:
    document = Document.objects.create(
        subject=cast.school,
        kind=DocumentKind.PPV,
        title="PPV",
        template_name="documents/example.html",
        context=sample_context(),
        created_by=cast.psychologist,
        status=DocumentStatus.RENDERING,
        claimed_at=timezone.now() - timedelta(minutes=1),
    )
    assert jobs.render_document(document_id=document.pk) == "skipped"


def test_a_render_whose_worker_died_is_taken_over_after_the_lease(cast: Any) -> None:
    document = Document.objects.create(
        subject=cast.school,
        kind=DocumentKind.PPV,
        title="PPV",
        template_name="documents/example.html",
        context=sample_context(),
        created_by=cast.psychologist,
        status=DocumentStatus.RENDERING,
        claimed_at=timezone.now() - jobs.RENDER_LEASE - timedelta(seconds=1),
    )
    assert jobs.render_document(document_id=document.pk) == "ready"


def test_a_storage_error_is_retried_then_the_document_fails(
    order_pdf: Any, monkeypatch: pytest.MonkeyPatch, renders: list[str]
) -> None:
    from django.core.files.storage import FileSystemStorage

    def broken_save(*args: Any, **kwargs: Any) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "save", broken_save)
    document = order_pdf()
    assert document.status == DocumentStatus.FAILED
    assert document.attempts == tasks.MAX_RETRIES + 1
    assert len(renders) == tasks.MAX_RETRIES + 1
    assert document.error == "OSError"
    assert not document.file


def test_a_storage_error_that_passes_is_retried_into_a_ready_document(
    order_pdf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage.save
    failures = iter([OSError("busy")])

    def flaky_save(self: FileSystemStorage, *args: Any, **kwargs: Any) -> str:
        error = next(failures, None)
        if error:
            raise error
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", flaky_save)
    document = order_pdf()
    assert document.status == DocumentStatus.READY
    assert document.attempts == 2


def test_a_template_that_reaches_for_the_network_fails_at_once_without_retries(
    order_pdf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsafe(template_name: str, context: dict[str, Any]) -> rendering.RenderedPdf:
        return rendering.render_html(
            '<html><body><img src="http://example.com/x.png"></body></html>'
        )

    monkeypatch.setattr(rendering, "render", unsafe)
    document = order_pdf()
    assert document.status == DocumentStatus.FAILED
    assert document.attempts == 1
    assert "example.com" in document.error


def test_a_failed_document_can_be_tried_again(
    order_pdf: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    cast: Any,
) -> None:
    real = rendering.render
    monkeypatch.setattr(rendering, "render", lambda *args: (_ for _ in ()).throw(ValueError("bug")))
    document = order_pdf()
    assert document.status == DocumentStatus.FAILED
    assert document.error == "ValueError"

    monkeypatch.setattr(rendering, "render", real)
    with django_capture_on_commit_callbacks(execute=True):
        document = services.retry_pdf(document, by=cast.psychologist)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.error == ""


def test_trying_again_is_a_no_op_for_a_ready_document(
    order_pdf: Any, django_capture_on_commit_callbacks: Any, cast: Any, renders: list[str]
) -> None:
    document = order_pdf()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.retry_pdf(document, by=cast.psychologist)
    assert callbacks == []
    assert renders == ["documents/example.html"]


def test_the_render_task_is_routed_to_the_pdf_queue(settings: Any) -> None:
    assert settings.CELERY_TASK_ROUTES[tasks.render_document.name] == {"queue": "pdf"}


@pytest.fixture
def on_a_worker(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Call the task as a worker would (not eager), with ``retry`` recorded instead of queued."""
    from celery.exceptions import Retry

    retried: list[dict[str, Any]] = []

    def fake_retry(**kwargs: Any) -> Retry:
        retried.append(kwargs)
        return Retry("retry", when=kwargs.get("countdown"))

    monkeypatch.setattr(tasks.render_document, "retry", fake_retry)

    def run(document_id: int, retries: int) -> Any:
        tasks.render_document.push_request(retries=retries, is_eager=False)
        try:
            return tasks.render_document.run(document_id)
        finally:
            tasks.render_document.pop_request()

    run.retried = retried  # type: ignore[attr-defined]  # a test attribute on the local function
    return run


def pending_document(cast: Any) -> Document:
    return Document.objects.create(
        subject=cast.school,
        kind=DocumentKind.PPV,
        title="PPV",
        template_name="documents/example.html",
        context=sample_context(),
        created_by=cast.psychologist,
    )


def test_on_a_worker_a_transient_error_is_retried_later_and_the_document_waits_again(
    on_a_worker: Any, monkeypatch: pytest.MonkeyPatch, cast: Any
) -> None:
    from celery.exceptions import Retry
    from django.core.files.storage import FileSystemStorage

    monkeypatch.setattr(FileSystemStorage, "save", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    document = pending_document(cast)
    with pytest.raises(Retry):
        on_a_worker(document.pk, retries=1)
    assert on_a_worker.retried[0]["countdown"] == 10
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


def test_on_a_worker_the_last_try_marks_the_document_failed(
    on_a_worker: Any, monkeypatch: pytest.MonkeyPatch, cast: Any
) -> None:
    from django.core.files.storage import FileSystemStorage

    monkeypatch.setattr(FileSystemStorage, "save", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    document = pending_document(cast)
    assert on_a_worker(document.pk, retries=tasks.MAX_RETRIES) == "failed"
    assert on_a_worker.retried == []
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
