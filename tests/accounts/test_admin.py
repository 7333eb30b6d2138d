"""The administrator manages the organisation and its users in the Django admin, never case content."""

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ppr.accounts.backends import ADMINISTRATOR_APPS
from ppr.accounts.models import Membership, Role, User
from ppr.audit.models import AuditAction, AuditEvent
from ppr.organisation.models import Institution, InstitutionKind


def change_data(user: User, memberships: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """The user change form as the admin page posts it, memberships inline included."""
    data: dict[str, Any] = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "title": user.title,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(sum(1 for m in memberships if m.get("id"))),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        for key, value in membership.items():
            data[f"memberships-{index}-{key}"] = value
        data[f"memberships-{index}-user"] = user.pk
    data.update(fields)
    return {key: value for key, value in data.items() if value != ""}


def existing(membership: Membership, **changes: Any) -> dict[str, Any]:
    row = {
        "id": membership.pk,
        "role": membership.role,
        "institution": membership.institution_id or "",
        "district": membership.district_id or "",
        "team": membership.team_id or "",
        "active": "on" if membership.active else "",
    }
    row.update(changes)
    return row


def user_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_administrator_adds_an_institution_and_it_is_logged(client_as, cast) -> None:
    client = client_as(cast.administrator)
    response = client.post(
        reverse("admin:organisation_institution_add"),
        {
            "name": "Nørremarkens Skole",
            "kind": InstitutionKind.SKOLE,
            "district": cast.vest.pk,
            "min_age": 6,
            "max_age": 16,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    school = Institution.objects.get(name="Nørremarkens Skole")
    entry = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="organisation.Institution"
    )
    assert (entry.object_id, entry.actor) == (str(school.pk), cast.administrator)


def test_administrator_changes_an_institution(client_as, cast) -> None:
    client = client_as(cast.administrator)
    url = reverse("admin:organisation_institution_change", args=[cast.school.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Vestervang Skole",
            "kind": InstitutionKind.SKOLE,
            "district": cast.oest.pk,
            "min_age": 6,
            "max_age": 16,
            "active": "on",
        },
    )
    assert response.status_code == 302
    cast.school.refresh_from_db()
    assert cast.school.district == cast.oest
    entry = AuditEvent.objects.get(
        action=AuditAction.UPDATE, object_type="organisation.Institution"
    )
    assert "district" in entry.purpose


def test_administrator_creates_a_user_who_chooses_his_own_password(client_as, cast) -> None:
    client = client_as(cast.administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "ny.psykolog@example.dk",
            "first_name": "Ny",
            "last_name": "Psykolog",
            # A password the administrator chose is no field of the form any more.
            "password1": "en-lang-sikker-kode-42",
            "password2": "en-lang-sikker-kode-42",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-role": Role.PSYCHOLOGIST,
            "memberships-0-team": cast.team_vest.pk,
            "memberships-0-active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="ny.psykolog@example.dk")
    assert not user.has_usable_password()
    assert not user.check_password("en-lang-sikker-kode-42")
    (invitation,) = mail.outbox
    assert invitation.to == ["ny.psykolog@example.dk"]
    assert "/konto/password/reset/key/" in invitation.body
    # The role waits for a PPR leader: until then it grants nothing.
    membership = user.memberships.get()
    assert membership.is_pending and membership.proposed_by == cast.administrator
    assert user.roles == frozenset() and user.team_ids == set()
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="accounts.User", object_id=str(user.pk)
        ).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="accounts.Membership"
        ).count()
        == 1
    )


