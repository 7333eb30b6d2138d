"""Service-level tests for cases: open, assign, close."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.casework import services as case_services
from cases.models import Case, CaseOutcome, CaseStatus, ReferralStatus
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.factories import CaseFactory, ChildFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_open_case_creates_an_open_case_in_the_assignees_team(cast):
    child = ChildFactory(institution=cast.school)
    case = case_services.open_case(child=child, by=cast.ppr_leader, assignee=cast.psychologist)
    assert case.status == CaseStatus.OPEN
    assert case.assigned == cast.psychologist
    assert case.team == cast.team_vest
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_id=str(case.pk), child_id=child.pk
        ).count()
        == 1
    )


def test_open_case_without_assignee_uses_the_team_of_the_childs_district(cast):
    child = ChildFactory(institution=cast.other_school)
    case = case_services.open_case(child=child, by=cast.ppr_leader, assignee=None)
    assert case.assigned is None
    assert case.team == cast.team_oest


def test_open_case_returns_the_existing_open_case(cast):
    child = ChildFactory(institution=cast.school)
    first = case_services.open_case(child=child, by=cast.ppr_leader, assignee=cast.psychologist)
    second = case_services.open_case(child=child, by=cast.ppr_leader, assignee=cast.colleague)
    assert second.pk == first.pk
    assert Case.objects.filter(child=child).count() == 1
    assert second.assigned == cast.psychologist


def test_open_case_assigns_an_unassigned_existing_case(cast):
    child = ChildFactory(institution=cast.school)
    first = case_services.open_case(child=child, by=cast.ppr_leader, assignee=None)
    second = case_services.open_case(child=child, by=cast.ppr_leader, assignee=cast.colleague)
    assert second.pk == first.pk
    assert second.assigned == cast.colleague


def test_open_case_after_a_closed_case_opens_a_new_case(cast):
    closed = CaseFactory(
        child=ChildFactory(institution=cast.school), status=CaseStatus.CLOSED, outcome="flyttet"
    )
    case = case_services.open_case(
        child=closed.child, by=cast.ppr_leader, assignee=cast.psychologist
    )
    assert case.pk != closed.pk
    assert Case.objects.filter(child=closed.child).count() == 2


def test_assign_case_moves_the_case_to_the_assignees_team_and_is_audited(cast):
    case = CaseFactory(child=ChildFactory(institution=cast.school), team=cast.team_vest)
    case_services.assign_case(case=case, by=cast.ppr_leader, assignee=cast.outsider)
    case.refresh_from_db()
    assert case.assigned == cast.outsider
    assert case.team == cast.team_oest
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(case.pk)).count() == 1


def test_open_case_copies_the_childs_latest_colour(cast):
    from tests.cases.factories import RulerRatingFactory

    child = ChildFactory(institution=cast.school)
    RulerRatingFactory(child=child, colour="roed", rated_on=date(2026, 1, 10))
    RulerRatingFactory(child=child, colour="groen", rated_on=date(2025, 6, 1))
    case = case_services.open_case(child=child, by=cast.ppr_leader, assignee=None)
    assert case.latest_colour == "roed"


def test_open_case_refuses_an_assignee_who_is_not_a_case_worker(cast):
    child = ChildFactory(institution=cast.school)
    with pytest.raises(ValidationError):
        case_services.open_case(child=child, by=cast.ppr_leader, assignee=cast.secretary)
    assert not Case.objects.filter(child=child).exists()


def test_close_case_records_outcome_note_and_who(cast):
    case = CaseFactory(child=ChildFactory(institution=cast.school), assigned=cast.psychologist)
    case_services.close_case(
        case=case, by=cast.psychologist, outcome=CaseOutcome.BUP, note="Henvist."
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == CaseOutcome.BUP
    assert case.closing_note == "Henvist."
    assert case.closed_by == cast.psychologist
    assert case.closed_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(case.pk)).count() == 1


def test_close_case_ends_the_accepted_referrals(cast):
    case = CaseFactory(child=ChildFactory(institution=cast.school))
    referral = ReferralFactory(child=case.child, case=case, status=ReferralStatus.ACCEPTED)
    case_services.close_case(case=case, by=cast.ppr_leader, outcome=CaseOutcome.NO_FURTHER)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert referral.events.filter(status=ReferralStatus.CLOSED).count() == 1


def test_closing_a_closed_case_again_is_refused_and_keeps_the_first_outcome(cast):
    case = CaseFactory(child=ChildFactory(institution=cast.school))
    case_services.close_case(case=case, by=cast.ppr_leader, outcome=CaseOutcome.MOVED)
    with pytest.raises(ValidationError, match="allerede lukket"):
        case_services.close_case(case=case, by=cast.ppr_leader, outcome=CaseOutcome.BUP)
    case.refresh_from_db()
    assert case.outcome == CaseOutcome.MOVED


def test_close_case_without_a_valid_outcome_is_refused(cast):
    case = CaseFactory(child=ChildFactory(institution=cast.school))
    with pytest.raises(ValidationError):
        case_services.close_case(case=case, by=cast.ppr_leader, outcome="")
    case.refresh_from_db()
    assert case.is_open


def test_a_closed_case_cannot_be_assigned(cast):
    case = CaseFactory(
        child=ChildFactory(institution=cast.school), status=CaseStatus.CLOSED, outcome="flyttet"
    )
    with pytest.raises(ValidationError):
        case_services.assign_case(case=case, by=cast.ppr_leader, assignee=cast.colleague)
