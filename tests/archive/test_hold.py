"""The life cycle's hold "afventer arkivets kvittering": a closed case the archive must keep is
deleted only after the archive has receipted a delivery holding it."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from archive import services
from archive.models import DeliveredCase, Delivery, DeliveryStatus
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
