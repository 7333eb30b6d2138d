"""Separation of duties: the administrator proposes roles, a PPR leader approves them in the app;
nobody grants or approves a role to himself, and the administrator never chooses a password or
removes a second factor on his own (issue 19)."""

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from ppr.accounts import services
from ppr.accounts.models import Membership, RightsReview, Role, SecondFactorRemoval, User
from ppr.audit.models import AuditAction, AuditEvent
from ppr.deadlines.models import Deadline, DeadlineState
from tests.cases.case_fixtures import make_case
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RIGHTS = "/rettigheder/"


def admin_form(email: str, role: str, **fields: Any) -> dict[str, Any]:
    """The administrator's "add user" form with one proposed role, as /admin/ posts it."""
    return {
        "email": email,
        "first_name": "It",
        "last_name": "Test",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-role": role,
        "memberships-0-active": "on",
        **fields,
    }


def propose(cast: Any, role: str = Role.PPR_LEADER, **scope: Any) -> Membership:
    user = UserFactory()
    return services.propose_membership(user=user, role=role, by=cast.administrator, **scope)


def case_pages_readable(user: User, case: Case) -> int:
    """How many of the case's pages (the case, its PPVs) the user can read."""
    client = Client()
    client.force_login(user)
    urls = [
        reverse("cases:case-detail", args=[case.pk]),
        reverse("cases:ppv-list", args=[case.pk]),
    ]
    return sum(client.get(url).status_code == 200 for url in urls)


# --- The escalation of the issue, repeated ---------------------------------------------------


def test_the_administrators_escalation_of_issue_19_is_refused(cast) -> None:
    """admin@ creates it.test@nordvig.dk as PPR-leder with a password of his choosing, signs in
    with it and reads case 2026-00018: now the password is not set, the role grants nothing
    until a PPR leader approves it, and the case stays closed."""
    case = make_case(cast)
    admin = Client()
    admin.force_login(cast.administrator)
    response = admin.post(
        reverse("admin:accounts_user_add"),
        admin_form(
            "it.test@nordvig.dk",
            Role.PPR_LEADER,
            password1="valgt-af-admin-2026",
            password2="valgt-af-admin-2026",
            usable_password="true",
        ),
    )
    assert response.status_code == 302
    it_test = User.objects.get(email="it.test@nordvig.dk")

    # The password the administrator chose does not sign in, and neither can he set one.
    attacker = Client()
    attacker.post(
        reverse("account_login"), {"login": "it.test@nordvig.dk", "password": "valgt-af-admin-2026"}
    )
    assert "_auth_user_id" not in attacker.session
    assert not it_test.check_password("valgt-af-admin-2026")
    password_url = reverse("admin:auth_user_password_change", args=[it_test.pk])
    set_password = admin.post(
        password_url, {"password1": "valgt-af-admin-2026", "password2": "valgt-af-admin-2026"}
    )
    assert set_password.status_code == 403
    it_test.refresh_from_db()
    assert not it_test.has_usable_password()

    # Even signed in (as by a stolen link), the proposed role opens nothing.
    assert it_test.roles == frozenset()
    assert case_pages_readable(it_test, case) == 0
    assert Case.objects.visible_to(it_test).count() == 0

    # The administrator cannot approve it: not in /admin/ (no field), not in the app.
    membership = it_test.memberships.get()
    assert admin.get(RIGHTS).status_code == 403
    assert admin.post(f"{RIGHTS}{membership.pk}/godkend/").status_code == 403
    membership.refresh_from_db()
    assert membership.is_pending and not membership.active


def test_a_content_role_opens_case_pages_only_after_a_ppr_leaders_approval(cast) -> None:
    case = make_case(cast)
    membership = propose(cast, Role.PSYCHOLOGIST, team=cast.team_vest)
    newcomer = membership.user
    assert case_pages_readable(newcomer, case) == 0

    leader = Client()
    leader.force_login(cast.ppr_leader)
    page = leader.get(RIGHTS).content.decode()
    assert newcomer.email in page and str(cast.administrator) in page  # who proposed it
    assert timezone.localtime(membership.proposed_at).strftime("%d.%m.%Y") in page  # and when
    assert leader.post(f"{RIGHTS}{membership.pk}/godkend/").status_code == 302

    membership.refresh_from_db()
    assert membership.active and membership.approved_by == cast.ppr_leader
    assert case_pages_readable(User.objects.get(pk=newcomer.pk), case) == 2
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(membership.pk), purpose__contains="godkendt"
    ).exists()


