"""Filing final documents and journal entries in the ESDH (SBSYS REST) through the stand-in."""

import json
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.casework import esdh as case_esdh
from cases.journal.services import add_journal_entry
from cases.models import Case, JournalKind
from ppr import crypto
from ppr.documents.models import Document
from ppr.esdh import delivery, tasks
from ppr.esdh.adapter import PermanentError
from ppr.esdh.models import CaseLink, Filing, FilingStatus
from ppr.esdh.sbsys import SbsysAdapter
from ppr.esdh.standin import StandIn

from .conftest import CPR, PDF


def file(case: Case, document: Document, by: Any, capture: Callable[..., Any]) -> Filing:
    with capture(execute=True):
        case_esdh.file_document(case, document, title=document.title, by=by)
    return Filing.objects.get(document=document)


def test_off_by_default_nothing_is_filed(case: Case, make_document: Any, cast: Any) -> None:
    case_esdh.file_document(case, make_document(), title="PPV", by=cast.psychologist)
    assert not Filing.objects.exists()


def test_document_filed_on_a_new_esdh_case_then_reused(
    esdh_on: StandIn,
    case: Case,
    make_document: Any,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = file(case, make_document(1), cast.psychologist, django_capture_on_commit_callbacks)
    second = file(case, make_document(2), cast.psychologist, django_capture_on_commit_callbacks)

    store = esdh_on.store
    assert len(store.cases) == 1  # created once, then found through the stored link
    (esdh_case,) = store.cases.values()
    assert esdh_case["PrimaryPart"]["CprNummer"] == "101262-0000"
    assert esdh_case["SkabelonId"] == 42
    assert esdh_case["SagsTitel"] == f"PPR-sag {case.reference}"
    assert [d["content"] for d in store.documents.values()] == [PDF, PDF]
    assert [d["Navn"] for d in store.documents.values()] == [
        f"PPV, version 1 (PPR-{first.pk})",
        f"PPV, version 2 (PPR-{second.pk})",
    ]
    for filing in (first, second):
        assert filing.status == FilingStatus.FILED
        assert filing.cpr_encrypted == ""  # done: the CPR number is not kept
        assert filing.esdh_case_number == esdh_case["Nummer"]
        assert filing.status_text.startswith("Journaliseret i ESDH på sag 17.13.00-G01-")
    assert CaseLink.objects.get().esdh_case_id == str(esdh_case["Id"])


def test_existing_esdh_case_with_the_kle_is_found(
    esdh_on: StandIn,
    case: Case,
    make_document: Any,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    esdh_on.store.cases[5] = {
        "Id": 5,
        "Nummer": "17.13.00-G01-3-25",
        "SagsTitel": "Ældre PPR-sag",
        "PrimaryPart": {"PartId": 9, "PartType": "Person", "CprNummer": "101262-0000"},
    }
    filing = file(case, make_document(), cast.psychologist, django_capture_on_commit_callbacks)
    assert filing.esdh_case_number == "17.13.00-G01-3-25"
    assert len(esdh_on.store.cases) == 1
    assert ("POST", "/api/v10/sag/template") not in esdh_on.store.requests


def test_a_503_is_retried_and_the_document_filed_once(
    esdh_on: StandIn,
    case: Case,
    make_document: Any,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    esdh_on.fail_next("/api/dokument/journaliser", 503, times=2)
    filing = file(case, make_document(), cast.psychologist, django_capture_on_commit_callbacks)
    assert filing.status == FilingStatus.FILED
    assert filing.attempts == 3
    assert len(esdh_on.store.documents) == 1


def test_a_long_outage_shows_retrying_and_the_periodic_job_finishes_it(
    esdh_on: StandIn,
    case: Case,
    make_document: Any,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
    client_as: Any,
) -> None:
    esdh_on.fail_next("/api/sag/search", 503, times=tasks.MAX_RETRIES + 1)
    filing = file(case, make_document(), cast.psychologist, django_capture_on_commit_callbacks)
    assert filing.status == FilingStatus.RETRYING
    assert "503" in filing.last_error
    assert filing.cpr_encrypted  # nothing lost: kept until filed

    page = client_as(cast.psychologist).get(case.get_absolute_url())
    assert "Journalisering i ESDH fejlet, prøver igen" in page.content.decode()

    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert tasks.retry_unfinished() == 1
    filing.refresh_from_db()
    assert filing.status == FilingStatus.FILED
    assert len(esdh_on.store.documents) == 1


def test_a_lost_answer_does_not_file_twice(
    esdh_on: StandIn,
    case: Case,
    make_document: Any,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The ESDH kept the document but its answer never came: the retry finds it by name."""
    document = make_document()
    filing = file(case, document, cast.psychologist, django_capture_on_commit_callbacks)
    Filing.objects.filter(pk=filing.pk).update(
        status=FilingStatus.RETRYING, attempts=1, cpr_encrypted=crypto.encrypt(CPR)
    )
    assert delivery.file(filing.pk) == "filed"
    assert len(esdh_on.store.documents) == 1


def test_a_refusal_is_shown_and_not_retried(
    esdh_on: StandIn,
    case: Case,
    make_document: Any,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
    client_as: Any,
) -> None:
    esdh_on.fail_next("/api/dokument/journaliser", 400, times=1)
    filing = file(case, make_document(), cast.psychologist, django_capture_on_commit_callbacks)
    assert filing.status == FilingStatus.REJECTED
    assert filing.attempts == 1
    assert filing.last_error.startswith("Afvist:")
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert tasks.retry_unfinished() == 0
    html = client_as(cast.psychologist).get(case.get_absolute_url()).content.decode()
    assert "Afvist af ESDH – kræver handling" in html
    assert "kontakt kommunens ESDH-ansvarlige" in html
    # The secretary, who may not read the journal, sees no filings.
    assert "ESDH" not in client_as(cast.secretary).get(case.get_absolute_url()).content.decode()


def test_a_document_waits_for_its_pdf(
    esdh_on: StandIn,
    case: Case,
    make_document: Any,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    filing = file(
        case, make_document(ready=False), cast.psychologist, django_capture_on_commit_callbacks
    )
    assert filing.status == FilingStatus.PENDING  # waiting is not a failure
    assert filing.last_error == "PDF'en er ikke dannet endnu."
    assert not esdh_on.store.documents


def test_journal_entries_by_configuration(
    esdh_on: StandIn,
    settings: Any,
    case: Case,
    cast: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        add_journal_entry(
            case=case,
            by=cast.psychologist,
            occurred_on=timezone.localdate(),
            kind=JournalKind.SAMTALE,
            text="Ikke journaliseret.",
        )
    assert not esdh_on.store.notes
    settings.PPR_ESDH_JOURNAL_ENTRIES = True
    with django_capture_on_commit_callbacks(execute=True):
        entry = add_journal_entry(
            case=case,
            by=cast.psychologist,
            occurred_on=timezone.localdate(),
            kind=JournalKind.SAMTALE,
            title="Samtale",
            text="Eleven <fortalte> om klassen.\nMor deltog.",
        )
    (note,) = esdh_on.store.notes.values()
    filing = Filing.objects.get(source_id=entry.pk)
    assert note["Overskrift"] == f"Samtale (PPR-{filing.pk})"
    assert note["Note"] == "<p>Eleven &lt;fortalte&gt; om klassen.</p><p>Mor deltog.</p>"
    assert filing.status == FilingStatus.FILED and filing.body == ""


def post(url: str, payload: object) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def test_the_standin_validates_structure(standin: StandIn) -> None:
    adapter = SbsysAdapter(
        base_url=standin.url,
        token_url=f"{standin.url}/token",
        client_id="ppr",
        client_secret="x",
        username="u",
        password="p",
        template_id=1,
        caseworker_id=1,
    )
    # No token: refused.
    assert post(f"{standin.url}/api/sag/search", {}) == 401
    # A CPR number without the dash, a case without a title, a document on no case: 400.
    with pytest.raises(PermanentError, match="400"):
        adapter._json("POST", "/api/sag/search", {"PrimaerPerson": {"CprNummer": CPR}})
    with pytest.raises(PermanentError, match="SagsTitel"):
        adapter.create_case(cpr=CPR, kle="17.13.00", facet="G01", title=" ")
    with pytest.raises(PermanentError, match="Sagen findes ikke"):
        adapter.add_document(case_id="999", name="PPV", filename="ppv.pdf", content=PDF)
    with pytest.raises(PermanentError, match="ikke en PDF"):
        created = adapter.create_case(cpr=CPR, kle="17.13.00", facet="G01", title="PPR-sag")
        adapter.add_document(case_id=created.id, name="PPV", filename="ppv.pdf", content=b"x")
    # SF1470: an item without its party or with a bad KLE number is refused.
    item = {"uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12, "type": "sag", "myndighed": "12345678"}
    assert post(f"{standin.url}/sf1470/sag/{item['uuid']}", item) == 400


def test_kle_form(case: Case, cast: Any, client_as: Any) -> None:
    url = reverse("cases:case-kle", kwargs={"pk": case.pk})
    client = client_as(cast.psychologist)
    assert case.kle_number == "17.13.00" and case.kle_facet == "G01"
    page = client.get(url)
    assert page.status_code == 200 and "Annuller" in page.content.decode()
    refused = client.post(url, {"kle_number": "17.13", "kle_facet": "g1"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "fx 17.13.00" in html and "fx G01" in html
    done = client.post(url, {"kle_number": "28.02.12", "kle_facet": "g01"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.kle_number, case.kle_facet) == ("28.02.12", "G01")
