"""The art. 15 export of a long case (300 journal entries, 20 ratings, 3 PPVs) finishes, and
prints its size and time (the figures in the commit message come from this test)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import JournalRevision, Ppv
from cases.ppv import services as ppv_services
from ppr.organisation.models import Municipality
from rights import export, jobs
from rights.models import AccessExport
from tests.cases.factories import JournalEntryFactory, RulerRatingFactory
from tests.cases.ppv_fixtures import draft, finalise, ppv_case

pytestmark = pytest.mark.django_db


def test_a_long_case_exports_in_one_zip(
    cast, client_as, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    case = ppv_case(cast)
    start = date(2024, 1, 1)
    for day in range(300):
        JournalEntryFactory(
            case=case,
            author=cast.psychologist,
            occurred_on=start + timedelta(days=day),
            text="Samtale med eleven og forældrene om trivsel, læring og næste skridt. " * 6,
        )
    for index in range(20):
        RulerRatingFactory(
            child=case.child, rater=cast.psychologist, rated_on=start + timedelta(days=15 * index)
        )
    # Three PPVs: the first and two corrections (each a new, finalised version).
    ppv = finalise(draft(cast, case), cast.psychologist)
    for number in (2, 3):
        corrected = ppv_services.correct_ppv(ppv, by=cast.psychologist, reason=f"Rettelse {number}")
        ppv = finalise(corrected, cast.psychologist)
    with django_capture_on_commit_callbacks(execute=True):
        client_as(cast.ppr_leader).post(
            reverse("rights:export-create", args=[case.child.pk]), {"purpose": "måling"}
        )
    export = AccessExport.objects.get()
    assert export.status == "ready"
    assert Ppv.objects.filter(case=case).count() == 3
    print(
        f"long case: {export.record_count} records, {export.size_bytes} bytes, "
        f"{export.page_count} PDF pages, {export.seconds} s"
    )


def test_reading_and_laying_out_a_child_takes_the_same_queries_however_long_the_case(
    cast,
) -> None:
    """One query per record type and one per model pointed to: ten times the journal entries,
    ratings and corrections read with the same number of queries (no N+1), the PDF's HTML
    included."""
    case = ppv_case(cast)
    child = case.child
    job = AccessExport(child=child, purpose="måling")

    def add(entries: int, ratings: int) -> None:
        for day in range(entries):
            entry = JournalEntryFactory(
                case=case, author=cast.psychologist, occurred_on=date(2024, 1, 1) + timedelta(day)
            )
            JournalRevision.objects.create(
                entry=entry, version=1, text="Før.", corrected_by=cast.psychologist, reason="Fejl"
            )
        for index in range(ratings):
            RulerRatingFactory(
                child=child, rater=cast.psychologist, rated_on=date(2024, 1, 1) + timedelta(index)
            )

    municipality = Municipality.current()

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            collected = export.collect(child)
            html = render_to_string(
                jobs.PDF_TEMPLATE,
                {"municipality": municipality, **jobs.pdf_context(job, collected)},
            )
        assert "Før." in html
        return len(captured), collected.record_count

    add(3, 2)
    few, few_records = queries()
    add(30, 20)
    many, many_records = queries()
    assert many_records >= few_records + 80
    assert many == few
