"""The demo municipality has special offers with places and price and applications for special
support from Vestervang Skole (one submitted, one draft), and children placed in its offers
(within their places) with one placement whose yearly review is due in a few days; seeding
twice changes nothing.

The demo is seeded twice once for the module: the session's seeded demo (tests/conftest.py
``seeded_demo``) is put back and ``manage.py seed_demo`` runs over it (its tasks and on-commit
callbacks in-process), in a transaction rolled back after its last test; each test reads it in
its own savepoint."""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from ppr.celery import app as celery_app
from ppr.deadlines import calendar
from ppr.deadlines.models import Deadline, DeadlineState
from tests.conftest import SeededDemo, restore_demo
from visitation import placements
from visitation.models import (
    AgendaEntry,
    ApplicationStatus,
    Committee,
    Offer,
    Placement,
    SupportApplication,
)

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module", autouse=True)
def _seeded_twice(
    seeded_demo: SeededDemo, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """``seed_demo`` run twice: the session's seeding (``seeded_demo``, put back) and
    ``manage.py seed_demo`` once more over it, its files in a throwaway directory."""
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            files = tmp_path_factory.mktemp("demo")
            storages = restore_demo(seeded_demo, files / "private")
            with (
                override_settings(STORAGES=storages, PPR_DIGITALPOST_DIR=str(files / "post")),
                TestCase.captureOnCommitCallbacks(execute=True),
            ):
                call_command("seed_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = was_eager


def test_the_demo_has_offers_and_applications_and_is_idempotent() -> None:
    assert Offer.objects.filter(name="Globen", kind="specialgruppe").exists()
    assert Offer.objects.filter(own=False).count() == 1
    # The decided applications are the placements' (the next test).
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


def test_the_demo_has_placements_one_due_for_review_and_is_idempotent() -> None:
    placed = list(Placement.objects.select_related("offer").order_by("starts_on"))
    assert len(placed) == 3
    assert {p.offer.name for p in placed} == {
        "Kastanjeklassen",
        "Heldagsskolen Fjordly (købte pladser)",
    }
    assert not any(p.over_capacity for p in placed)
    due = placed[0]
    today = calendar.today()
    assert due.review_on == calendar.add_working_days(today, 3)
    deadline = Deadline.objects.for_subject(due).get()
    assert (deadline.state, deadline.due) == (DeadlineState.OPEN, due.review_on)
    year = placements.shown_years()[0]
    kastanje = placed[0].offer
    [current] = placements.capacity(kastanje, [year])
    assert (current.places, current.used) == (8, 2)
