"""The Sags- og Dokumentindeks (SF1470): metadata in after commit, erased items removed."""

import io
from datetime import timedelta
from typing import Any

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from cases.casework import esdh as case_esdh
from cases.casework.services import classify_case
from cases.models import Case
from lifecycle import erasure
from ppr.esdh import tasks
from ppr.esdh.models import Filing, IndexEntry, IndexState
from ppr.esdh.standin import StandIn

from .conftest import CPR


def test_off_by_default(case: Case, cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case.save()
    assert not IndexEntry.objects.exists()


def test_case_and_document_indexed_then_removed_when_erased(
    index_on: StandIn,
    esdh_on: StandIn,
    case: Case,
    make_document: Any,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case.save()
    entry = IndexEntry.objects.get(kind="sag")
    item = index_on.store.index[("sag", str(entry.pk))]
    assert item["brugervendtnoegle"] == case.reference
    assert item["kle"] == "17.13.00" and item["handlingsfacet"] == "G01"
    assert item["part"] == {"rolle": "primaer", "cpr": CPR}
    assert item["myndighed"] == "29189846" and item["tilstand"] == "aaben"
    assert entry.status == IndexState.INDEXED and entry.sent_version == 1

    # A change (the KLE classification) is a new version of the same item.
    with django_capture_on_commit_callbacks(execute=True):
        classify_case(case=case, by=cast.psychologist, kle_number="28.02.12", kle_facet="G01")
    entry.refresh_from_db()
    assert entry.version == entry.sent_version == 2
    assert index_on.store.index[("sag", str(entry.pk))]["kle"] == "28.02.12"

    document = make_document()
    with django_capture_on_commit_callbacks(execute=True):
        case_esdh.file_document(case, document, title="PPV, version 1", by=cast.psychologist)
    doc_entry = IndexEntry.objects.get(kind="dokument")
    doc_item = index_on.store.index[("dokument", str(doc_entry.pk))]
    assert doc_item["sag"] == str(entry.pk) and doc_item["titel"] == "PPV, version 1"
    assert Filing.objects.count() == 1

    # The life cycle erases the case: both items leave the index, nothing personal stays here.
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_cases([case.pk])
    assert index_on.store.index == {}
    assert ("delete", "sag", str(entry.pk)) in index_on.store.index_log
    assert ("delete", "dokument", str(doc_entry.pk)) in index_on.store.index_log
    for row in IndexEntry.objects.all():
        assert row.removed and row.status == IndexState.REMOVED
        assert row.metadata == {} and row.cpr_encrypted == ""
    assert not Filing.objects.exists()


def test_removal_retried_after_an_outage(
    index_on: StandIn,
    case: Case,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case.save()
    index_on.fail_next("/sf1470/", 503, times=tasks.MAX_RETRIES + 1)
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_cases([case.pk])
    entry = IndexEntry.objects.get()
    assert entry.status == IndexState.FAILED and "503" in entry.last_error
    assert len(index_on.store.index) == 1  # still there: the index was down
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert tasks.retry_unfinished() == 1
    entry.refresh_from_db()
    assert entry.status == IndexState.REMOVED
    assert index_on.store.index == {}


def test_a_document_needs_its_case_in_the_index(index_on: StandIn, case: Case) -> None:
    """The stand-in refuses a document whose case it has not got (structure validated)."""
    entry = IndexEntry.objects.create(
        kind="dokument",
        case_type=ContentType.objects.get_for_model(Case),
        case_id=case.pk,
        document_id=1,
        metadata={
            "titel": "PPV",
            "sag": "00000000-0000-0000-0000-000000000000",
            "kle": "17.13.00",
            "handlingsfacet": "G01",
            "oprettet": timezone.now().isoformat(),
        },
        cpr_encrypted=case.child.cpr_encrypted,
    )
    assert tasks.delivery.sync_index(entry.pk) == "rejected"
    entry.refresh_from_db()
    assert entry.status == IndexState.REJECTED
    assert "Dokumentets sag er ikke indekseret" in entry.last_error


def test_initial_load_sends_every_case_once(
    index_on: StandIn, case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sf1470_load", stdout=out)
    assert "1 sager sendt til indekset." in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sf1470_load", stdout=io.StringIO())
    assert [entry for entry in index_on.store.index_log if entry[1] == "sag"] == [
        ("put", "sag", str(IndexEntry.objects.get().pk))
    ]
