"""Referrals create and meet their deadlines: kvittering, visitation and the PPV service target."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from cases.models import Case
from cases.referrals import services as referral_services
from ppr.deadlines import services
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState, Notification, Reminder
from tests.cases.referral_fixtures import accepted, received, submitted

pytestmark = pytest.mark.django_db

#: Wednesday 1 April 2026, the day before the Easter holidays.
WEDNESDAY = date(2026, 4, 1)


@pytest.fixture(autouse=True)
def on_wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def of(subject, kind: str) -> Deadline:
    return Deadline.objects.for_subject(subject).get(kind=kind)


def test_a_submitted_referral_owes_a_receipt_in_3_and_a_visitation_in_10_working_days(cast) -> None:
    referral = submitted(cast)
    receipt, visitation = (
        of(referral, DeadlineKind.KVITTERING),
        of(referral, DeadlineKind.VISITATION),
    )
    # Easter (2, 3 and 6 April) does not count.
    assert receipt.due == date(2026, 4, 9)
    assert visitation.due == date(2026, 4, 20)
    for item in (receipt, visitation):
        assert item.state == DeadlineState.OPEN
        assert item.responsible is None  # the intake pool: PPR leader and secretaries
        assert item.link == referral.get_absolute_url()
        assert item.district_id == cast.vest.pk
        assert item.created_by == cast.school_leader
        assert (
            referral.child.first_name not in item.title
            and referral.child.last_name not in item.title
        )
    assert receipt.title == f"Kvittér for indstilling nr. {referral.pk}"


def test_the_receipt_deadline_follows_the_municipalitys_setting(cast) -> None:
    from ppr.organisation.models import Municipality

    municipality = Municipality.current()
    municipality.receipt_working_days = 1
    municipality.save()
    assert of(submitted(cast), DeadlineKind.KVITTERING).due == date(2026, 4, 7)


def test_receiving_meets_the_receipt_deadline_and_leaves_the_visitation_open(cast) -> None:
    referral = received(cast)
    assert of(referral, DeadlineKind.KVITTERING).state == DeadlineState.MET
    assert of(referral, DeadlineKind.VISITATION).state == DeadlineState.OPEN


def test_accepting_meets_the_visitation_and_gives_the_case_worker_a_ppv_deadline(cast) -> None:
    referral = accepted(cast, assignee=cast.psychologist)
    assert of(referral, DeadlineKind.VISITATION).state == DeadlineState.MET
    case = Case.objects.get(pk=referral.case_id)
    ppv = of(case, DeadlineKind.PPV)
    assert ppv.responsible == cast.psychologist
    assert ppv.due == date(2026, 5, 27)  # eight weeks
    assert ppv.link == case.get_absolute_url()
    assert ppv.title == f"PPV i sag {case.reference}"


@pytest.mark.parametrize("decision", ["reject", "redirect"])
def test_rejecting_or_redirecting_meets_the_visitation_deadline(cast, decision: str) -> None:
    referral = received(cast)
    if decision == "reject":
        referral_services.reject_referral(referral, by=cast.ppr_leader, reason="Ikke PPR's opgave.")
    else:
        referral_services.redirect_referral(referral, by=cast.ppr_leader, forum="sparring_ppr")
    assert of(referral, DeadlineKind.VISITATION).state == DeadlineState.MET
    assert not Deadline.objects.filter(kind=DeadlineKind.PPV).exists()


def test_deciding_on_a_referral_nobody_received_meets_both_deadlines(cast) -> None:
    referral = submitted(cast)
    referral_services.reject_referral(referral, by=cast.ppr_leader, reason="Ikke PPR's opgave.")
    assert set(Deadline.objects.for_subject(referral).values_list("state", flat=True)) == {
        DeadlineState.MET
    }


def test_the_ppv_deadline_can_only_go_to_someone_who_may_handle_the_case(cast) -> None:
    referral = accepted(cast, assignee=cast.psychologist)
    ppv = of(Case.objects.get(pk=referral.case_id), DeadlineKind.PPV)
    with pytest.raises(ValidationError):
        services.reassign_deadline(deadline=ppv, responsible=cast.outsider, by=cast.ppr_leader)
    services.reassign_deadline(deadline=ppv, responsible=cast.colleague, by=cast.ppr_leader)
    assert of(Case.objects.get(pk=referral.case_id), DeadlineKind.PPV).responsible == cast.colleague


def test_reassigning_the_case_hands_its_ppv_deadline_to_the_new_case_worker(cast) -> None:
    from cases.casework import services as case_services

    referral = accepted(cast, assignee=cast.psychologist)
    case = Case.objects.get(pk=referral.case_id)
    case_services.assign_case(case=case, by=cast.ppr_leader, assignee=cast.colleague)
    ppv = of(case, DeadlineKind.PPV)
    assert ppv.responsible == cast.colleague
    assert ppv.state == DeadlineState.OPEN
    assert Notification.objects.filter(
        recipient=cast.colleague, message__contains=ppv.title
    ).exists()


def test_a_second_referral_accepted_to_another_case_worker_moves_the_open_ppv(cast) -> None:
    """Joining the child's open case with a new case worker: one PPV deadline, theirs."""
    first = accepted(cast, assignee=cast.psychologist)
    case = Case.objects.get(pk=first.case_id)
    second = received(cast, child=case.child)
    referral_services.accept_referral(second, by=cast.ppr_leader, assignee=cast.colleague)
    ppvs = Deadline.objects.for_subject(case).filter(kind=DeadlineKind.PPV)
    assert [(d.responsible, d.state) for d in ppvs] == [(cast.colleague, DeadlineState.OPEN)]


