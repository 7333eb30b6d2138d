"""The art. 15 export: a zip with a PDF to read, JSON for machines, the access log without
employee names and the stored files; built by a Celery task whose progress the page polls."""

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Child, JournalRevision
from ppr.audit.models import AuditAction, AuditEvent
from rights.models import AccessExport
from tests.cases.factories import (
    EarlyObservationFactory,
    GuardianFactory,
    JournalEntryFactory,
    RulerRatingFactory,
)
from tests.documents.pdf import page_texts
from tests.indsatser.factories import child_course
from tests.meetings.factories import AgendaItemFactory
from tests.visitation.factories import decision

pytestmark = pytest.mark.django_db

#: The record types the issue lists, by their JSON key and their PDF heading.
RECORD_TYPES = {
    "child": "Barnet",
    "guardians": "Forældre og værger",
    "referrals": "Indstillinger",
    "journal": "Journal",
    "journal_revisions": "Journalens rettelser",
    "ratings": "Børnelineal",
    "observations": "Tidlig opsporing",
    "ppvs": "Pædagogisk psykologiske vurderinger (PPV)",
    "decisions": "Afgørelser",
    "meetings": "Møder hvor barnet er nævnt",
    "meeting_items": "Punkter om barnet på koordinationsmøder",
    "courses": "Indsatser (forløb)",
    "absence": "Fraværssager",
    "documents": "Dokumenter",
    "access_log": "Adgangslog",
}


@pytest.fixture
def child(cast: Any, settings: Any, tmp_path: Path) -> Child:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    granted = decision(cast)
    case = granted.application.case
    entry = JournalEntryFactory(case=case, author=cast.psychologist, text="Første udgave.")
    JournalRevision.objects.create(
        entry=entry,
        version=1,
        text="Endnu ældre udgave.",
        corrected_by=cast.psychologist,
        reason="Stavefejl",
    )
    RulerRatingFactory(child=case.child, rater=cast.psychologist)
    EarlyObservationFactory(child=case.child, recorded_by=cast.teacher)
    GuardianFactory(child=case.child, name="Mor Testesen")
    AgendaItemFactory(child=case.child, submitted_by=cast.psychologist)
    child_course(case=case, responsible=cast.psychologist)
    return case.child


def build(client: Client, child: Child, capture: Any) -> AccessExport:
    with capture(execute=True):
        response = client.post(
            reverse("rights:export-create", args=[child.pk]), {"purpose": "anmodning fra mor"}
        )
    assert response.status_code == 302
    return AccessExport.objects.get()


def test_the_export_holds_every_record_type_in_json_and_pdf(
    cast, client_as, child, django_capture_on_commit_callbacks
) -> None:
    leader = client_as(cast.ppr_leader)
    leader.get(reverse("cases:child-detail", args=[child.pk]))  # a read for the access log
    export = build(leader, child, django_capture_on_commit_callbacks)
    assert export.status == "ready" and export.progress == 100
    assert export.size_bytes and export.seconds is not None

    status = leader.get(reverse("rights:export-status", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert status.status_code == 286  # htmx stops polling
    download = leader.get(reverse("rights:export-download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = set(archive.namelist())
    assert {"indsigt.pdf", "indsigt.json", "adgangslog.csv"} <= names

    data = json.loads(archive.read("indsigt.json"))
    for key in RECORD_TYPES:
        assert key in data, key
    for key in (
        "guardians",
        "referrals",
        "journal",
        "journal_revisions",
        "ratings",
        "observations",
        "ppvs",
        "decisions",
        "meeting_items",
        "courses",
        "documents",
        "access_log",
    ):
        assert data[key], f"{key} is empty"
    assert data["child"]["cpr_masked"] == child.cpr_masked
    assert "cpr_encrypted" not in data["child"] and "cpr_hash" not in data["child"]
    assert data["journal_revisions"][0]["text"] == "Endnu ældre udgave."

    text = " ".join(page_texts(archive.read("indsigt.pdf")))
    for heading in RECORD_TYPES.values():
        assert heading in text, heading
    assert "Endnu ældre udgave." in text

    csv_text = archive.read("adgangslog.csv").decode("utf-8-sig")
    assert csv_text.startswith("Tidspunkt;Handling;Formål;Oplysning")
    for name in (cast.ppr_leader.last_name, cast.psychologist.last_name):
        assert name not in csv_text
    purposes = set(AuditEvent.objects.filter(child_id=child.pk).values_list("action", "purpose"))
    assert (AuditAction.EXPORT, "indsigt (GDPR art. 15): anmodning fra mor") in purposes
    assert (AuditAction.PRINT, "indsigt (GDPR art. 15): anmodning fra mor") in purposes


def test_only_the_leader_orders_and_a_bad_purpose_saves_nothing(cast, client_as, child) -> None:
    url = reverse("rights:export-create", args=[child.pk])
    for user in (cast.psychologist, cast.secretary, cast.school_leader, cast.administrator):
        assert client_as(user).post(url, {"purpose": "x"}).status_code == 403
    refused = client_as(cast.ppr_leader).post(url, {"purpose": ""})
    assert refused.status_code == 422
    assert "Skriv formålet" in refused.content.decode()
    assert not AccessExport.objects.exists()


def test_a_double_submit_orders_one_export(cast, client_as, child) -> None:
    leader = client_as(cast.ppr_leader)
    url = reverse("rights:export-create", args=[child.pk])
    first = leader.post(url, {"purpose": "anmodning"})
    second = leader.post(url, {"purpose": "anmodning"})
    assert first["Location"] == second["Location"]
    assert AccessExport.objects.count() == 1
    page = leader.get(first["Location"]).content.decode()
    assert "hx-get" in page and "progress" in page  # polls while it is built
