import time_machine
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
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


def test_the_page_to_return_to_is_url_encoded_in_next(client_as, cast, settings) -> None:
    """A path with "&" or "#" (sent as %23) and a query must come back whole after the login,
    not be cut into extra parameters or a fragment."""
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        client = client_as(cast.psychologist)
        client.get(reverse("home"))
        traveller.shift(31 * 60)
        response = client.get("/sager/a%26b%23c/", {"fra": "2026-01-01", "til": "x&y"})
    assert response.status_code == 302
    login, query = response["Location"].split("?", 1)
    assert login == reverse("account_login")
    assert QueryDict(query)["next"] == "/sager/a&b%23c/?fra=2026-01-01&til=x%26y"
    assert "#" not in response["Location"]


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


def _session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)


def test_the_session_is_written_once_a_minute_not_on_every_page(client_as, cast, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        client = client_as(cast.psychologist)
        client.get(reverse("home"))
        traveller.shift(59)
        assert _session_writes(client, reverse("home")) == 0
        traveller.shift(2)
        assert _session_writes(client, reverse("home")) == 1


def test_steady_activity_keeps_the_session_open(client_as, cast, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        client = client_as(cast.psychologist)
        for _ in range(12):
            traveller.shift(5 * 60 + 7)
            assert client.get(reverse("home")).status_code == 200


def test_the_page_warns_before_the_server_can_log_out(client_as, cast, settings) -> None:
    """The stamp may lag the last click by up to a minute, so the server may log out up to a
    minute early – never late; the page is told 29 minutes, so its warning comes first."""
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        client = client_as(cast.psychologist)
        client.get(reverse("home"))
        traveller.shift(59)
        last_click = client.get(reverse("home"))  # within the minute: not stamped
        traveller.shift(30 * 60 - 59 + 1)
        response = client.get(reverse("home"))
    assert last_click.context["session_idle_timeout"] == 29 * 60
    assert (
        response.status_code == 302
    )  # 29 min 2 s after the last click, 30 min 1 s after the stamp


def test_stay_logged_in_starts_the_idle_time_again(client_as, cast, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        client = client_as(cast.psychologist)
        client.get(reverse("home"))
        traveller.shift(50)
        assert client.post(reverse("session-keep-alive")).status_code == 204
        traveller.shift(29 * 60 + 30)
        assert client.get(reverse("home")).status_code == 200
