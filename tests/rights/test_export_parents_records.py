"""The art. 15 export holds what the parents' portal and the messages keep about the child:
the parents' perspective, their own referral, the message threads with their messages and
attachments (the files in the zip), and the Digital Post messages to the custody holders."""

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from messaging import services as messaging
from parents import involvement
from parents.models import PerspectiveInvitation
from rights import export
from tests.parents.portal_fixtures import PDF, build_family

pytestmark = pytest.mark.django_db


def test_the_parents_records_are_in_the_export(cast: Any, settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    family = build_family(cast)
    involvement.submit_parent_referral(
        guardian=family.pia,
        by=cast.parent,
        concern="Asta græder hver morgen.",
        strengths="Glad for musik.",
        child_perspective="Vil ikke i skole.",
        earlier_interventions="",
        requests=[],
        request_details="",
        client_token=uuid.uuid4(),
    )
    PerspectiveInvitation.objects.create(
        referral=family.referral,
        guardian=family.pia,
        invited_by=cast.school_leader,
        text="Vi ser en pige, der er træt.",
        answered_at=timezone.now(),
        answered_by=cast.parent,
    )
    messaging.start_thread(
        case=family.case,
        guardian=family.pia,
        by=cast.psychologist,
        subject="Møde om Asta",
        body="Kan I komme torsdag?",
        files=[SimpleUploadedFile("indkaldelse.pdf", PDF, content_type="application/pdf")],
    )

    data = export.collect(family.asta).as_json()

    assert data["perspectives"][0]["text"] == "Vi ser en pige, der er træt."
    assert data["parent_referrals"][0]["guardian"] == str(family.pia)
    assert data["message_threads"][0]["subject"] == "Møde om Asta"
    assert data["messages"][0]["body"] == "Kan I komme torsdag?"
    assert data["message_attachments"][0]["original_name"] == "indkaldelse.pdf"
    assert any(name.startswith("filer/message_attachments-") for name in data["files"])
    assert "digital_post" in data and "hearing_responses" in data
    assert all("client_token" not in row for row in data["parent_referrals"])