def test_administrator_proposes_a_membership_that_waits_for_approval(client_as, cast) -> None:
    client = client_as(cast.administrator)
    target = cast.teacher
    old = target.memberships.get()
    response = client.post(
        user_url(target),
        change_data(
            target,
            [
                existing(old),
                {"role": Role.INSTITUTION_LEADER, "institution": cast.school.pk, "active": "on"},
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(target.memberships.values_list("role", flat=True)) == {
        Role.STAFF,
        Role.INSTITUTION_LEADER,
    }
    assert User.objects.get(pk=target.pk).roles == {Role.STAFF}
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="accounts.Membership"
        ).count()
        == 1
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="accounts.User"
    ).exists()


def test_moving_a_membership_to_another_scope_needs_approval_again(client_as, cast) -> None:
    session = client_as(cast.psychologist)
    membership = cast.psychologist.memberships.get()
    response = client_as(cast.administrator).post(
        user_url(cast.psychologist),
        change_data(cast.psychologist, [existing(membership, team=cast.team_oest.pk)]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership.refresh_from_db()
    assert membership.is_pending and not membership.active
    assert User.objects.get(pk=cast.psychologist.pk).roles == frozenset()
    assert session.get(reverse("home")).status_code == 302


def test_removing_a_membership_in_the_admin_ends_the_users_sessions(client_as, cast) -> None:
    leader_session = client_as(cast.school_leader)
    assert leader_session.get(reverse("home")).status_code == 200
    membership = cast.school_leader.memberships.get()
    response = client_as(cast.administrator).post(
        user_url(cast.school_leader),
        change_data(cast.school_leader, [existing(membership, DELETE="on")]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Membership.objects.filter(pk=membership.pk).exists()
    after = leader_session.get(reverse("home"))
    assert after.status_code == 302 and after["Location"].startswith(reverse("account_login"))
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.DELETE, object_type="accounts.Membership"
        ).count()
        == 1
    )


def test_deactivating_a_membership_in_the_admin_ends_the_users_sessions(client_as, cast) -> None:
    session = client_as(cast.psychologist)
    membership = cast.psychologist.memberships.get()
    client_as(cast.administrator).post(
        user_url(cast.psychologist),
        change_data(cast.psychologist, [existing(membership, active="")]),
    )
    membership.refresh_from_db()
    assert membership.active is False
    assert session.get(reverse("home")).status_code == 302


def test_renaming_a_user_does_not_log_them_out(client_as, cast) -> None:
    session = client_as(cast.psychologist)
    membership = cast.psychologist.memberships.get()
    response = client_as(cast.administrator).post(
        user_url(cast.psychologist),
        change_data(cast.psychologist, [existing(membership)], last_name="Nyt-Navn"),
    )
    assert response.status_code == 302
    assert session.get(reverse("home")).status_code == 200


def test_deactivating_a_user_in_the_admin_ends_their_sessions(client_as, cast) -> None:
    session = client_as(cast.teacher)
    data = change_data(cast.teacher, [existing(cast.teacher.memberships.get())])
    data.pop("is_active")
    client_as(cast.administrator).post(user_url(cast.teacher), data)
    assert session.get(reverse("home")).status_code == 302


def test_administrator_cannot_make_anyone_a_superuser(client_as, cast) -> None:
    membership = cast.teacher.memberships.get()
    client_as(cast.administrator).post(
        user_url(cast.teacher), change_data(cast.teacher, [existing(membership)], is_superuser="on")
    )
    cast.teacher.refresh_from_db()
    assert cast.teacher.is_superuser is False


def test_administrator_cannot_grant_themselves_a_role(client_as, cast) -> None:
    admin_user = cast.administrator
    own = admin_user.memberships.get()
    client_as(admin_user).post(
        user_url(admin_user),
        change_data(admin_user, [existing(own), {"role": Role.PPR_LEADER, "active": "on"}]),
    )
    assert set(admin_user.memberships.values_list("role", flat=True)) == {Role.ADMINISTRATOR}


def test_administrator_sees_second_factors_but_never_a_secret_nor_deletes_one(
    client_as, cast
) -> None:
    authenticator = Authenticator.objects.create(
        user=cast.psychologist, type=Authenticator.Type.TOTP, data={"secret": "HEMMELIGHED-123"}
    )
    client = client_as(cast.administrator)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert page.status_code == 200
    assert "HEMMELIGHED-123" not in page.content.decode()
    delete_url = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:mfa_authenticator_changelist"),
        {"action": "delete_selected", "_selected_action": [authenticator.pk], "post": "yes"},
    )
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def registered_models_outside_administration() -> list[type]:
    return [
        model for model in admin.site._registry if model._meta.app_label not in ADMINISTRATOR_APPS
    ]


def test_the_administrator_backend_grants_only_organisation_and_users(cast) -> None:
    administrator = cast.administrator
    assert administrator.has_perm("organisation.change_institution")
    assert administrator.has_perm("accounts.change_user")
    for perm in (
        "cases.view_case",
        "cases.view_child",
        "audit.read_log",
        "audit.view_auditevent",
        "deadlines.view_deadline",
        "documents.view_document",
        "meetings.view_meeting",
    ):
        assert not administrator.has_perm(perm), perm
    assert {"organisation", "accounts", "axes", "mfa"} >= ADMINISTRATOR_APPS


@pytest.mark.parametrize(
    "model", registered_models_outside_administration(), ids=lambda model: model._meta.label
)
def test_administrator_cannot_open_any_other_admin_page(client_as, cast, model) -> None:
    """Whatever the domain apps register in the admin, the administrator's role does not reach it."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client_as(cast.administrator).get(url).status_code == 403


def test_admin_index_lists_only_organisation_and_user_apps_for_the_administrator(
    client_as, cast
) -> None:
    response = client_as(cast.administrator).get(reverse("admin:index"))
    app_labels = {app["app_label"] for app in response.context["app_list"]}
    assert app_labels <= set(ADMINISTRATOR_APPS)
    assert {"organisation", "accounts"} <= app_labels


def test_ppr_staff_with_a_staff_flag_still_get_no_admin_rights(client_as, cast) -> None:
    cast.psychologist.is_staff = True
    cast.psychologist.save()
    client = client_as(cast.psychologist)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:organisation_institution_changelist")).status_code == 403


def test_stored_permissions_grant_nothing_and_cost_no_query(cast) -> None:
    """Rights come from roles: a permission stored on the user or a group (which the admin does
    not offer) opens nothing, and asking about one reads neither table."""
    psychologist = cast.psychologist
    audit_log = Permission.objects.get(codename="view_auditevent")
    psychologist.user_permissions.add(audit_log)
    group = Group.objects.create(name="Alle sager")
    group.permissions.add(Permission.objects.get(codename="view_case"))
    psychologist.groups.add(group)
    psychologist = User.objects.get(pk=psychologist.pk)  # no permission cache
    with CaptureQueriesContext(connection) as queries:
        assert not psychologist.has_perm("audit.view_auditevent")
        assert not psychologist.has_perm("cases.view_case")
        assert not psychologist.has_module_perms("audit")
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]
    superuser = User.objects.create_superuser(email="root@ppr.nordvig.dk", password="x-long-pw-1")
    assert superuser.has_perm("audit.view_auditevent")


# --- Logs and deadlines: read-only in /admin/, for a superuser too (issue 19) ---------------


def _login_logs() -> list[Any]:
    """One row of each of django-axes' logs."""
    row = {"username": "nogen@example.org", "ip_address": "10.0.0.1", "user_agent": "x"}
    return [
        AccessAttempt.objects.create(**row, failures_since_start=2),
        AccessLog.objects.create(**row),
        AccessFailureLog.objects.create(**row, locked_out=False),
    ]


@pytest.mark.parametrize("who", ["administrator", "superuser"])
def test_nobody_edits_or_deletes_a_login_attempt_log_in_the_admin(client_as, cast, who) -> None:
    user = (
        cast.administrator
        if who == "administrator"
        else User.objects.create_superuser(email="root@ppr.nordvig.dk", password="x-long-pw-1")
    )
    client = client_as(user)
    for row in _login_logs():
        info = f"admin:{row._meta.app_label}_{row._meta.model_name}"
        changelist = client.get(reverse(f"{info}_changelist"))
        assert changelist.status_code == 200
        assert "delete_selected" not in changelist.content.decode()
        assert client.get(reverse(f"{info}_add")).status_code == 403
        delete = reverse(f"{info}_delete", args=[row.pk])
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        client.post(
            reverse(f"{info}_changelist"),
            {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        )
        change = reverse(f"{info}_change", args=[row.pk])
        assert client.post(change, {"username": "slettet"}).status_code == 403
        row.refresh_from_db()
        assert row.username == "nogen@example.org"


def test_the_audit_log_and_deadlines_are_not_in_the_admin_at_all() -> None:
    """Not for a superuser either: they are read in the app and removed only by retention."""
    registered = {model._meta.label for model in admin.site._registry}
    for label in (
        "audit.AuditEvent",
        "deadlines.Deadline",
        "deadlines.Reminder",
        "deadlines.Notification",
        "admin.LogEntry",
    ):
        assert label not in registered, label
    assert {"audit", "deadlines"}.isdisjoint(m._meta.app_label for m in admin.site._registry)


def test_the_admins_autocomplete_names_no_child_whatever_it_is_asked(client_as, cast) -> None:
    """/admin/autocomplete/ answers for any relation whose target the admin registers (the
    crawler skips it: only the admin's JavaScript adds its parameters). Asked about every
    foreign key of every model, children's among them, it lists organisation rows and users
    only – never a child, guardian or case."""
    from django.apps import apps

    from cases.models import Guardian
    from tests.cases.case_fixtures import make_case

    case = make_case(cast, child__first_name="Autofrida", child__last_name="Komplet")
    Guardian.objects.create(child=case.child, name="Værgemor Komplet")
    needles = ["Autofrida", "Komplet", str(case.reference), case.child.cpr[:6]]
    url = reverse("admin:autocomplete")
    client = client_as(cast.administrator)
    answered = 0
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            for term in ("", "a", "Komplet"):
                response = client.get(
                    url,
                    {
                        "app_label": model._meta.app_label,
                        "model_name": model._meta.model_name,
                        "field_name": field.name,
                        "term": term,
                    },
                )
                assert response.status_code in (200, 403, 404), (model, field.name)
                text = response.content.decode()
                assert not [n for n in needles if n in text], (model, field.name, text[:300])
                answered += response.status_code == 200
    assert answered > 0  # the check reaches the autocomplete at all
