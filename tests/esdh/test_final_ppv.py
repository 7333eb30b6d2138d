"""End to end: finalising a PPV renders its PDF and files it in the ESDH (the stand-in)."""

from typing import Any

from ppr.documents.models import DocumentStatus
from ppr.esdh.models import Filing, FilingStatus
from ppr.esdh.standin import StandIn
from tests.cases.ppv_fixtures import draft, finalise


def test_a_final_ppv_is_filed_once_its_pdf_is_rendered(
    esdh_on: StandIn, cast: Any, django_capture_on_commit_callbacks: Any, client_as: Any
) -> None:
    ppv = draft(cast)
    with django_capture_on_commit_callbacks(execute=True):
        final = finalise(ppv, cast.psychologist)
    # A double submit: still one filing.
    with django_capture_on_commit_callbacks(execute=True):
        finalise(final, cast.psychologist)
    filing = Filing.objects.get()
    assert filing.document is not None and filing.document.status == DocumentStatus.READY
    assert filing.status == FilingStatus.FILED
    (document,) = esdh_on.store.documents.values()
    assert document["content"].startswith(b"%PDF-")
    assert document["Filnavn"] == filing.document.filename
    (case,) = esdh_on.store.cases.values()
    assert case["SagsTitel"] == f"PPR-sag {final.case.reference}"
    html = client_as(cast.psychologist).get(final.case.get_absolute_url()).content.decode()
    assert "Journaliseret i ESDH på sag" in html
