"""The PPR leader's mappings from KOMBIT roles (Rettigheder → Roller fra KOMBIT), and the nightly
list of accounts not seen for 90 days."""

import datetime as dt

from django.utils import timezone

from ppr.accounts import sso, tasks
from ppr.accounts.models import DormantAccount, Membership, Role, SsoRoleMapping
from ppr.audit.models import AuditEvent

ROLE = "http://nordvig.dk/roles/usersystemrole/ppr-psykolog/1"


def _mapping_with_member(cast) -> tuple[SsoRoleMapping, Membership]:  # noqa: ANN001
    mapping = SsoRoleMapping.objects.create(
        privilege=ROLE,
        role=Role.PSYCHOLOGIST,
        team=cast.team_vest,
        approved_by=cast.ppr_leader,
        approved_at=timezone.now(),
    )
    membership = Membership.objects.create(
        user=cast.colleague,
        role=Role.PSYCHOLOGIST,
        team=cast.team_vest,
        sso_mapping=mapping,
        approved_by=cast.ppr_leader,
        approved_at=timezone.now(),
    )
    return mapping, membership


def test_leader_adds_a_mapping_and_approves_it(client, cast) -> None:
    client.force_login(cast.ppr_leader)
    answer = client.post(
        "/rettigheder/kombit/ny/",
        {
            "privilege": ROLE,
            "org_unit": "team-vest",
            "role": Role.PSYCHOLOGIST,
            "team": cast.team_vest.pk,
        },
    )
    assert answer.status_code == 302
    mapping = SsoRoleMapping.objects.get()
    assert (mapping.approved_by, mapping.org_unit) == (cast.ppr_leader, "team-vest")
    assert AuditEvent.objects.filter(purpose__contains="rolleoversættelse oprettet").exists()


def test_form_refuses_institution_role_without_institution_and_parent(client, cast) -> None:
    client.force_login(cast.ppr_leader)
    answer = client.post("/rettigheder/kombit/ny/", {"privilege": ROLE, "role": Role.STAFF})
    assert answer.status_code == 400
    assert "skal høre til en institution" in answer.content.decode()
    answer = client.post("/rettigheder/kombit/ny/", {"privilege": ROLE, "role": Role.PARENT})
    assert answer.status_code == 400
    answer = client.post(
        "/rettigheder/kombit/ny/", {"privilege": "psykolog", "role": Role.SECRETARY}
    )
    assert answer.status_code == 400 and "entity-id" in answer.content.decode()
    assert not SsoRoleMapping.objects.exists()


def test_changing_a_mappings_scope_ends_its_memberships(client, cast) -> None:
    mapping, membership = _mapping_with_member(cast)
    client.force_login(cast.ppr_leader)
    answer = client.post(
        f"/rettigheder/kombit/{mapping.pk}/",
        {"privilege": ROLE, "role": Role.PSYCHOLOGIST, "team": cast.team_oest.pk},
    )
    assert answer.status_code == 302
    membership.refresh_from_db()
    assert membership.active is False


def test_retiring_a_mapping_ends_its_memberships_at_once(client, cast) -> None:
    mapping, membership = _mapping_with_member(cast)
    stamp = cast.colleague.session_stamp
    client.force_login(cast.ppr_leader)
    assert client.post(f"/rettigheder/kombit/{mapping.pk}/udgaa/").status_code == 302
    membership.refresh_from_db()
    cast.colleague.refresh_from_db()
    assert membership.active is False and cast.colleague.session_stamp != stamp
    mapping.refresh_from_db()
    assert mapping.retired_at is not None
    assert sso.matched_mappings([]) == []


def test_list_page_queries_do_not_grow(client, cast, django_assert_max_num_queries) -> None:
    for number in range(30):
        SsoRoleMapping.objects.create(
            privilege=f"{ROLE}{number}", role=Role.SECRETARY, approved_by=cast.ppr_leader
        )
    sso.list_dormant_accounts(now=timezone.now() + dt.timedelta(days=400))
    client.force_login(cast.ppr_leader)
    with django_assert_max_num_queries(16):
        answer = client.get("/rettigheder/kombit/")
    assert answer.status_code == 200
    assert "Rolleoversættelser" in answer.content.decode()


def test_nightly_list_of_accounts_not_seen_for_90_days(cast) -> None:
    now = timezone.now()
    cast.psychologist.last_login = now - dt.timedelta(days=91)
    cast.psychologist.save()
    cast.colleague.last_login = now - dt.timedelta(days=10)
    cast.colleague.save()
    tasks.list_dormant_accounts()
    listed = set(DormantAccount.objects.values_list("user", flat=True))
    assert cast.psychologist.pk in listed and cast.colleague.pk not in listed
    # Next night, after the psychologist signed in: off the list.
    cast.psychologist.last_login = now
    cast.psychologist.save()
    tasks.list_dormant_accounts()
    assert not DormantAccount.objects.filter(user=cast.psychologist).exists()
