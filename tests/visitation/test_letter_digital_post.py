"""The decision letter to the custody holders by Digital Post (issue 22): a legal notification
per custody holder with a stored CPR number, sent once however often the form is submitted,
waiting (not failing) until the letter's PDF is rendered; its status on the send page."""

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from ppr.celery import app as celery_app
from ppr.digitalpost import memo, tasks, transports
from ppr.digitalpost.models import DigitalPostMessage, MessageStatus
from ppr.documents.models import DocumentStatus
from ppr.documents.tasks import render_document
from tests.cases.factories import GuardianFactory
from visitation import services
from visitation.models import DecisionDispatch

from .factories import decision

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


def test_the_letter_goes_once_by_digital_post_as_a_legal_notification(
    cast: Any, client_as: Any, mailbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        granted = decision(cast)
    child = granted.application.child
    mother = GuardianFactory(child=child, name="Birgit Ærø", relation="mor")
    mother.set_cpr("0101804321")
    mother.save()
    father = GuardianFactory(child=child, name="Søren Ærø", relation="far")
    client = client_as(cast.ppr_leader)
    url = reverse("visitation:letter-send", args=[granted.pk])
    page = client.get(url).content.decode()
    assert "Birgit Ærø (Mor) – sendes med Digital Post" in page
    assert "Søren Ærø (Far) – intet CPR-nummer registreret" in page
    data = {"batch": str(uuid.uuid4()), "guardians": [mother.pk, father.pk]}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, data).status_code == 302
    message = DigitalPostMessage.objects.get()
    assert DecisionDispatch.objects.get(guardian=mother).digital_post == message
    assert DecisionDispatch.objects.get(guardian=father).digital_post is None
    assert message.status == MessageStatus.DELIVERED and message.legal_notification
    xml = transports.LocalTransport(mailbox).kept(message.pk)
    assert xml is not None
    root = memo.validate(xml)
    assert root.findtext("memo:MessageHeader/memo:legalNotification", namespaces=NS) == "true"
    page = client.get(url).content.decode()
    assert "Sendt med Digital Post: leveret" in page and "Med almindelig post." in page


def test_a_letter_not_yet_rendered_waits_and_is_sent_when_it_is(
    cast: Any, mailbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    granted = decision(cast)  # its PDF ordered, not rendered (the task has not run)
    guardian = GuardianFactory(child=granted.application.child, name="Birgit Ærø", relation="mor")
    guardian.set_cpr("0101804321")
    guardian.save()
    letter = services.letter(granted)
    assert letter is not None and letter.status == DocumentStatus.PENDING
    with django_capture_on_commit_callbacks(execute=False):
        services.send_letter(granted, by=cast.ppr_leader, guardians=[guardian], batch=uuid.uuid4())
    message = DigitalPostMessage.objects.get()
    tasks.enqueue(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.last_error == "PDF'en er ikke dannet endnu."
    render_document.delay(letter.pk)
    tasks.enqueue(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
