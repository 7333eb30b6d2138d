from django.core import mail
from django.urls import reverse

from ppr.audit.models import AuditAction, AuditEvent
from tests.factories import PASSWORD


def login(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_leader_logs_in_and_lands_on_mit_overblik(client, cast) -> None:
    response = login(client, cast.school_leader.email, PASSWORD)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Mit overblik" in page.content.decode()
    assert (
        AuditEvent.objects.filter(actor=cast.school_leader, action=AuditAction.LOGIN).count() == 1
    )


def test_wrong_password_gives_a_danish_error_and_is_logged(client, cast) -> None:
    response = login(client, cast.school_leader.email, "forkert")
    assert response.status_code == 200
    assert (
        "ikke korrekt" in response.content.decode()
        or "forkert" in response.content.decode().lower()
    )
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1


def test_lockout_after_repeated_failures_does_not_reveal_whether_account_exists(
    client, cast, settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, cast.school_leader.email, "forkert")
    locked = login(client, cast.school_leader.email, PASSWORD)
    assert "midlertidigt spærret" in locked.content.decode()
    for _ in range(3):
        login(client, "findes.ikke@example.dk", "forkert")
    unknown = login(client, "findes.ikke@example.dk", "forkert")
    assert "midlertidigt spærret" in unknown.content.decode()
    assert locked.status_code == unknown.status_code


def test_signup_is_closed(client, db) -> None:
    response = client.get(reverse("account_signup"))
    assert "Opret" not in response.content.decode() or response.status_code != 200
    assert not mail.outbox


def test_deactivated_user_loses_access_on_next_request(client_as, cast) -> None:
    client = client_as(cast.psychologist)
    assert client.get(reverse("home")).status_code == 200
    cast.psychologist.is_active = False
    cast.psychologist.save()
    cast.psychologist.end_all_sessions()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_logout_everywhere_ends_other_sessions(client_as, cast) -> None:
    laptop, phone = client_as(cast.psychologist), client_as(cast.psychologist)
    laptop.post(reverse("logout-everywhere"))
    assert phone.get(reverse("home")).status_code == 302


def test_removed_membership_removes_role_on_next_request(client_as, cast) -> None:
    client = client_as(cast.school_leader)
    assert "Institutionsleder" in client.get(reverse("home")).content.decode()
    cast.school_leader.memberships.update(active=False)
    assert "ingen aktive roller" in client.get(reverse("home")).content.decode()
