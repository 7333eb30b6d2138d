"""The reminder outbox: one near and one overdue reminder per deadline, never twice, never lost."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ppr.deadlines import outbox, services, tasks
from ppr.deadlines.models import (
    Deadline,
    DeadlineState,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
)

from .factories import deadline

pytestmark = pytest.mark.django_db

#: Wednesday 1 April 2026, the day before the Easter holidays.
WEDNESDAY = date(2026, 4, 1)


@pytest.fixture
def on_wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweep and the tasks it queues (in-process, as without Redis)."""

    def run() -> dict[str, int]:
        with django_capture_on_commit_callbacks(execute=True):
            return services.sweep()

    return run


class BrokenMail(outbox.EmailMessage):
    def send(self, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("smtp down")


def test_a_deadline_within_the_lead_time_gets_one_near_reminder_in_app_and_by_email(
    cast, on_wednesday, sweep
) -> None:
    # Two working days ahead of Wednesday 1 April is Wednesday 8 April (Easter in between).
    near = deadline(responsible=cast.psychologist, due=date(2026, 4, 8), title="Skriv PPV")
    later = deadline(responsible=cast.psychologist, due=date(2026, 4, 9))
    result = sweep()
    assert result == {"near": 1, "overdue": 0, "claimed": 1}
    reminder = Reminder.objects.get()
    assert (reminder.deadline_id, reminder.kind, reminder.state) == (
        near.pk,
        ReminderKind.NEAR,
        ReminderState.SENT,
    )
    assert not later.reminders.exists()
    notification = Notification.objects.get()
    assert notification.recipient == cast.psychologist
    assert notification.message == "Frist nærmer sig: Skriv PPV – frist 08.04.2026."
    assert notification.link == near.link
    assert [m.to for m in mail.outbox] == [[cast.psychologist.email]]
    assert mail.outbox[0].extra_headers["X-PPR-Reminder"] == str(reminder.pk)


def test_a_passed_deadline_is_marked_overdue_and_reminded_once(cast, on_wednesday, sweep) -> None:
    late = deadline(responsible=cast.psychologist, due=date(2026, 3, 31))
    sweep()
    late.refresh_from_db()
    assert late.state == DeadlineState.OVERDUE
    assert list(late.reminders.values_list("kind", "state")) == [
        (ReminderKind.OVERDUE, ReminderState.SENT)
    ]
    assert "Frist overskredet" in Notification.objects.get().message


def test_running_the_sweep_twice_sends_each_reminder_exactly_once(
    cast, on_wednesday, sweep
) -> None:
    deadline(responsible=cast.psychologist, due=date(2026, 3, 30))
    deadline(responsible=cast.colleague, due=date(2026, 4, 7))
    sweep()
    second = sweep()
    assert second == {"near": 0, "overdue": 0, "claimed": 0}
    assert Reminder.objects.filter(state=ReminderState.SENT).count() == 2
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_near_deadline_gets_its_overdue_reminder_too_once_it_passes(cast, sweep) -> None:
    item = deadline(responsible=cast.psychologist, due=date(2026, 4, 7))
    with time_machine.travel(WEDNESDAY, tick=False):
        sweep()
    with time_machine.travel(date(2026, 4, 8), tick=False):
        sweep()
        sweep()
    assert sorted(item.reminders.values_list("kind", flat=True)) == [
        ReminderKind.NEAR,
        ReminderKind.OVERDUE,
    ]
    assert len(mail.outbox) == 2


def test_met_and_cancelled_deadlines_get_no_reminders(cast, on_wednesday, sweep) -> None:
    deadline(responsible=cast.psychologist, due=date(2026, 3, 1), state=DeadlineState.MET)
    deadline(responsible=cast.psychologist, due=date(2026, 4, 7), state=DeadlineState.CANCELLED)
    assert sweep() == {"near": 0, "overdue": 0, "claimed": 0}
    assert mail.outbox == []


def test_a_reminder_for_a_deadline_met_before_sending_is_skipped(cast, on_wednesday) -> None:
    item = deadline(responsible=cast.psychologist, due=date(2026, 4, 7))
    outbox.create_due_reminders()
    services.meet_deadlines(subject=item.subject)
    reminder = Reminder.objects.get()
    reminder.state = ReminderState.CLAIMED
    reminder.save()
    assert outbox.deliver_reminder(reminder.pk) == outbox.Delivery.SKIPPED
    assert Reminder.objects.get().state == ReminderState.SKIPPED
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_an_unassigned_deadline_reminds_the_ppr_leader_and_the_secretaries(
    cast, on_wednesday, sweep
) -> None:
    deadline(responsible=None, due=date(2026, 4, 7))
    sweep()
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        cast.ppr_leader.pk,
        cast.secretary.pk,
    }
    assert sorted(mail.outbox[0].to) == sorted([cast.ppr_leader.email, cast.secretary.email])


def test_the_lead_time_is_the_municipalitys_setting(cast, on_wednesday, sweep) -> None:
    from ppr.organisation.models import Municipality

    municipality = Municipality.current()
    municipality.reminder_lead_working_days = 0
    municipality.save()
    deadline(responsible=cast.psychologist, due=date(2026, 4, 7))
    today = deadline(responsible=cast.psychologist, due=WEDNESDAY)
    sweep()
    assert list(Reminder.objects.values_list("deadline", flat=True)) == [today.pk]


