"""A submitted referral's printable receipt: a PDF the school keeps, rendered by the documents
app's Celery task after commit (never on the request path), without the CPR number."""

import re
from typing import Any

import pytest
from django.urls import reverse

from cases.referrals import services
from cases.referrals.receipt import receipt_context
from ppr.documents.models import Document, DocumentKind, DocumentStatus
from tests.cases.factories import ChildFactory
from tests.cases.ppv_fixtures import private_storage  # noqa: F401  (a fixture)
from tests.cases.referral_fixtures import child_with_consent, draft, submitted
from tests.conftest import client_for
from tests.documents.pdf import page_texts

pytestmark = pytest.mark.usefixtures("private_storage")

CPR = "0101154321"


def receipt_url(referral) -> str:
    return reverse("cases:referral-receipt", kwargs={"pk": referral.pk})


def flat(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page_texts(content)))


def test_the_leader_orders_the_receipt_and_it_is_rendered_after_the_request(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    child = child_with_consent(cast)
    child.set_cpr(CPR)
    child.save()
    referral = submitted(cast, child=child, concern="Vi er bekymrede.\n\nCPR 010115-4321 nævnt.")
    client = client_for(cast.school_leader)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(receipt_url(referral))
    assert response.status_code == 302 and response["Location"].endswith("#kvittering")
    document = Document.objects.get(kind=DocumentKind.KVITTERING)
    # Nothing was rendered while the request ran: the task waits for the commit.
    assert document.status == DocumentStatus.PENDING and len(queued) == 1
    queued[0]()
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    with document.file.open("rb") as handle:
        text = flat(handle.read())
    assert f"Kvittering for indstilling nr. {referral.pk}" in text
    assert "Vestervang Skole" in text and child.name in text and "Vi er bekymrede." in text
    assert CPR not in text.replace("-", "") and "010115-4321" not in text
    assert "xxxxxx-xxxx" in text


def test_the_referral_page_offers_the_receipt_and_then_shows_its_status(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    referral = submitted(cast)
    client = client_for(cast.school_leader)
    page = client.get(referral.get_absolute_url()).text
    assert f'action="{receipt_url(referral)}"' in page and "Dan kvittering (PDF)" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(receipt_url(referral))
        client.post(receipt_url(referral))  # a double click orders one receipt
    document = Document.objects.get(kind=DocumentKind.KVITTERING)
    page = client.get(referral.get_absolute_url()).text
    assert reverse("documents:document-download", kwargs={"pk": document.pk}) in page
    download = client.get(reverse("documents:document-download", kwargs={"pk": document.pk}))
    download.close()  # a FileResponse holds the file open until closed
    assert download.status_code == 200


def test_a_draft_has_no_receipt(cast: Any) -> None:
    referral = draft(cast)
    client = client_for(cast.school_leader)
    assert "Dan kvittering" not in client.get(referral.get_absolute_url()).text
    assert client.post(receipt_url(referral)).status_code == 302
    assert not Document.objects.exists()


def test_another_school_gets_404_and_cannot_download(cast: Any) -> None:
    referral = submitted(cast)
    assert client_for(cast.other_leader).post(receipt_url(referral)).status_code == 404
    client_for(cast.school_leader).post(receipt_url(referral))
    document = Document.objects.get()
    url = reverse("documents:document-download", kwargs={"pk": document.pk})
    assert client_for(cast.other_leader).get(url).status_code == 404


def test_a_daycare_receipt_uses_daycare_words(cast: Any) -> None:
    child = child_with_consent(cast, institution=cast.daycare)
    child.group = "Myretuen"
    child.save()
    referral = services.submit_referral(
        draft(cast, child=child, author=cast.daycare_leader), by=cast.daycare_leader
    )
    context = receipt_context(referral)
    labels = [label for label, _ in context["facts"]]
    assert "Barnet" in labels and "Stue" in labels and "Eleven" not in labels
    evaluated = next(s for s in context["sections"] if s["heading"] == "Evalueret med")
    assert "Stuens pædagoger" in evaluated["paragraphs"][0]


def test_the_receipt_context_holds_no_cpr_number(cast: Any) -> None:
    child = ChildFactory(institution=cast.school, cpr=CPR)
    referral = submitted(cast, child=child_with_consent(cast))
    assert CPR not in str(receipt_context(referral))
    assert child.cpr_masked not in str(receipt_context(referral))
