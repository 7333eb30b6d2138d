"""The demo runs the reminder sweep once, last, so the bell shows the demo's overdue deadlines."""

from datetime import timedelta

import pytest

from demo import deadlines as deadlines_demo
from demo.management.commands.seed_demo import STEPS
from ppr.deadlines import calendar
from ppr.deadlines.models import Notification, Reminder, ReminderKind
from tests.deadlines.factories import deadline

pytestmark = pytest.mark.django_db


def test_the_deadlines_demo_runs_after_every_app_that_opens_deadlines() -> None:
    assert STEPS[-1] is deadlines_demo


def test_the_demo_sweep_reminds_once_however_often_it_is_seeded(
    cast, django_capture_on_commit_callbacks
) -> None:
    late = deadline(responsible=cast.psychologist, due=calendar.today() - timedelta(days=3))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            deadlines_demo.seed(None)  # type: ignore[arg-type]  # seed() wants the demo organisation; the deadlines demo ignores it
    assert list(Reminder.objects.values_list("deadline_id", "kind")) == [
        (late.pk, ReminderKind.OVERDUE)
    ]
    assert Notification.objects.filter(recipient=cast.psychologist).count() == 1
