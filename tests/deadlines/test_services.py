"""Opening, meeting, cancelling and reassigning deadlines; notifications."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from ppr.audit.models import AuditAction, AuditEvent
from ppr.deadlines import calendar, outbox, services
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState, Notification
from ppr.organisation.models import Municipality

from .factories import deadline, subject

pytestmark = pytest.mark.django_db


def test_opening_a_deadline_copies_the_subjects_link_and_district_and_is_audited(cast) -> None:
    on = subject()
    on.deadline_link = "/sager/henvisninger/7/"
    on.deadline_district_id = cast.vest.pk
    due = calendar.today() + timedelta(days=5)
    opened = services.open_deadline(
        subject=on,
        kind=DeadlineKind.KVITTERING,
        due=due,
        responsible=cast.secretary,
        by=cast.ppr_leader,
        title="Kvittér for indstilling",
    )
    assert opened.subject == on
    assert (opened.link, opened.district_id, opened.state, opened.due) == (
        "/sager/henvisninger/7/",
        cast.vest.pk,
        "open",
        due,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        object_type="deadlines.Deadline",
        object_id=str(opened.pk),
        actor=cast.ppr_leader,
    ).exists()


def test_a_deadline_in_the_past_is_refused_with_a_danish_message_and_nothing_is_saved(cast) -> None:
    with pytest.raises(ValidationError) as error:
        services.open_deadline(
            subject=subject(),
            kind=DeadlineKind.PPV,
            due=calendar.today() - timedelta(days=1),
            responsible=None,
            by=None,
            title="PPV",
        )
    assert error.value.messages == ["En frist kan ikke ligge i fortiden."]
    assert not Deadline.objects.exists()


def test_a_deadline_due_today_is_allowed(cast) -> None:
    opened = services.open_deadline(
        subject=subject(),
        kind=DeadlineKind.PPV,
        due=calendar.today(),
        responsible=None,
        by=None,
        title="PPV",
    )
    assert opened.due == calendar.today()


def test_opening_the_same_kind_twice_returns_the_outstanding_deadline(cast) -> None:
    on = subject()
    due = calendar.today() + timedelta(days=3)
    first = services.open_deadline(
        subject=on, kind=DeadlineKind.PPV, due=due, responsible=None, by=None, title="PPV"
    )
    again = services.open_deadline(
        subject=on,
        kind=DeadlineKind.PPV,
        due=due + timedelta(days=9),
        responsible=cast.colleague,
        by=None,
        title="x",
    )
    assert again.pk == first.pk
    Deadline.objects.filter(pk=first.pk).update(state=DeadlineState.OVERDUE)
    assert (
        services.open_deadline(
            subject=on, kind=DeadlineKind.PPV, due=due, responsible=None, by=None, title="PPV"
        ).pk
        == first.pk
    )
    assert Deadline.objects.count() == 1


def test_another_kind_on_the_same_subject_is_a_new_deadline(cast) -> None:
    on = subject()
    due = calendar.today() + timedelta(days=3)
    services.open_deadline(
        subject=on, kind=DeadlineKind.KVITTERING, due=due, responsible=None, by=None, title="K"
    )
    services.open_deadline(
        subject=on, kind=DeadlineKind.VISITATION, due=due, responsible=None, by=None, title="V"
    )
    assert Deadline.objects.count() == 2


def test_meeting_closes_outstanding_deadlines_of_the_kind_and_a_new_one_can_then_be_opened(
    cast,
) -> None:
    on = subject()
    due = calendar.today() + timedelta(days=3)
    services.open_deadline(
        subject=on, kind=DeadlineKind.KVITTERING, due=due, responsible=None, by=None, title="K"
    )
    visitation = services.open_deadline(
        subject=on, kind=DeadlineKind.VISITATION, due=due, responsible=None, by=None, title="V"
    )
    assert services.meet_deadlines(subject=on, kind=DeadlineKind.KVITTERING, by=cast.secretary) == 1
    assert services.meet_deadlines(subject=on, kind=DeadlineKind.KVITTERING, by=cast.secretary) == 0
    met = Deadline.objects.get(kind=DeadlineKind.KVITTERING)
    assert met.state == DeadlineState.MET and met.met_at is not None
    assert Deadline.objects.get(pk=visitation.pk).state == DeadlineState.OPEN
    reopened = services.open_deadline(
        subject=on, kind=DeadlineKind.KVITTERING, due=due, responsible=None, by=None, title="K"
    )
    assert reopened.pk != met.pk


def test_an_overdue_deadline_can_still_be_met(cast) -> None:
    late = deadline(due=calendar.today() - timedelta(days=3), state=DeadlineState.OVERDUE)
    assert services.meet_deadlines(subject=late.subject) == 1
    assert Deadline.objects.get(pk=late.pk).state == DeadlineState.MET


def test_cancelling_closes_every_outstanding_deadline_of_the_subject(cast) -> None:
    on = subject()
    due = calendar.today() + timedelta(days=3)
    for kind in (DeadlineKind.KVITTERING, DeadlineKind.VISITATION):
        services.open_deadline(subject=on, kind=kind, due=due, responsible=None, by=None, title="x")
    other = deadline()
    assert services.cancel_deadlines(subject=on, by=cast.ppr_leader) == 2
    assert set(Deadline.objects.for_subject(on).values_list("state", flat=True)) == {
        DeadlineState.CANCELLED
    }
    assert Deadline.objects.get(pk=other.pk).state == DeadlineState.OPEN


def test_default_due_dates_follow_the_municipalitys_configuration(cast) -> None:
    wednesday = date(2026, 4, 1)
    assert services.default_due(DeadlineKind.KVITTERING, start=wednesday) == date(2026, 4, 9)
    assert services.default_due(DeadlineKind.VISITATION, start=date(2026, 3, 30)) == date(
        2026, 4, 16
    )
    assert services.default_due(DeadlineKind.NOTAT, start=wednesday) == date(2026, 4, 13)
    # Eight weeks from 6 February 2026 is Langfredag: the deadline moves to the next working day.
    assert services.default_due(DeadlineKind.PPV, start=date(2026, 2, 6)) == date(2026, 4, 7)
    municipality = Municipality.current()
    municipality.receipt_working_days = 1
    municipality.save()
    assert services.default_due(DeadlineKind.KVITTERING, start=wednesday) == date(2026, 4, 7)


def test_default_due_starts_today_in_copenhagen(cast) -> None:
    with time_machine.travel(date(2026, 4, 1), tick=False):
        assert services.default_due(DeadlineKind.KVITTERING) == date(2026, 4, 9)


def test_notify_creates_one_notification_per_active_recipient_and_emails_after_commit(
    cast, django_capture_on_commit_callbacks
) -> None:
    cast.colleague.is_active = False
    cast.colleague.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify(
            recipients=[cast.psychologist, cast.psychologist, cast.colleague, cast.secretary],
            message="Ny opgave: PPV",
            link="/sager/3/",
        )
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 2
    assert sorted(Notification.objects.values_list("recipient__email", flat=True)) == sorted(
        [cast.psychologist.email, cast.secretary.email]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.psychologist.email, cast.secretary.email]
    )
    # The e-mail links to the notification, which marks it read and leads on to /sager/3/.
    body = mail.outbox[0].body
    assert "Ny opgave: PPV" in body and "http://testserver/frister/notifikationer/" in body
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_a_notification_email_is_sent_once_even_if_its_task_runs_twice(
    cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[cast.psychologist], message="Besked")
    notification = Notification.objects.get()
    assert outbox.email_notification(notification.pk) is False
    assert len(mail.outbox) == 1


def test_notify_without_email_sends_no_email(cast, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[cast.psychologist], message="Besked", email=False)
    assert Notification.objects.count() == 1
    assert mail.outbox == []


def test_the_ppr_leader_reassigns_a_deadline_to_a_colleague_audited_and_notified(
    cast, django_capture_on_commit_callbacks
) -> None:
    item = deadline(responsible=cast.psychologist, title="Skriv PPV")
    with django_capture_on_commit_callbacks(execute=True):
        services.reassign_deadline(deadline=item, responsible=cast.colleague, by=cast.ppr_leader)
    item.refresh_from_db()
    assert item.responsible == cast.colleague
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(item.pk), actor=cast.ppr_leader
    ).exists()
    note = Notification.objects.get(recipient=cast.colleague)
    assert "Skriv PPV" in note.message
    assert mail.outbox[0].to == [cast.colleague.email]


def test_reassigning_to_someone_outside_ppr_is_refused(cast) -> None:
    item = deadline(responsible=cast.psychologist)
    with pytest.raises(ValidationError) as error:
        services.reassign_deadline(deadline=item, responsible=cast.teacher, by=cast.ppr_leader)
    assert "har ikke adgang" in error.value.messages[0]
    item.refresh_from_db()
    assert item.responsible == cast.psychologist


def test_reassigning_asks_the_subject_who_may_handle_it(cast, monkeypatch) -> None:
    item = deadline(responsible=cast.psychologist)
    subject_class = type(item.subject)
    monkeypatch.setattr(
        subject_class, "can_be_handled_by", lambda self, user: user == cast.colleague, raising=False
    )
    with pytest.raises(ValidationError):
        services.reassign_deadline(deadline=item, responsible=cast.outsider, by=cast.ppr_leader)
    services.reassign_deadline(deadline=item, responsible=cast.colleague, by=cast.ppr_leader)
    assert Deadline.objects.get(pk=item.pk).responsible == cast.colleague


def test_reassigning_to_an_inactive_user_is_refused(cast) -> None:
    item = deadline(responsible=cast.psychologist)
    cast.colleague.is_active = False
    cast.colleague.save()
    with pytest.raises(ValidationError):
        services.reassign_deadline(deadline=item, responsible=cast.colleague, by=cast.ppr_leader)


def test_only_the_ppr_leader_may_reassign(cast) -> None:
    item = deadline(responsible=cast.psychologist)
    with pytest.raises(PermissionDenied):
        services.reassign_deadline(deadline=item, responsible=cast.colleague, by=cast.psychologist)


def test_a_closed_deadline_cannot_be_reassigned(cast) -> None:
    item = deadline(responsible=cast.psychologist, state=DeadlineState.CANCELLED)
    with pytest.raises(ValidationError) as error:
        services.reassign_deadline(deadline=item, responsible=cast.colleague, by=cast.ppr_leader)
    assert error.value.code == "closed"


def test_saving_the_deadline_defaults_is_audited(cast) -> None:
    municipality = Municipality.current()
    municipality.visitation_working_days = 12
    services.save_deadline_defaults(municipality=municipality, by=cast.ppr_leader)
    assert Municipality.current().visitation_working_days == 12
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="organisation.Municipality"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.save_deadline_defaults(municipality=municipality, by=cast.secretary)