def test_closing_the_case_cancels_its_open_ppv_deadline(cast) -> None:
    from cases.casework import services as case_services
    from cases.models import CaseOutcome

    referral = accepted(cast, assignee=cast.psychologist)
    case = Case.objects.get(pk=referral.case_id)
    case_services.close_case(case=case, by=cast.ppr_leader, outcome=CaseOutcome.MOVED)
    assert of(case, DeadlineKind.PPV).state == DeadlineState.CANCELLED
    # And the sweep no longer reminds anyone about it.
    with time_machine.travel(date(2026, 6, 30), tick=False):
        services.sweep()
    assert not Reminder.objects.filter(deadline__kind=DeadlineKind.PPV).exists()


def test_a_referral_nobody_receives_reminds_the_intake_pool_once_near_and_once_overdue(
    cast, django_capture_on_commit_callbacks
) -> None:
    referral = submitted(cast)
    Notification.objects.all().delete()
    mail.outbox.clear()

    def sweep() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.sweep()

    with time_machine.travel(date(2026, 4, 7), tick=False):  # two working days before 9 April
        sweep()
        sweep()
    with time_machine.travel(date(2026, 4, 10), tick=False):
        sweep()
        sweep()
    receipt = of(referral, DeadlineKind.KVITTERING)
    assert receipt.state == DeadlineState.OVERDUE
    assert sorted(Reminder.objects.filter(deadline=receipt).values_list("kind", flat=True)) == [
        "near",
        "overdue",
    ]
    messages = set(Notification.objects.values_list("message", flat=True))
    assert messages == {
        f"Frist nærmer sig: Kvittér for indstilling nr. {referral.pk} – frist 09.04.2026.",
        f"Frist overskredet: Kvittér for indstilling nr. {referral.pk} – fristen var 09.04.2026.",
    }
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        cast.ppr_leader.pk,
        cast.secretary.pk,
    }
    assert len(mail.outbox) == 2
    child = referral.child
    for message in mail.outbox:
        assert child.first_name not in message.body and child.last_name not in message.body
    # Receiving late still meets the deadline; no further reminders.
    referral_services.receive_referral(referral, by=cast.secretary)
    with time_machine.travel(date(2026, 4, 13), tick=False):
        sweep()
    assert of(referral, DeadlineKind.KVITTERING).state == DeadlineState.MET
    assert Reminder.objects.filter(deadline=receipt).count() == 2


def test_the_secretary_sees_the_intake_deadlines_in_mine_frister(client_as, cast) -> None:
    from django.urls import reverse

    referral = submitted(cast)
    page = client_as(cast.secretary).get(reverse("deadlines:deadline-list")).content.decode()
    assert f"Kvittér for indstilling nr. {referral.pk}" in page
    assert f"Visitér indstilling nr. {referral.pk}" in page
