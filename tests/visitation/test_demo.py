"""The demo municipality has special offers with places and price and applications for special
support from Vestervang Skole (one submitted, one draft); seeding twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from visitation.models import (
    AgendaEntry,
    ApplicationStatus,
    Committee,
    Offer,
    SupportApplication,
)

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_demo_has_offers_and_applications_and_is_idempotent(
    django_capture_on_commit_callbacks, settings, tmp_path
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", stdout=io.StringIO())
    assert Offer.objects.filter(name="Globen", kind="specialgruppe").exists()
    assert Offer.objects.filter(own=False).count() == 1
    # The decided applications are the placements' (tests/visitation/test_demo_placements.py).
    undecided = SupportApplication.objects.exclude(status=ApplicationStatus.DECIDED)
    statuses = set(undecided.values_list("status", flat=True))
    assert statuses == {ApplicationStatus.ON_AGENDA, ApplicationStatus.DRAFT}
    assert undecided.count() == 2
    # The committee has its chair and a member and the submitted application on its agenda.
    committee = Committee.objects.get()
    assert committee.members.count() == 2
    assert (
        AgendaEntry.objects.filter(meeting__committee=committee)
        .exclude(application__status=ApplicationStatus.DECIDED)
        .count()
        == 1
    )
