"""The referral's verbs and gates, at the service level."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import (
    Case,
    CaseStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
    RulerRating,
)
from cases.referrals import services
from ppr.accounts.models import Role
from ppr.audit.models import AuditAction, AuditEvent
from ppr.deadlines.models import Notification
from tests.cases.factories import CaseFactory, ChildFactory
from tests.cases.referral_fixtures import (
    accepted,
    child_with_consent,
    draft,
    in_status,
    received,
    submitted,
)
from tests.factories import user_with_role


def statuses(referral: Referral) -> list[str]:
    return list(referral.events.values_list("status", flat=True))


# --- Drafts ----------------------------------------------------------------------------------


def test_staff_start_a_draft_for_a_child_of_their_institution(cast) -> None:
    child = ChildFactory(institution=cast.school)
    referral = services.create_draft(child=child, by=cast.teacher)
    assert referral.status == ReferralStatus.DRAFT
    assert referral.institution == cast.school and referral.author == cast.teacher
    assert statuses(referral) == ["kladde"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, child_id=child.pk).exists()


def test_another_schools_leader_cannot_start_a_draft_for_the_child(cast) -> None:
    child = ChildFactory(institution=cast.school)
    with pytest.raises(PermissionDenied):
        services.create_draft(child=child, by=cast.other_leader)
    assert not Referral.objects.exists()


def test_only_ppr_intake_records_a_parents_own_request(cast) -> None:
    child = ChildFactory(institution=cast.school)
    with pytest.raises(PermissionDenied):
        services.create_draft(
            child=child, by=cast.school_leader, parent_request=True, parent_request_note="x"
        )
    with pytest.raises(ValidationError):
        services.create_draft(child=child, by=cast.secretary, parent_request=True)
    referral = services.create_draft(
        child=child, by=cast.secretary, parent_request=True, parent_request_note="Mor ringede 3/2."
    )
    assert referral.parent_request


def test_saving_a_draft_bumps_its_version(cast) -> None:
    referral = draft(cast)
    saved = services.save_draft(referral, by=cast.teacher, data={"concern": "Ny tekst"}, version=1)
    assert saved.version == 2 and saved.concern == "Ny tekst"


def test_saving_from_an_older_version_is_a_conflict_and_changes_nothing(cast) -> None:
    referral = draft(cast)
    services.save_draft(referral, by=cast.teacher, data={"concern": "Første"}, version=1)
    with pytest.raises(services.ReferralConflict) as conflict:
        services.save_draft(referral, by=cast.school_leader, data={"concern": "Anden"}, version=1)
    assert conflict.value.stored_version == 2
    referral.refresh_from_db()
    assert referral.concern == "Første" and referral.version == 2


def test_saving_resets_the_expiry_warning(cast) -> None:
    referral = draft(cast)
    Referral.objects.filter(pk=referral.pk).update(expiry_warned_at="2026-01-01T00:00:00Z")
    services.save_draft(referral, by=cast.teacher, data={"concern": "x"}, version=1)
    referral.refresh_from_db()
    assert referral.expiry_warned_at is None


def test_institution_users_cannot_set_the_parent_request_flag(cast) -> None:
    referral = draft(cast)
    services.save_draft(
        referral,
        by=cast.school_leader,
        data={"parent_request": True, "parent_request_note": "x"},
        version=1,
    )
    referral.refresh_from_db()
    assert referral.parent_request is False


def test_a_submitted_referral_cannot_be_saved_as_a_draft(cast) -> None:
    referral = submitted(cast)
    with pytest.raises(services.NotADraft):
        services.save_draft(
            referral, by=cast.teacher, data={"concern": "x"}, version=referral.version
        )


# --- Submission and gates --------------------------------------------------------------------


def test_the_leader_submits_a_complete_referral(cast) -> None:
    referral = submitted(cast)
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.submitted_by == cast.school_leader and referral.submitted_at
    assert statuses(referral) == ["indsendt"]
    assert RulerRating.objects.filter(
        referral=referral, colour="gul", context="indstilling"
    ).exists()


def test_submission_notifies_the_institution_and_ppr_intake_without_naming_the_child(cast) -> None:
    referral = submitted(cast)
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert {
        cast.school_leader.pk,
        cast.teacher.pk,
        cast.secretary.pk,
        cast.ppr_leader.pk,
    } <= recipients
    assert cast.other_leader.pk not in recipients
    for message in Notification.objects.values_list("message", flat=True):
        assert referral.child.first_name not in message
        assert referral.child.last_name not in message


def test_submission_emails_name_no_child(
    cast, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        referral = submitted(cast)
    assert mailoutbox
    for mail in mailoutbox:
        assert referral.child.last_name not in mail.body + mail.subject
        assert referral.child.cpr_masked[:6] not in mail.body


def test_staff_cannot_submit(cast) -> None:
    referral = draft(cast)
    with pytest.raises(PermissionDenied):
        services.submit_referral(referral, by=cast.teacher)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_submitting_twice_makes_one_submission(cast) -> None:
    referral = draft(cast)
    services.submit_referral(referral, by=cast.school_leader)
    with pytest.raises(services.NotADraft):
        services.submit_referral(referral, by=cast.school_leader)
    assert ReferralEvent.objects.filter(referral=referral, status="indsendt").count() == 1
    assert RulerRating.objects.filter(referral=referral).count() == 1


@pytest.mark.parametrize(
    "field", ["concern", "strengths", "child_perspective", "parents_perspective", "ruler_colour"]
)
def test_a_required_section_missing_blocks_submission(cast, field: str) -> None:
    referral = draft(cast, **{field: ""})
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.submit_referral(referral, by=cast.school_leader)
    assert field in blocked.value.error_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT and referral.version == 1
    assert not RulerRating.objects.exists()


def test_no_request_blocks_submission(cast) -> None:
    referral = draft(cast, requests=[])
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.submit_referral(referral, by=cast.school_leader)
    assert blocked.value.error_dict["requests"][0].message == "Vælg hvad I ønsker af PPR."


@pytest.mark.parametrize(
    "missing",
    ["plan_goals", "plan_actions", "plan_period", "plan_evaluation", "plan_evaluated_with"],
)
def test_school_asking_for_special_support_needs_an_evaluated_handleplan(
    cast, missing: str
) -> None:
    empty = [] if missing == "plan_evaluated_with" else ""
    referral = draft(cast, requests=["specialpaedagogisk_bistand"], **{missing: empty})
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.submit_referral(referral, by=cast.school_leader)
    assert services.HANDLEPLAN_GATE in blocked.value.messages
    assert missing in blocked.value.error_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_the_handleplan_gate_applies_only_when_special_support_is_asked(cast) -> None:
    referral = draft(
        cast, requests=["ppv"], plan_goals="", plan_evaluation="", plan_evaluated_with=[]
    )
    assert services.submit_referral(referral, by=cast.school_leader).status == "indsendt"


def test_the_handleplan_gate_is_for_schools_not_daycare(cast) -> None:
    child = child_with_consent(cast, institution=cast.daycare)
    referral = draft(
        cast,
        child=child,
        author=cast.daycare_leader,
        requests=["specialpaedagogisk_bistand"],
        plan_evaluation="",
    )
    assert services.submit_referral(referral, by=cast.daycare_leader).status == "indsendt"


def test_a_complete_handleplan_lets_special_support_through(cast) -> None:
    referral = draft(cast, requests=["specialpaedagogisk_bistand", "ppv"])
    assert services.submit_referral(referral, by=cast.school_leader).status == "indsendt"


# --- Visitation ------------------------------------------------------------------------------


def test_intake_receives_and_the_institution_gets_a_receipt(cast) -> None:
    referral = submitted(cast)
    Notification.objects.all().delete()
    services.receive_referral(referral, by=cast.secretary)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED and referral.received_at
    receipts = Notification.objects.filter(recipient=cast.school_leader)
    assert receipts.count() == 1 and "Kvittering" in receipts.get().message
    assert referral.child.last_name not in receipts.get().message


def test_receiving_twice_is_refused(cast) -> None:
    referral = received(cast)
    with pytest.raises(services.InvalidTransition):
        services.receive_referral(referral, by=cast.secretary)


def test_a_school_leader_cannot_receive(cast) -> None:
    with pytest.raises(PermissionDenied):
        services.receive_referral(submitted(cast), by=cast.school_leader)


def test_accepting_opens_a_case_assigned_to_the_chosen_caseworker_and_team(cast) -> None:
    referral = received(cast)
    case = services.accept_referral(referral, by=cast.ppr_leader, assignee=cast.psychologist)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.case == case
    assert referral.decided_by == cast.ppr_leader and referral.decided_at
    assert case.is_open and case.assigned == cast.psychologist and case.team == cast.team_vest
    assert case.latest_colour == "gul"
    assert statuses(referral) == ["indsendt", "modtaget", "accepteret"]
    assert Notification.objects.filter(recipient=cast.psychologist).exists()


def test_accepting_joins_the_childs_open_case_and_reassigns_it(cast) -> None:
    referral = received(cast)
    existing = CaseFactory(child=referral.child, assigned=cast.outsider, team=cast.team_oest)
    case = services.accept_referral(referral, by=cast.ppr_leader, assignee=cast.colleague)
    assert case.pk == existing.pk
    assert Case.objects.filter(child=referral.child).count() == 1
    case.refresh_from_db()
    assert case.assigned == cast.colleague and case.team == cast.team_vest


def test_a_closed_case_is_not_joined_a_new_one_is_opened(cast) -> None:
    referral = received(cast)
    old = CaseFactory(child=referral.child, status=CaseStatus.CLOSED, outcome="flyttet")
    case = services.accept_referral(referral, by=cast.ppr_leader, assignee=cast.psychologist)
    assert case.pk != old.pk and case.is_open


def test_visitation_of_a_submitted_referral_receives_it_first(cast) -> None:
    referral = submitted(cast)
    services.accept_referral(referral, by=cast.ppr_leader, assignee=cast.psychologist)
    referral.refresh_from_db()
    assert referral.received_at is not None
    assert statuses(referral) == ["indsendt", "modtaget", "accepteret"]


def test_only_a_caseworker_can_be_assigned(cast) -> None:
    referral = received(cast)
    with pytest.raises(ValidationError):
        services.accept_referral(referral, by=cast.ppr_leader, assignee=cast.secretary)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED and not Case.objects.exists()


def test_the_secretary_cannot_visitate(cast) -> None:
    referral = received(cast)
    with pytest.raises(PermissionDenied):
        services.accept_referral(referral, by=cast.secretary, assignee=cast.psychologist)
    with pytest.raises(PermissionDenied):
        services.reject_referral(referral, by=cast.secretary, reason="x")
    with pytest.raises(PermissionDenied):
        services.redirect_referral(referral, by=cast.secretary, forum="sparring_ppr")


def test_accepting_twice_opens_one_case(cast) -> None:
    referral = received(cast)
    services.accept_referral(referral, by=cast.ppr_leader, assignee=cast.psychologist)
    with pytest.raises(services.InvalidTransition):
        services.accept_referral(referral, by=cast.ppr_leader, assignee=cast.colleague)
    assert Case.objects.count() == 1
    assert Case.objects.get().assigned == cast.psychologist


def test_rejecting_needs_a_reason_the_institution_sees(cast) -> None:
    referral = received(cast)
    with pytest.raises(ValidationError):
        services.reject_referral(referral, by=cast.ppr_leader, reason="  ")
    services.reject_referral(referral, by=cast.ppr_leader, reason="Skolens egne ressourcer først.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED
    assert referral.rejection_reason == "Skolens egne ressourcer først."
    assert referral.events.last().note == "Skolens egne ressourcer først."


def test_redirecting_needs_a_known_forum(cast) -> None:
    referral = received(cast)
    with pytest.raises(ValidationError):
        services.redirect_referral(referral, by=cast.ppr_leader, forum="bup")
    services.redirect_referral(
        referral, by=cast.ppr_leader, forum="tvaerfagligt_skoleteam", note="Book tid."
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REDIRECTED
    assert referral.redirect_forum == "tvaerfagligt_skoleteam"
    assert "Tværfagligt skoleteam" in referral.events.last().note


@pytest.mark.parametrize("status", ["accepteret", "afvist", "henvist"])
def test_a_visitated_referral_can_be_closed(cast, status: str) -> None:
    referral = in_status(cast, status)
    services.close_referral(referral, by=cast.secretary, note="Færdig.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert statuses(referral)[-1] == "afsluttet"


@pytest.mark.parametrize("status", ["kladde", "indsendt", "modtaget", "afsluttet"])
def test_only_a_visitated_referral_can_be_closed(cast, status: str) -> None:
    referral = in_status(cast, status)
    with pytest.raises((services.InvalidTransition, PermissionDenied)):
        services.close_referral(referral, by=cast.secretary)


def test_every_transition_is_audited(cast) -> None:
    referral = accepted(cast)
    rows = AuditEvent.objects.filter(object_type="cases.Referral", object_id=str(referral.pk))
    assert rows.filter(action=AuditAction.CREATE).count() == 0  # made by the factory
    assert rows.filter(action=AuditAction.UPDATE).count() == 3  # submit, receive, accept
    assert set(rows.values_list("child_id", flat=True)) == {referral.child_id}


def test_a_psychologist_outside_ppr_intake_cannot_close(cast) -> None:
    referral = in_status(cast, "afvist")
    with pytest.raises(PermissionDenied):
        services.close_referral(referral, by=cast.psychologist)


def test_intake_users_are_the_active_leaders_and_secretaries(cast) -> None:
    inactive = user_with_role(Role.SECRETARY)
    inactive.is_active = False
    inactive.save()
    assert set(services.intake_users()) == {cast.ppr_leader, cast.secretary}
