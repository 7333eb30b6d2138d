"""The demo municipality has children placed in its offers (within their places), and one
placement whose yearly review is due in a few days; seeding twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from ppr.deadlines import calendar
from ppr.deadlines.models import Deadline, DeadlineState
from visitation import placements
from visitation.models import Placement

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_demo_has_placements_one_due_for_review_and_is_idempotent(
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
