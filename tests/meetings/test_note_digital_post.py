"""The final notat of a forum meeting about one child goes by Digital Post to the child's
custody holders with a stored CPR number (issue 22): once, however often it is finalised; the
one without a CPR number is shown on the notat's page with the Danish letter note."""

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from meetings import services
from ppr.celery import app as celery_app
from ppr.digitalpost import memo, transports
from ppr.digitalpost.models import DigitalPostMessage, MessageStatus
from ppr.documents.models import Document
from tests.cases.factories import GuardianFactory

from .test_notes import _write, booked  # noqa: F401

pytestmark = pytest.mark.django_db
NS = {"memo": memo.NAMESPACE}


@pytest.fixture(autouse=True)
def mailbox(settings: Any, tmp_path: Path) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.PPR_DIGITALPOST_TRANSPORT = "local"
    settings.PPR_DIGITALPOST_DIR = str(tmp_path / "digitalpost")
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield tmp_path / "digitalpost"
    conf.task_always_eager, conf.task_eager_propagates = saved


def test_the_final_notat_goes_once_to_the_custody_holder_with_a_cpr_number(
    cast: Any,
    booked: Any,  # noqa: F811
    client_as: Any,
    mailbox: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    meeting, case = booked
    mother = GuardianFactory(child=case.child, name="Birgit Ærø", relation="mor")
    mother.set_cpr("0101804321")
    mother.save()
    GuardianFactory(child=case.child, name="Søren Ærø", relation="far")
    note = _write(services.start_note(meeting=meeting, by=cast.psychologist), cast.psychologist)
    for _ in range(2):  # a double click: final once, one message
        with django_capture_on_commit_callbacks(execute=True):
            services.finalise_note(
                note=note, version=note.version, by=cast.psychologist, confirm_before_meeting=True
            )
    message = DigitalPostMessage.objects.get()
    assert message.recipient == mother and not message.legal_notification
    assert message.document == Document.objects.for_subject(note).get()
    assert message.status == MessageStatus.DELIVERED
    xml = transports.LocalTransport(mailbox).kept(message.pk)
    assert xml is not None
    root = memo.validate(xml)
    assert root.findtext(".//memo:CaseID/memo:caseID", namespaces=NS) == case.reference

    page = client_as(cast.psychologist).get(reverse("meetings:note-detail", args=[note.pk]))
    text = page.content.decode()
    assert "Birgit Ærø (Mor):" in text and "Sendt med Digital Post: leveret" in text
    assert "Søren Ærø (Far):" in text and "intet CPR-nummer registreret" in text
