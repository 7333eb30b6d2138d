"""The client's IP in the audit log (and axes' login log) behind PPR_PROXY_COUNT trusted proxies.

Each proxy appends the address it saw to X-Forwarded-For; the client may send its own header with
anything in it, so only the last n values (n = proxies) are trustworthy."""

import pytest
from allauth.core.internal.httpkit import get_client_ip as allauth_client_ip
from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.test import RequestFactory
from django.urls import reverse

from ppr.audit.models import AuditAction, AuditEvent
from ppr.client_ip import client_ip

PROXY = "10.0.0.2"  # the proxy next to the app: REMOTE_ADDR
FORGED = "203.0.113.66"  # what the client wrote into its own X-Forwarded-For
CLIENT = "198.51.100.7"  # the address the outer proxy saw


def _request(forwarded: str | None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy configured: the header is the client's own and is ignored.
        (0, f"{FORGED}, {CLIENT}", PROXY),
        # One proxy appended the client's address after the forged one.
        (1, f"{FORGED}, {CLIENT}", CLIENT),
        (1, CLIENT, CLIENT),
        # Two proxies: outer appended the client, inner appended the outer proxy.
        (2, f"{FORGED}, {CLIENT}, 10.0.0.1", CLIENT),
        (2, f"{CLIENT},10.0.0.1", CLIENT),
        (1, " 2001:DB8::1 ", "2001:db8::1"),
        # Missing, short or malformed: the connection's address.
        (1, None, PROXY),
        (1, "", PROXY),
        (2, CLIENT, PROXY),
        (1, f"{FORGED}, not-an-ip", PROXY),
        (1, f"{CLIENT}, ", PROXY),
        (1, "198.51.100.7:4711", PROXY),
        (1, "fe80::1%eth0", PROXY),
        (1, "unknown", PROXY),
    ],
)
def test_client_ip_counts_trusted_proxies_from_the_right(
    settings, proxies: int, forwarded: str | None, expected: str
) -> None:
    settings.PPR_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded)) == expected


def test_a_malformed_remote_addr_is_not_stored(settings) -> None:
    settings.PPR_PROXY_COUNT = 0
    assert client_ip(_request(None, remote="")) is None
    assert client_ip(_request(CLIENT, remote="garbage")) is None


def test_axes_uses_the_same_rule(settings) -> None:
    settings.PPR_PROXY_COUNT = 1
    assert settings.AXES_CLIENT_IP_CALLABLE == "ppr.client_ip.client_ip"
    assert get_client_ip_address(_request(f"{FORGED}, {CLIENT}")) == CLIENT


def test_allauths_rate_limits_count_the_same_client(settings) -> None:
    """30 logins a minute per address: behind the proxy, per user's address, not the proxy's."""
    from django.conf import settings as configured

    assert configured.ALLAUTH_TRUSTED_PROXY_COUNT == configured.PPR_PROXY_COUNT
    settings.PPR_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = _request(f"{FORGED}, {CLIENT}")
    assert allauth_client_ip(request) == client_ip(request) == CLIENT


@pytest.mark.django_db
@pytest.mark.parametrize(("proxies", "expected"), [(0, PROXY), (1, CLIENT)])
def test_a_failed_login_is_logged_with_the_clients_ip(
    client, settings, proxies: int, expected: str
) -> None:
    """Through the real login: the audit row and axes' failure log name the same address."""
    settings.PPR_PROXY_COUNT = proxies
    client.post(
        reverse("account_login"),
        {"login": "ukendt@example.dk", "password": "forkert-forkert"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}",
    )
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.ip == expected
    assert AccessFailureLog.objects.get().ip_address == expected
