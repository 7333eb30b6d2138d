"""The ESDH and SF1470 stand-in on 127.0.0.1, settings pointing at it, a case with a PDF."""

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from cases.models import Case
from ppr.documents.models import Document, DocumentKind, DocumentStatus
from ppr.esdh.standin import StandIn
from tests.cases.factories import CaseFactory, ChildFactory

CPR = "1012620000"
PDF = b"%PDF-1.7\n% a tiny test document\n"


@pytest.fixture
def standin() -> Iterator[StandIn]:
    server = StandIn().start()
    yield server
    server.stop()


@pytest.fixture
def esdh_on(settings: Any, standin: StandIn, tmp_path: Path) -> StandIn:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.PPR_ESDH_BACKEND = "sbsys"
    settings.PPR_ESDH_URL = standin.url
    settings.PPR_ESDH_TOKEN_URL = f"{standin.url}/token"
    settings.PPR_ESDH_CLIENT_ID = "ppr"
    settings.PPR_ESDH_CLIENT_SECRET = "hemmelig"
    settings.PPR_ESDH_USERNAME = "ppr-service"
    settings.PPR_ESDH_PASSWORD = "kodeord"
    settings.PPR_ESDH_TEMPLATE_ID = 42
    settings.PPR_ESDH_CASEWORKER_ID = 7
    return standin


@pytest.fixture
def index_on(settings: Any, standin: StandIn) -> StandIn:
    settings.PPR_SF1470_URL = f"{standin.url}/sf1470"
    settings.PPR_SF1470_CVR = "29189846"
    return standin


@pytest.fixture
def case(cast: Any) -> Case:
    child = ChildFactory(cpr=CPR, institution=cast.school)
    return CaseFactory(child=child, assigned=cast.psychologist, team=cast.team_vest)


@pytest.fixture
def make_document(case: Case, cast: Any) -> Callable[..., Document]:
    def make(version: int = 1, ready: bool = True) -> Document:
        document = Document(
            kind=DocumentKind.PPV,
            content_type=ContentType.objects.get_for_model(case),
            object_id=case.pk,
            version=version,
            title=f"PPV, version {version}",
            template_name="documents/example.html",
            created_by=cast.psychologist,
        )
        if ready:
            document.file.save("document.pdf", ContentFile(PDF), save=False)
            document.sha256 = hashlib.sha256(PDF).hexdigest()
            document.status = DocumentStatus.READY
        document.save()
        return document

    return make
