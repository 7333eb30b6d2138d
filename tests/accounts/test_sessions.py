import time_machine
from django.urls import reverse


def test_idle_session_is_logged_out_after_the_timeout(client_as, cast, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        client = client_as(cast.psychologist)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(29 * 60)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_session_has_an_absolute_limit_even_when_active(client_as, cast, settings) -> None:
    settings.SESSION_ABSOLUTE_TIMEOUT = 10 * 3600
    with time_machine.travel("2026-03-02 07:00 +0100", tick=False) as traveller:
        client = client_as(cast.psychologist)
        for _ in range(30):
            traveller.shift(25 * 60)
            last = client.get(reverse("home"))
            if last.status_code == 302:
                break
    assert last.status_code == 302


def test_polling_does_not_keep_the_session_alive(client_as, cast, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        client = client_as(cast.psychologist)
        client.get(reverse("home"))
        for _ in range(4):
            traveller.shift(10 * 60)
            client.get(reverse("healthz"), headers={"X-PPR-Poll": "1"})
        response = client.get(reverse("home"))
    assert response.status_code == 302


def test_mfa_is_required_for_ppr_staff(client_as, cast, mfa_required) -> None:
    response = client_as(cast.psychologist).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_mfa_is_not_required_for_partners(client_as, cast, mfa_required) -> None:
    assert client_as(cast.social_worker).get(reverse("home")).status_code == 200
