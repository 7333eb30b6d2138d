"""Fixtures for the documents app: private storage in a temp dir, tasks in-process, a subject.

The documents app lets the subject decide access (``can_download``). No domain model is
imported here (ppr/ must not depend on the domain apps), so the tests use an Institution as
the subject and give its class ``can_download`` / ``audit_child_id`` for the test's duration.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ppr.celery import app as celery_app
from ppr.documents import services
from ppr.documents.models import Document, DocumentKind
from ppr.organisation.models import Institution

CHILD_ID = 4242


def sample_context(**overrides: Any) -> dict[str, Any]:
    """A small document with Danish letters, several headings and a masked CPR."""
    context: dict[str, Any] = {
        "title": "Pædagogisk psykologisk vurdering",
        "subject_line": "Åse Ørsted Kjær · 010203-xxxx",
        "lead": "Vurdering af Åses trivsel og læring i skolen.",
        "facts": [["Barn", "Åse Ørsted Kjær"], ["CPR-nummer", "010203-xxxx"]],
        "sections": [
            {
                "heading": "Barnets perspektiv",
                "paragraphs": ["Åse fortæller, at hun bedst kan lide frikvartererne. " * 30] * 4,
                "subsections": [
                    {"heading": "Samtale på skolen", "paragraphs": ["Kort og godt. " * 40]}
                ],
            },
            {"heading": "Forældrenes perspektiv", "paragraphs": ["Mor og far er enige. " * 60] * 4},
            {
                "heading": "Sammenfatning og vurdering",
                "paragraphs": ["Støtten bør samles. " * 60] * 3,
            },
        ],
        "signature": {"name": "Maja Løvstrøm", "title": "Psykolog", "date": "14. marts 2026"},
    }
    context.update(overrides)
    return context


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Any) -> Any:
    """Documents land in a throwaway private directory, never in the checkout."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def eager() -> Iterator[None]:
    """Run Celery tasks in-process even when REDIS_URL is set (CI's first run)."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def allowed(monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """Make Institution a document subject: users whose id is in the returned set may download."""
    user_ids: set[int] = set()

    def can_download(self: Institution, user: Any) -> bool:
        return user.pk in user_ids

    monkeypatch.setattr(Institution, "can_download", can_download, raising=False)
    monkeypatch.setattr(
        Institution, "audit_child_id", property(lambda self: CHILD_ID), raising=False
    )
    monkeypatch.setattr(
        Institution, "audit_institution_id", property(lambda self: self.pk), raising=False
    )
    return user_ids


@pytest.fixture
def order_pdf(
    django_capture_on_commit_callbacks: Callable[..., Any], eager: None, cast: Any
) -> Callable[..., Document]:
    """Order a PDF of the cast's school as the psychologist and run the queued render."""

    def order(**overrides: Any) -> Document:
        arguments: dict[str, Any] = {
            "subject": cast.school,
            "kind": DocumentKind.PPV,
            "title": "PPV for Åse",
            "template_name": "documents/example.html",
            "context": sample_context(),
            "by": cast.psychologist,
        } | overrides
        with django_capture_on_commit_callbacks(execute=True):
            document = services.request_pdf(**arguments)
        document.refresh_from_db()
        return document

    return order