@pytest.mark.parametrize(
    "role", [Role.INSTITUTION_LEADER, Role.STAFF, Role.SOCIAL_WORKER, Role.HEALTH_VISITOR]
)
def test_every_content_role_waits_for_approval(cast, role) -> None:
    scope = {"institution": cast.school} if role in (Role.INSTITUTION_LEADER, Role.STAFF) else {}
    membership = propose(cast, role, **scope)
    assert membership.is_pending and not membership.active
    assert User.objects.get(pk=membership.user_id).roles == frozenset()


def test_an_administrator_role_takes_effect_without_approval(cast) -> None:
    membership = propose(cast, Role.ADMINISTRATOR)
    assert membership.active and membership.approved_by == cast.administrator
    assert User.objects.get(pk=membership.user_id).is_administrator


# --- Nobody grants or approves to himself ----------------------------------------------------


def test_nobody_proposes_a_role_to_himself(cast) -> None:
    with pytest.raises(ValidationError):
        services.propose_membership(
            user=cast.administrator, role=Role.PPR_LEADER, by=cast.administrator
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=cast.administrator, role=Role.PPR_LEADER, proposed_by=cast.administrator
        )
    assert set(cast.administrator.memberships.values_list("role", flat=True)) == {
        Role.ADMINISTRATOR
    }


def test_a_superuser_cannot_grant_himself_a_role_in_the_admin_either(cast) -> None:
    root = User.objects.create_superuser(email="root@nordvig.dk", password="x-long-pw-1")
    client = Client()
    client.force_login(root)
    response = client.post(
        reverse("admin:accounts_user_change", args=[root.pk]),
        {
            "email": root.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            **{k: v for k, v in admin_form(root.email, Role.PPR_LEADER).items() if "-" in k},
        },
    )
    assert response.status_code in (200, 302, 403)
    assert not root.memberships.exists()


def test_a_ppr_leader_cannot_approve_a_grant_to_himself(cast) -> None:
    own = services.propose_membership(
        user=cast.ppr_leader, role=Role.PSYCHOLOGIST, team=cast.team_vest, by=cast.administrator
    )
    leader = Client()
    leader.force_login(cast.ppr_leader)
    response = leader.post(f"{RIGHTS}{own.pk}/godkend/", follow=True)
    assert "Du kan ikke godkende en rolle til dig selv." in response.content.decode()
    own.refresh_from_db()
    assert own.is_pending and not own.active
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=own.pk).update(
            approved_by=cast.ppr_leader, approved_at=timezone.now(), active=True
        )


def test_a_refused_proposal_is_gone_and_the_log_names_who_proposed_it(cast) -> None:
    membership = propose(cast)
    leader = Client()
    leader.force_login(cast.ppr_leader)
    assert leader.post(f"{RIGHTS}{membership.pk}/afvis/").status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEvent.objects.get(action=AuditAction.DELETE, object_id=str(membership.pk))
    assert "afvist" in entry.purpose and cast.administrator.email in entry.purpose


def test_only_ppr_leaders_open_the_rights_page(cast, client_as) -> None:
    for user in (cast.administrator, cast.psychologist, cast.secretary, cast.school_leader):
        assert client_as(user).get(RIGHTS).status_code == 403
    assert Client().get(RIGHTS).status_code == 302
    page = client_as(cast.ppr_leader).get(RIGHTS)
    assert page.status_code == 200
    assert cast.psychologist.email in page.content.decode()  # the roles in force


