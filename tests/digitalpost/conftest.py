"""Fixtures for Digital Post: a throwaway mailbox folder and private storage, tasks in-process.

ppr/ imports no domain app, so these tests send a stored document to a cast member (any model
row can be a recipient); the domain's own tests (tests/cases, tests/visitation) send real
PPVs and decision letters to custody holders.
"""

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from ppr import crypto
from ppr.celery import app as celery_app
from ppr.documents.models import Document, DocumentKind, DocumentStatus

CPR = "1012620000"
PDF = b"%PDF-1.7\n% a tiny test document\n"


@pytest.fixture(autouse=True)
def mailbox(settings: Any, tmp_path: Path) -> Path:
    """Private storage and the Digital Post folder in a temp dir; the local transport."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.PPR_DIGITALPOST_TRANSPORT = "local"
    settings.PPR_DIGITALPOST_DIR = str(tmp_path / "digitalpost")
    settings.PPR_DIGITALPOST_SENDER_CVR = "12345678"
    settings.PPR_DIGITALPOST_SENDER_LABEL = "PPR, Demo Kommune"
    return tmp_path / "digitalpost"


@pytest.fixture
def eager() -> Iterator[None]:
    """Run Celery tasks in-process even when REDIS_URL is set (CI's first run)."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def ready_document(cast: Any) -> Document:
    """A rendered, stored PDF (its subject the cast's school)."""
    document = Document(
        kind=DocumentKind.PPV,
        content_type=ContentType.objects.get_for_model(cast.school),
        object_id=cast.school.pk,
        title="PPV for Åse – version 1",
        template_name="documents/example.html",
        created_by=cast.psychologist,
        status=DocumentStatus.READY,
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    document.file.save("test.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


@pytest.fixture
def encrypted_cpr() -> str:
    return crypto.encrypt(CPR)
