"""The art. 15 export of a long case (300 journal entries, 20 ratings, 3 PPVs) finishes, and
prints its size and time (the figures in the commit message come from this test)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.models import Ppv
from cases.ppv import services as ppv_services
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
