"""The life cycle's hold "afventer arkivets kvittering": a closed case the archive must keep is
deleted only after the archive has receipted a delivery holding it."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from archive import services
from archive.models import DeliveredCase, Delivery, DeliveryStatus, Receipt, Rejection
from cases.models import Case, CaseStatus
from lifecycle import jobs, registry
from lifecycle.models import DeletionLogEntry, DueItem, DueItemState, DueList, DueListStatus
from lifecycle.record_types import CLOSED_CASE
from tests.cases.factories import CaseFactory, ChildFactory

pytestmark = pytest.mark.django_db

CLOSED = datetime(2020, 3, 10, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 1, 5, 12, tzinfo=UTC)


def closed_case(cast: Any) -> Case:
    return CaseFactory(
        child=ChildFactory(institution=cast.school),
        assigned=cast.psychologist,
        team=cast.team_vest,
        status=CaseStatus.CLOSED,
        closed_at=CLOSED,
        outcome="afsluttet_uden_videre",
    )


def delivered(case: Case) -> Delivery:
    delivery = Delivery.objects.create(
        av_id="AVID.KOM.1000", status=DeliveryStatus.DELIVERED, folder="/tmp/levering"
    )
    DeliveredCase.objects.create(delivery=delivery, case=case, case_ref=case.pk)
    return delivery


def run_deletion() -> DueList:
    with time_machine.travel(LATER, tick=False):
        due_list = jobs.list_due()
        DueList.objects.filter(pk=due_list.pk).update(status=DueListStatus.APPROVED)
        due_list.refresh_from_db()
        jobs.delete_approved(due_list=due_list)
    return due_list


def test_the_hold_is_registered() -> None:
    assert registry.HOLDS["archive_receipt"].label == "Afventer arkivets kvittering"


def test_a_case_not_yet_delivered_waits(cast) -> None:
    case = closed_case(cast)
    run_deletion()
    assert Case.objects.filter(pk=case.pk).exists()
    item = DueItem.objects.get(record_type=CLOSED_CASE, object_id=case.pk)
    assert item.state == DueItemState.HELD
    assert not DeletionLogEntry.objects.filter(object_id=case.pk).exists()


def test_a_delivered_case_waits_for_the_receipt_and_then_goes(cast) -> None:
    case = closed_case(cast)
    delivery = delivered(case)
    run_deletion()
    assert Case.objects.get(pk=case.pk).child.first_name != "Slettet"

    services.record_receipt(
        delivery=delivery,
        archive_reference="SA 2026-7",
        received_on=date(2026, 1, 4),
        note="",
        by=cast.ppr_leader,
    )
    run_deletion()
    assert DeletionLogEntry.objects.filter(record_type=CLOSED_CASE, object_id=case.pk).exists()
    row = DeliveredCase.objects.get(delivery=delivery)
    assert row.case_ref == case.pk  # the delivery's history outlives the case


def test_no_hold_when_the_archive_keeps_no_cases(cast, settings) -> None:
    settings.PPR_ARCHIVE_KEEP_CASES = False
    case = closed_case(cast)
    run_deletion()
    assert DeletionLogEntry.objects.filter(record_type=CLOSED_CASE, object_id=case.pk).exists()


def test_a_rejected_delivery_keeps_its_cases_held_until_it_is_delivered_again_and_approved(
    cast, client_as, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    """The archive rejects the delivery with a reason: the case stays held, the leader sees the
    rejection and delivers again; the archive approves the new delivery and the case goes."""
    settings.PPR_ARCHIVE_DIR = str(tmp_path / "arkiv")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "storage")},
        },
    }
    case = closed_case(cast)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.order_delivery(case_ids=[case.pk], by=cast.ppr_leader)
    assert delivery is not None
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    leader = client_as(cast.ppr_leader)
    receipt_url = reverse("archive:receipt", args=[delivery.pk])
    detail_url = reverse("archive:detail", args=[delivery.pk])

    # A rejection without its reason is refused in Danish.
    refused = leader.post(
        receipt_url,
        {"outcome": "afvist", "archive_reference": "SA 2026-9", "received_on": "2026-01-02"},
    )
    assert refused.status_code == 422
    assert "Skriv arkivets begrundelse for afvisningen." in refused.content.decode()
    assert not Rejection.objects.exists()

    rejection = {
        "outcome": "afvist",
        "archive_reference": "SA 2026-9",
        "received_on": "2026-01-02",
        "reason": "Tabel 3 validerer ikke mod sit skema.",
    }
    for _ in range(2):  # a double submit records one rejection
        assert leader.post(receipt_url, rejection).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REJECTED
    assert Rejection.objects.get().reason == "Tabel 3 validerer ikke mod sit skema."
    assert not Receipt.objects.exists()

    # Held: the rejection approves nothing.
    run_deletion()
    assert Case.objects.get(pk=case.pk).child.first_name != "Slettet"
    item = DueItem.objects.filter(record_type=CLOSED_CASE, object_id=case.pk).latest("pk")
    assert item.state == DueItemState.HELD
    assert not DeletionLogEntry.objects.filter(object_id=case.pk).exists()

    # The leader sees the rejection and its reason, on the list and the delivery's page.
    listing = leader.get(reverse("archive:list")).content.decode()
    assert "Afvist af arkivet" in listing
    page = leader.get(detail_url).content.decode()
    assert "Tabel 3 validerer ikke mod sit skema." in page and "Aflever igen" in page
    # No new receipt is taken before it is delivered again.
    assert leader.post(receipt_url, {**rejection, "archive_reference": "SA 2"}).status_code == 422

    # Delivered again (twice clicked: one build), then approved: the case goes.
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert leader.post(reverse("archive:retry", args=[delivery.pk])).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert Rejection.objects.get().redelivered_at is not None
    assert "afleveret igen" in leader.get(detail_url).content.decode()
    approved = {"archive_reference": "SA 2026-10", "received_on": "2026-01-04", "note": ""}
    assert leader.post(receipt_url, approved).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RECEIVED
    run_deletion()
    assert DeletionLogEntry.objects.filter(record_type=CLOSED_CASE, object_id=case.pk).exists()