def test_a_ppr_leader_removes_a_role_and_the_user_is_logged_out(cast, client_as) -> None:
    session = client_as(cast.teacher)
    membership = cast.teacher.memberships.get()
    response = client_as(cast.ppr_leader).post(f"{RIGHTS}{membership.pk}/fjern/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.active
    assert session.get(reverse("home")).status_code == 302
    # Switching it on again in the admin is a new grant: it waits for approval.
    admin = client_as(cast.administrator)
    admin.post(
        reverse("admin:accounts_user_change", args=[cast.teacher.pk]),
        {
            "email": cast.teacher.email,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-user": cast.teacher.pk,
            "memberships-0-role": Role.STAFF,
            "memberships-0-institution": cast.school.pk,
            "memberships-0-active": "on",
        },
    )
    membership.refresh_from_db()
    assert membership.is_pending and not membership.active


def test_a_new_email_address_sends_the_roles_back_for_approval(cast, client_as) -> None:
    membership = cast.ppr_leader.memberships.get()
    response = client_as(cast.administrator).post(
        reverse("admin:accounts_user_change", args=[cast.ppr_leader.pk]),
        {
            "email": "it.test@nordvig.dk",
            "first_name": cast.ppr_leader.first_name,
            "last_name": cast.ppr_leader.last_name,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-user": cast.ppr_leader.pk,
            "memberships-0-role": Role.PPR_LEADER,
            "memberships-0-active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.is_pending and not membership.active


# --- Passwords and second factors ------------------------------------------------------------


def test_the_administrator_cannot_set_anyones_password(cast, client_as) -> None:
    url = reverse("admin:auth_user_password_change", args=[cast.ppr_leader.pk])
    client = client_as(cast.administrator)
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "overtaget-2026!", "password2": "overtaget-2026!"})
    assert response.status_code == 403
    cast.ppr_leader.refresh_from_db()
    assert cast.ppr_leader.check_password(PASSWORD)


def test_a_password_reset_goes_to_the_owner_as_a_one_time_link(cast, client_as) -> None:
    client = client_as(cast.administrator)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_links", "_selected_action": [cast.ppr_leader.pk]},
    )
    (message,) = mail.outbox
    assert message.to == [cast.ppr_leader.email]
    link = next(word for word in message.body.split() if "/konto/password/reset/key/" in word)
    cast.ppr_leader.refresh_from_db()
    assert cast.ppr_leader.check_password(PASSWORD)  # nothing changed until the owner acts
    path = urlsplit(link).path
    owner = Client()
    form = owner.get(path, follow=True)
    assert form.status_code == 200
    owner.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": "ejerens-egen-kode-77", "password2": "ejerens-egen-kode-77"},
    )
    cast.ppr_leader.refresh_from_db()
    assert cast.ppr_leader.check_password("ejerens-egen-kode-77")
    assert owner.get(path, follow=True).content.decode().count('name="password1"') == 0  # used


def test_removing_a_second_factor_needs_a_ppr_leaders_approval_and_tells_the_owner(
    cast, client_as, django_capture_on_commit_callbacks
) -> None:
    Authenticator.objects.create(
        user=cast.psychologist, type=Authenticator.Type.TOTP, data={"secret": "S"}
    )
    admin = client_as(cast.administrator)
    admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "request_second_factor_removal", "_selected_action": [cast.psychologist.pk]},
    )
    removal = SecondFactorRemoval.objects.get(user=cast.psychologist)
    assert Authenticator.objects.filter(user=cast.psychologist).exists()
    assert admin.post(f"{RIGHTS}totrin/{removal.pk}/godkend/").status_code == 403

    leader = client_as(cast.ppr_leader)
    assert str(cast.psychologist) in leader.get(RIGHTS).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert leader.post(f"{RIGHTS}totrin/{removal.pk}/godkend/").status_code == 302
    assert not Authenticator.objects.filter(user=cast.psychologist).exists()
    (message,) = mail.outbox
    assert message.to == [cast.psychologist.email]


def test_a_ppr_leader_cannot_approve_removing_his_own_second_factor(cast, client_as) -> None:
    Authenticator.objects.create(user=cast.ppr_leader, type=Authenticator.Type.TOTP, data={})
    removal = services.request_second_factor_removal(user=cast.ppr_leader, by=cast.administrator)
    client_as(cast.ppr_leader).post(f"{RIGHTS}totrin/{removal.pk}/godkend/")
    assert Authenticator.objects.filter(user=cast.ppr_leader).exists()
    removal.refresh_from_db()
    assert removal.decided_at is None


# --- The monthly review ----------------------------------------------------------------------


def test_the_monthly_review_opens_one_deadline_a_month_and_a_confirmation_meets_it(
    cast, client_as
) -> None:
    first = services.open_monthly_review(today=date(2026, 12, 1))
    services.open_monthly_review(today=date(2026, 12, 2))
    services.open_monthly_review(today=date(2026, 12, 31))
    assert RightsReview.objects.count() == 1
    (deadline,) = Deadline.objects.for_subject(first)
    assert deadline.responsible == cast.ppr_leader and deadline.link == RIGHTS
    services.open_monthly_review(today=date(2027, 1, 4))
    assert RightsReview.objects.count() == 2

    review = services.confirm_review(by=cast.ppr_leader, today=date(2026, 12, 3))
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET
    assert review.confirmed_by == cast.ppr_leader
    assert not Membership.objects.in_force().filter(reviewed_at__isnull=True).exists()


def test_the_beat_schedule_runs_the_monthly_review(settings) -> None:
    tasks = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "ppr.accounts.tasks.open_monthly_review" in tasks


# --- The first PPR leader --------------------------------------------------------------------


