"""Single sign-on through the municipality's OpenID Connect provider, configured from the environment.

The settings are built in a subprocess from the environment variables an operator sets;
the login flow then runs through allauth's real views with only the HTTP calls to the
identity provider replaced.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Client
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.urls import reverse

from ppr.accounts.models import User
from ppr.audit.models import AuditAction, AuditEvent

BASE_DIR = Path(__file__).resolve().parents[2]
IDP = "https://login.kommune.example/realms/ppr"
SSO_ENV = {
    "PPR_OIDC_SERVER_URL": IDP,
    "PPR_OIDC_CLIENT_ID": "ppr-sag",
    "PPR_OIDC_CLIENT_SECRET": "hemmelig-klient-noegle",
    "PPR_OIDC_NAME": "Demo Kommunes login",
}
OPENID_CONFIGURATION = {
    "issuer": IDP,
    "authorization_endpoint": f"{IDP}/protocol/openid-connect/auth",
    "token_endpoint": f"{IDP}/protocol/openid-connect/token",
    "userinfo_endpoint": f"{IDP}/protocol/openid-connect/userinfo",
    "jwks_uri": f"{IDP}/protocol/openid-connect/certs",
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
}


def providers_from_environment(extra: dict[str, str]) -> dict:
    """SOCIALACCOUNT_PROVIDERS as ppr/settings.py builds it from ``extra`` in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PPR_OIDC_")} | extra
    script = "import json; from django.conf import settings; print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=BASE_DIR,
        env=env | {"DJANGO_SETTINGS_MODULE": "ppr.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def sso_providers() -> dict:
    return providers_from_environment(SSO_ENV)


@pytest.fixture
def sso(settings, sso_providers):
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers
    with mock.patch.object(
        OpenIDConnectOAuth2Adapter,
        "openid_config",
        new_callable=mock.PropertyMock,
        return_value=OPENID_CONFIGURATION,
    ):
        yield


def test_the_environment_configures_the_municipalitys_provider(sso_providers) -> None:
    app = sso_providers["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "kommune"
    assert app["name"] == "Demo Kommunes login"
    assert (app["client_id"], app["secret"]) == ("ppr-sag", "hemmelig-klient-noegle")
    assert app["settings"]["server_url"] == IDP
    assert sso_providers["openid_connect"]["OAUTH_PKCE_ENABLED"] is True


def test_without_a_server_url_there_is_no_sso() -> None:
    assert "APPS" not in providers_from_environment({}).get("openid_connect", {})


def test_login_page_shows_the_providers_button(client, db, sso) -> None:
    html = client.get(reverse("account_login")).content.decode()
    assert "Demo Kommunes login" in html
    assert 'action="/konto/oidc/kommune/login/' in html


def test_login_page_has_no_sso_button_when_not_configured(client, db) -> None:
    assert "/konto/oidc/" not in client.get(reverse("account_login")).content.decode()


def start_login(client) -> dict[str, list[str]]:
    response = client.post("/konto/oidc/kommune/login/")
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == OPENID_CONFIGURATION["authorization_endpoint"]
    )
    return parse_qs(location.query)


def test_the_sso_button_sends_the_user_to_the_idp_with_pkce(client, db, sso) -> None:
    query = start_login(client)
    assert query["client_id"] == ["ppr-sag"]
    assert query["code_challenge_method"] == ["S256"]
    assert "openid" in query["scope"][0].split()


def come_back_from_idp(client, userinfo: dict):
    """The IdP redirects back with a code; the token and userinfo calls are answered locally."""
    state = start_login(client)["state"][0]
    with (
        mock.patch.object(
            OAuth2Client,
            "get_access_token",
            return_value={"access_token": "t", "token_type": "Bearer"},
        ),
        mock.patch.object(OpenIDConnectOAuth2Adapter, "_fetch_user_info", return_value=userinfo),
    ):
        return client.get("/konto/oidc/kommune/login/callback/", {"code": "kode", "state": state})


def test_a_known_user_logs_in_through_sso_and_it_is_logged(client, cast, sso) -> None:
    response = come_back_from_idp(client, {"sub": "idp-123", "email": cast.psychologist.email})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert SocialAccount.objects.get(uid="idp-123").user == cast.psychologist
    assert AuditEvent.objects.filter(actor=cast.psychologist, action=AuditAction.LOGIN).count() == 1


def test_sso_signup_is_closed_to_unknown_users(client, cast, sso) -> None:
    users_before = User.objects.count()
    response = come_back_from_idp(client, {"sub": "idp-999", "email": "ukendt@kommune.example"})
    assert response.status_code == 200
    assert "Du har ikke adgang til PPR Sag" in response.content.decode()
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("account_login"))


def test_a_deactivated_user_cannot_log_in_through_sso(client, cast, sso) -> None:
    cast.teacher.is_active = False
    cast.teacher.save()
    come_back_from_idp(client, {"sub": "idp-456", "email": cast.teacher.email})
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("account_login"))
