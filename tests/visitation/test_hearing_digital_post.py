"""The partshøring to the custody holders by Digital Post (issue 22): its letter rendered as a
PDF in Celery, one legal notification per custody holder with a stored CPR number, sent once
however often the form is submitted; the one without a CPR number gets it by letter, which the
agenda entry's page says in Danish beside the Digital Post status of the others."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from ppr.celery import app as celery_app
from ppr.digitalpost import memo, transports
from ppr.digitalpost.models import DigitalPostMessage, MessageStatus
from ppr.documents.models import DocumentStatus
from tests.cases.factories import GuardianFactory
from visitation import services
from visitation.models import Committee, Hearing

from .factories import submitted_application

pytestmark = pytest.mark.django_db
NS = {"memo": memo.NAMESPACE}
MATERIAL = "PPV og ansøgning.\n\nUdvalget forventer at afslå ansøgningen."


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


def refused_entry(cast: Any) -> Any:
    application = submitted_application(cast)
    committee = services.save_committee(
        committee=Committee(name="Visitationsudvalget"), by=cast.ppr_leader
    )
    meeting = services.plan_meeting(
        committee=committee, held_on=date.today(), place="Rådhuset", by=cast.ppr_leader
    )
    entry = services.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    services.recommend(
        entry=entry, recommendation="afslaa", offer=None, note="Almen støtte.", by=cast.ppr_leader
    )
    return entry


def test_the_hearing_goes_once_by_digital_post_and_by_letter_to_one_without_cpr(
    cast: Any, client_as: Any, mailbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    entry = refused_entry(cast)
    child = entry.application.child
    mother = GuardianFactory(child=child, name="Birgit Ærø", relation="mor")
    mother.set_cpr("0101804321")
    mother.save()
    GuardianFactory(child=child, name="Søren Ærø", relation="far")
    GuardianFactory(child=child, name="Anne Ærø", relation="mor", has_custody=False).set_cpr(
        "0202804321"
    )
    client = client_as(cast.ppr_leader)
    start = reverse("visitation:hearing-start", args=[entry.pk])
    for _ in range(2):  # a double submit is one hearing and one message
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(start, {"material": MATERIAL}).status_code == 302

    hearing = Hearing.objects.get()
    assert hearing.letter is not None and hearing.letter.status == DocumentStatus.READY
    with hearing.letter.file.open("rb") as pdf:
        assert pdf.read().startswith(b"%PDF")
    message = DigitalPostMessage.objects.get()
    assert message.recipient == mother and message.document == hearing.letter
    assert message.status == MessageStatus.DELIVERED and message.legal_notification
    assert message.title == services.HEARING_TITLE
    xml = transports.LocalTransport(mailbox).kept(message.pk)
    assert xml is not None
    root = memo.validate(xml)
    assert root.findtext("memo:MessageHeader/memo:legalNotification", namespaces=NS) == "true"
    assert root.findtext(".//memo:Recipient/memo:recipientID", namespaces=NS) == "0101804321"
    assert (
        root.findtext(".//memo:CaseID/memo:caseID", namespaces=NS)
        == entry.application.case.reference
    )

    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Birgit Ærø (Mor):" in page and "Sendt med Digital Post: leveret" in page
    assert "Søren Ærø (Far):" in page
    assert "Med almindelig post (intet CPR-nummer registreret" in page
    assert "Anne Ærø" not in page  # no custody: not a party


def test_without_digital_post_the_hearing_is_only_recorded(
    cast: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PPR_DIGITALPOST_TRANSPORT = "off"
    entry = refused_entry(cast)
    mother = GuardianFactory(child=entry.application.child, name="Birgit Ærø", relation="mor")
    mother.set_cpr("0101804321")
    mother.save()
    with django_capture_on_commit_callbacks(execute=True):
        hearing = services.start_hearing(
            application=entry.application, material=MATERIAL, by=cast.ppr_leader
        )
    assert hearing.letter is None
    assert not DigitalPostMessage.objects.exists()
    rows = services.hearing_post(hearing)
    assert (mother, None, "Med almindelig post.") in rows
    assert all(message is None and note == "Med almindelig post." for _g, message, note in rows)


def test_the_hearing_letter_carries_the_material_and_deadline_and_no_address(cast: Any) -> None:
    entry = refused_entry(cast)
    hearing = services.start_hearing(
        application=entry.application, material=MATERIAL, by=cast.ppr_leader
    )
    context = services.hearing_letter_context(hearing)
    assert context["material_paragraphs"] == [
        "PPV og ansøgning.",
        "Udvalget forventer at afslå ansøgningen.",
    ]
    assert context["deadline"] == f"{hearing.deadline:%d.%m.%Y}"
    child = entry.application.child
    assert child.cpr_masked in context["subject_line"]
    assert "adresse" not in str(context).lower()
    assert hearing.can_download(cast.ppr_leader) and not hearing.can_download(cast.teacher)
