"""A child whose custody holders used the parents' portal is erased like any other: their own
referral (forældreindstilling), MitID consents, perspective, partshøring answers, secure
messages and the Digital Post letters to them go with the child's last case, files and all,
exactly on the rule's day and not a day before. The visitation's application, decision and
placement on the case stay as anonymous facts (the reports count them), without their texts,
letters or dispatches."""

import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.casework.services import close_case
from cases.models import (
    CaseOutcome,
    Child,
    Consent,
    ConsentScope,
    CustodyChange,
    CustodyChangeKind,
    Guardian,
    JournalEntry,
    Referral,
    ReferralStatus,
)
from lifecycle import jobs, services
from lifecycle.models import DeletionLogEntry, DueItemState
from lifecycle.record_types import CHILD, CLOSED_CASE
from lifecycle.registry import add_years
from messaging import services as messaging
from messaging.models import Message, MessageAttachment, Thread
from parents import consent as parent_consent
from parents import involvement
from parents.models import ParentReferral, PerspectiveInvitation
from ppr.celery import app as celery_app
from ppr.digitalpost.models import DigitalPostMessage
from ppr.documents.models import Document
from tests.parents.portal_fixtures import PDF, build_family, hearing_for
from tests.visitation.factories import decision as granted_decision
from visitation import placements
from visitation import services as visitation
from visitation.models import (
    Decision,
    DecisionDispatch,
    Hearing,
    HearingResponse,
    Placement,
    SupportApplication,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings: Any, tmp_path: Path) -> Path:
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
    yield tmp_path / "private"
    conf.task_always_eager, conf.task_eager_propagates = saved