def _reap_now(capture) -> None:
    Reminder.objects.filter(state=ReminderState.CLAIMED).update(
        claimed_at=timezone.now() - outbox.CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    with capture(execute=True):
        services.requeue_stale_claims()


def test_a_failing_email_is_retried_then_marked_failed_while_the_notification_is_delivered_once(
    cast, on_wednesday, sweep, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(outbox, "EmailMessage", BrokenMail)
    deadline(responsible=cast.psychologist, due=date(2026, 4, 7))
    sweep()
    reminder = Reminder.objects.get()
    assert (reminder.state, reminder.attempts, reminder.last_error) == (
        ReminderState.CLAIMED,
        1,
        "ConnectionRefusedError",
    )
    # Without a broker the reaper re-queues the claim for the next attempt.
    for _ in range(outbox.REMINDER_MAX_ATTEMPTS - 1):
        _reap_now(django_capture_on_commit_callbacks)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (
        ReminderState.FAILED,
        outbox.REMINDER_MAX_ATTEMPTS,
    )
    assert Notification.objects.filter(recipient=cast.psychologist).count() == 1
    # A failed reminder is left alone by later sweeps and the reaper.
    sweep()
    _reap_now(django_capture_on_commit_callbacks)
    assert Reminder.objects.get().attempts == outbox.REMINDER_MAX_ATTEMPTS


def test_an_email_that_fails_once_is_sent_on_the_retry(
    cast, on_wednesday, sweep, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    calls = {"n": 0}
    real = outbox.EmailMessage

    class FlakyMail(real):  # type: ignore[misc, valid-type]  # a variable holding the class is no valid base to mypy
        def send(self, fail_silently: bool = False) -> int:
            calls["n"] += 1
            if calls["n"] == 1:
                raise TimeoutError
            return super().send(fail_silently)

    monkeypatch.setattr(outbox, "EmailMessage", FlakyMail)
    deadline(responsible=cast.psychologist, due=date(2026, 4, 7))
    sweep()
    _reap_now(django_capture_on_commit_callbacks)
    reminder = Reminder.objects.get()
    assert (reminder.state, reminder.attempts) == (ReminderState.SENT, 2)
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_the_retry_backs_off_exponentially(cast, on_wednesday, monkeypatch) -> None:
    monkeypatch.setattr(outbox, "EmailMessage", BrokenMail)
    deadline(responsible=cast.psychologist, due=date(2026, 4, 7))
    outbox.create_due_reminders()
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(state=ReminderState.CLAIMED)
    countdowns = []

    def fake_retry(*args: object, countdown: int = 0, **kwargs: object) -> Exception:
        countdowns.append(countdown)
        return RuntimeError("retry")

    monkeypatch.setattr(tasks.send_reminder, "retry", fake_retry)
    for retries in range(3):
        tasks.send_reminder.push_request(retries=retries)
        try:
            with pytest.raises(RuntimeError):
                tasks.send_reminder.run(reminder.pk)
        finally:
            tasks.send_reminder.pop_request()
    assert countdowns == [60, 120, 240]


def test_a_claim_left_by_a_dead_worker_is_requeued_by_the_reaper_and_sent_once(
    cast, on_wednesday, django_capture_on_commit_callbacks
) -> None:
    deadline(responsible=cast.psychologist, due=date(2026, 4, 7))
    outbox.create_due_reminders()
    # The sweep claimed it, but its task never ran (the worker was killed).
    with django_capture_on_commit_callbacks(execute=False):
        claimed = services.claim_pending_reminders()
    assert Reminder.objects.get().state == ReminderState.CLAIMED
    assert services.requeue_stale_claims() == []  # not stale yet
    Reminder.objects.update(claimed_at=timezone.now() - outbox.CLAIM_TIMEOUT - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stale_claims() == claimed
    # The original message is delivered after all (Redis restored it): nothing happens twice.
    assert tasks.send_reminder.run(claimed[0]) == outbox.Delivery.DONE_BEFORE
    assert Reminder.objects.get().state == ReminderState.SENT
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_vanished_reminder_is_nothing_to_send(cast) -> None:
    assert outbox.deliver_reminder(424242) == outbox.Delivery.DONE_BEFORE


def test_the_management_command_runs_the_sweep_once(
    cast, on_wednesday, capsys, django_capture_on_commit_callbacks
) -> None:
    deadline(responsible=cast.psychologist, due=date(2026, 3, 31))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_deadline_sweep", "--reap")
    assert "1 for overskredne, 1 sat i kø, 0 sat i kø igen" in capsys.readouterr().out
    assert Deadline.objects.get().state == DeadlineState.OVERDUE
    assert len(mail.outbox) == 1


def test_reminder_emails_and_notifications_name_the_task_never_the_child(
    cast, on_wednesday, sweep
) -> None:
    deadline(
        responsible=cast.psychologist,
        due=date(2026, 4, 7),
        title="Kvittering for indstilling",
        link="/sager/henvisninger/9/",
    )
    sweep()
    message = mail.outbox[0]
    assert message.subject == "PPR Sag: frist nærmer sig"
    assert message.body == (
        "Frist nærmer sig: Kvittering for indstilling – frist 07.04.2026.\n\nSe mere i PPR Sag: http://testserver/sager/henvisninger/9/"
    )