def test_the_first_ppr_leader_is_created_on_the_server_and_the_log_says_by_whom(no_cast) -> None:
    call_command("create_first_leader", "leder@kommune.example", "--ran-by", "Driftvagten")
    leader = User.objects.get(email="leder@kommune.example")
    assert leader.is_ppr_leader and not leader.has_usable_password()
    entry = AuditEvent.objects.get(object_type="accounts.Membership")
    assert "Driftvagten" in entry.purpose
    with pytest.raises(CommandError):
        call_command("create_first_leader", "anden@kommune.example")
    assert not User.objects.filter(email="anden@kommune.example").exists()


def test_the_first_administrator_command_records_the_os_user(no_cast, monkeypatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "driftsbruger")
    call_command("create_first_administrator", "it@kommune.example")
    admin = User.objects.get(email="it@kommune.example")
    assert admin.is_administrator and admin.is_staff and not admin.is_superuser
    assert "driftsbruger" in AuditEvent.objects.get(object_type="accounts.Membership").purpose


def test_the_start_page_shows_what_waits_for_approval(cast, client_as) -> None:
    membership = propose(cast, Role.PSYCHOLOGIST, team=cast.team_vest)
    own = client_as(membership.user).get("/").content.decode()
    assert "Venter på en PPR-leders godkendelse" in own and "Du har ingen aktive roller" in own
    leader = client_as(cast.ppr_leader).get("/").content.decode()
    assert "1 forslag venter på godkendelse under Rettigheder" in leader


# --- Every decision audited, and Rettigheder says who and when -------------------------------


def grant_row(page: str, email: str) -> str:
    """The row of the roles-in-force table naming the user's e-mail address."""
    table = page.split('id="grant-table"', 1)[1].split("</table>", 1)[0]
    (row,) = [row for row in table.split("<tr")[1:] if email in row]
    return re.sub(r"\s+", " ", row)


def audited(actor: User, action: str, words: str) -> AuditEvent:
    return AuditEvent.objects.get(actor=actor, action=action, purpose__contains=words)


def test_every_grant_decision_is_audited_and_rettigheder_says_who_and_when(
    cast, client_as, django_capture_on_commit_callbacks
) -> None:
    leader = client_as(cast.ppr_leader)
    granted = propose(cast, Role.PSYCHOLOGIST, team=cast.team_vest)
    refused = propose(cast)
    proposals = AuditEvent.objects.filter(
        actor=cast.administrator, action=AuditAction.CREATE, purpose__contains="foreslået"
    )
    assert set(proposals.values_list("object_id", flat=True)) == {str(granted.pk), str(refused.pk)}

    leader.post(f"{RIGHTS}{granted.pk}/godkend/")
    leader.post(f"{RIGHTS}{refused.pk}/afvis/")
    approval = audited(cast.ppr_leader, AuditAction.UPDATE, "godkendt")
    granted.refresh_from_db()
    assert approval.object_id == str(granted.pk)
    assert abs(approval.at - granted.approved_at).total_seconds() < 5  # who and when
    assert audited(cast.ppr_leader, AuditAction.DELETE, "afvist").object_id == str(refused.pk)

    # Who holds which role, since when, proposed and approved by whom.
    row = grant_row(leader.get(RIGHTS, {"per_page": 100}).content.decode(), granted.user.email)
    assert timezone.localtime(granted.approved_at).strftime("%d.%m.%Y") in row  # since
    assert str(cast.administrator) in row  # proposed by
    assert str(cast.ppr_leader) in row  # approved by

    leader.post(f"{RIGHTS}{granted.pk}/fjern/")
    assert audited(cast.ppr_leader, AuditAction.UPDATE, "fjernet").object_id == str(granted.pk)
    assert granted.user.email not in leader.get(RIGHTS, {"per_page": 100}).content.decode()

    # A request to remove a second factor, and its refusal, are audited and told the owner.
    Authenticator.objects.create(user=cast.psychologist, type=Authenticator.Type.TOTP, data={})
    client_as(cast.administrator).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "request_second_factor_removal", "_selected_action": [cast.psychologist.pk]},
    )
    removal = SecondFactorRemoval.objects.get(user=cast.psychologist)
    assert audited(cast.administrator, AuditAction.CREATE, cast.psychologist.email)
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(f"{RIGHTS}totrin/{removal.pk}/afvis/")
    entry = audited(cast.ppr_leader, AuditAction.UPDATE, "totrinsbekræftelse afvist")
    assert entry.object_id == str(removal.pk)
    assert Authenticator.objects.filter(user=cast.psychologist).exists()
    (message,) = mail.outbox
    assert message.to == [cast.psychologist.email] and "afvist" in message.body