def files_in(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def at_noon(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12))).astimezone(UTC)


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_child_with_the_parents_own_records_is_erased_on_the_day_with_its_files(
    cast: Any, storage: Path, django_capture_on_commit_callbacks: Any
) -> None:
    family = build_family(cast)
    child, pia, case = family.asta, family.pia, family.case
    with django_capture_on_commit_callbacks(execute=True):
        # The parent's own referral (with its MitID consent), taken onto the case.
        own = involvement.submit_parent_referral(
            guardian=pia,
            by=cast.parent,
            concern="Asta græder hver morgen.",
            strengths="Glad for musik.",
            child_perspective="Vil ikke i skole.",
            earlier_interventions="Samtaler med lærer.",
            requests=[],
            request_details="",
            client_token=uuid.uuid4(),
        )
        Referral.objects.filter(pk=own.pk).update(status=ReferralStatus.ACCEPTED, case=case)
        parent_consent.give_consent(
            guardian=pia,
            scope=ConsentScope.COURSE,
            meeting_name="",
            text=parent_consent.consent_text(ConsentScope.COURSE, child),
            by=cast.parent,
        )
        # The parents' perspective on the school's referral.
        PerspectiveInvitation.objects.create(
            referral=family.referral,
            guardian=pia,
            invited_by=cast.school_leader,
            text="Vi ser en pige, der er træt.",
            answered_at=timezone.now(),
            answered_by=cast.parent,
        )
        # Secure messages both ways, with attachments.
        thread = messaging.start_thread(
            case=case,
            guardian=pia,
            by=cast.psychologist,
            subject="Møde om Asta",
            body="Kan I komme torsdag?",
            files=[pdf("indkaldelse.pdf")],
        )
        messaging.send_message(
            thread=thread, by=cast.parent, body="Ja, vi kommer.", files=[pdf("svar.pdf")]
        )
        # A partshøring by Digital Post, answered in the portal with an attachment, then refused;
        # the refusal's letter sent to Pia by Digital Post.
        hearing = hearing_for(cast, child)
        visitation.answer_hearing(
            hearing=hearing,
            guardian=pia,
            text="Vi er uenige.",
            by=cast.parent,
            attachment=pdf("vores-svar.pdf"),
        )
        refused = visitation.decide(
            application=hearing.application,
            outcome="afslaaet",
            facts="Fakta.",
            assessment="Vurdering.",
            by=cast.ppr_leader,
        )
        visitation.send_letter(refused, by=cast.ppr_leader, guardians=[pia], batch=uuid.uuid4())
        # A granted application on the case, with the child placed.
        grant = granted_decision(cast, case)
        placement = placements.place(decision=grant, by=cast.ppr_leader)
        # A custody change the CPR register reported (it names the guardian).
        CustodyChange.objects.create(
            case=case,
            guardian=pia,
            guardian_name=pia.name,
            kind=CustodyChangeKind.GAINED,
            occurred_on=timezone.localdate(),
        )
        closed = close_case(case=case, by=cast.ppr_leader, outcome=CaseOutcome.BUP)

    hearing.refresh_from_db()
    guardian_type = ContentType.objects.get_for_model(Guardian)
    assert ParentReferral.objects.filter(guardian=pia).exists()
    assert Consent.objects.filter(guardian=pia).count() == 2
    assert HearingResponse.objects.filter(hearing=hearing).exclude(file="").exists()
    assert MessageAttachment.objects.filter(message__thread=thread).count() == 2
    assert hearing.letter is not None and hearing.letter.file
    assert (
        DigitalPostMessage.objects.filter(recipient_type=guardian_type, recipient_id=pia.pk).count()
        == 2
    )
    assert DecisionDispatch.objects.filter(decision=refused).exists()
    files_before = files_in(storage)
    assert len(files_before) >= 6

    assert closed.closed_at is not None
    due_on = add_years(timezone.localtime(closed.closed_at).date(), 5)
    case_ids = set(child.cases.values_list("pk", flat=True))
    with time_machine.travel(at_noon(due_on - timedelta(days=1)), tick=False):
        assert (
            not jobs.list_due()
            .items.filter(record_type=CLOSED_CASE, object_id__in=case_ids)
            .exists()
        )
    assert Child.objects.get(pk=child.pk).first_name == "Asta"

    with time_machine.travel(at_noon(due_on), tick=False):
        listed = jobs.list_due()
        items = listed.items.filter(record_type=CLOSED_CASE, object_id__in=case_ids)
        assert set(items.values_list("object_id", flat=True)) == case_ids
        assert set(items.values_list("state", flat=True)) == {DueItemState.PENDING}
        with django_capture_on_commit_callbacks(execute=True):
            services.approve(due_list=listed, by=cast.ppr_leader)

    assert DeletionLogEntry.objects.filter(record_type=CHILD, object_id=child.pk).exists()
    erased = Child.objects.get(pk=child.pk)
    assert (erased.first_name, erased.last_name) == ("Slettet", "barn")
    # The parents' records: gone.
    assert not Guardian.objects.filter(child=child).exists()
    assert not Consent.objects.filter(guardian__child=child).exists()
    assert not ParentReferral.objects.filter(referral__child=child).exists()
    assert not PerspectiveInvitation.objects.filter(referral__child=child).exists()
    assert not HearingResponse.objects.filter(hearing__application__child=child).exists()
    assert not Thread.objects.filter(case__child=child).exists()
    assert not Message.objects.filter(thread=thread.pk).exists()
    assert not DigitalPostMessage.objects.filter(
        recipient_type=guardian_type, recipient_id=pia.pk
    ).exists()
    assert not DecisionDispatch.objects.filter(decision__application__child=child).exists()
    assert not JournalEntry.objects.filter(case__child=child).exists()
    assert not CustodyChange.objects.filter(case__child=child).exists()
    for model, ids in (
        (Hearing, [hearing.pk]),
        (Decision, [refused.pk, grant.pk]),
        (Referral, [own.pk, family.referral.pk]),
    ):
        assert not Document.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=ids
        ).exists(), model
    # The statistics' facts stay, without their texts.
    kept = Referral.objects.get(pk=own.pk)
    assert kept.parent_request and kept.concern == "–"
    assert SupportApplication.objects.filter(child=child).count() == 2
    assert Decision.objects.get(pk=refused.pk).facts == "–"
    assert Placement.objects.filter(pk=placement.pk).exists()
    assert Hearing.objects.get(pk=hearing.pk).letter_id is None
    # Files: every one the child had is gone from storage (nobody else here has any).
    assert not files_in(storage) & files_before
