"""The decision letter: a PDF rendered in Celery like the PPV, with the reasons, the appeal
guidance, the child's masked CPR number (never the full one) and Danish letters intact;
printable by the leader of the child's institution and PPR, not by another school."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from ppr.documents.models import DocumentStatus
from tests.cases.ppv_fixtures import CPR, private_storage  # noqa: F401  (fixture)
from tests.documents.pdf import page_texts
from visitation import services

from .test_decision import ASSESSMENT, FACTS, _recommended

pytestmark = pytest.mark.django_db


def test_the_decision_letter_names_reasons_appeal_guidance_and_masked_cpr(
    cast,
    client_as,
    private_storage,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    application, chosen = _recommended(cast)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decide(
            application=application,
            outcome="bevilget",
            offer=chosen,
            starts_on=date.today() + timedelta(days=14),
            facts=FACTS,
            assessment=ASSESSMENT,
            by=cast.ppr_leader,
        )
    document = services.letter(decision)
    assert document is not None
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    url = reverse("documents:document-download", args=[document.pk])
    response = client_as(cast.school_leader).get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # read to the end, the response closes itself
    text = " ".join(" ".join(page_texts(content)).split())
    assert "Afgørelse om specialpædagogisk bistand" in text
    assert "Kastanjeklassen" in text
    assert "forvaltningslovens §§ 22–24" in text
    assert "Klagenævnet for Specialundervisning" in text and "4 uger" in text
    assert "140315-xxxx" in text
    assert CPR not in text.replace("-", "") and "Åse Ørsted Kjær" in text
    psychologist = client_as(cast.psychologist).get(url)
    assert psychologist.status_code == 200
    # Read, not closed by hand: closing a streamed test response again runs Django's
    # close_old_connections, which closes PostgreSQL's connection inside the test's transaction.
    assert b"".join(psychologist.streaming_content).startswith(b"%PDF")
    assert client_as(cast.other_leader).get(url).status_code == 404
    assert client_as(cast.teacher).get(url).status_code == 404


def test_the_school_leader_finds_the_letter_on_the_application(
    cast,
    client_as,
    private_storage,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    application, chosen = _recommended(cast)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decide(
            application=application,
            outcome="bevilget",
            offer=chosen,
            starts_on=date.today() + timedelta(days=14),
            facts=FACTS,
            assessment=ASSESSMENT,
            by=cast.ppr_leader,
        )
    letter = services.letter(decision)
    assert letter is not None
    page = client_as(cast.school_leader).get(application.get_absolute_url()).content.decode()
    assert "Afgørelsesbrev (PDF)" in page
    assert reverse("documents:document-status", args=[letter.pk]) in page
