"""The local MitID stand-in (demo/mitid.py) on 127.0.0.1, and signing in through it."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from demo.mitid import MitIDStandIn, Person
from tests.parents.factories import OTHER_PARENT_CPR, PARENT_CPR

CLIENT_ID, SECRET = "ppr-foraeldre", "hemmelig-mitid-noegle"
CALLBACK = "/konto/oidc/mitid/login/callback/"

PIA = Person("Pia Fjeldsted", PARENT_CPR, "mor med forældremyndighed")
OTTO = Person("Otto Grønbech", OTHER_PARENT_CPR, "far til et andet barn")
STRANGER = Person("Søren Fremmed", "0101901111", "ingen forældremyndighed")
NO_CPR = Person("Uden CPR", "", "MitID uden CPR-nummer")
PERSONS = [PIA, OTTO, STRANGER, NO_CPR]


def mitid_app(server_url: str, base_url: str = "http://testserver") -> dict:
    """SOCIALACCOUNT_PROVIDERS as ppr/settings.py builds it with PPR_MITID_* set."""
    return {
        "openid_connect": {
            "provider_class": "parents.oidc.Provider",
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "mitid",
                    "name": "MitID",
                    "client_id": CLIENT_ID,
                    "secret": SECRET,
                    "settings": {
                        "server_url": server_url,
                        "scope": ["openid", "mitid", "ssn"],
                        "oauth_pkce_enabled": True,
                    },
                }
            ],
        }
    }


@pytest.fixture
def standin() -> Iterator[MitIDStandIn]:
    server = MitIDStandIn(
        persons=PERSONS,
        clients={CLIENT_ID: SECRET},
        redirect_uris=[f"http://testserver{CALLBACK}"],
    ).start()
    yield server
    server.stop()


@pytest.fixture
def mitid(settings, standin):
    # allauth counts MitID logins per IP and per person in the cache (ACCOUNT_RATE_LIMITS), which
    # outlives a test: the worker's earlier logins would otherwise refuse this test's.
    cache.clear()
    settings.PPR_MITID_SERVER_URL = standin.issuer
    settings.SOCIALACCOUNT_PROVIDERS = mitid_app(standin.issuer)
    return standin


def sign_in(client: Client, standin: MitIDStandIn, person: Person, level: str = "substantial"):
    """Start at the parents' login, pick ``person`` and ``level`` on the stand-in's page, and
    follow its redirect back: the response of PPR Sag's callback."""
    start = client.get(reverse("parents:login")).context["mitid_login_url"]
    response = client.post(start)
    assert response.status_code == 302, response
    authorize = response["Location"]
    assert authorize.startswith(f"{standin.issuer}/authorize?")
    assert client.session.get("_auth_user_id") is None
    page = requests.get(authorize, timeout=10)
    assert page.status_code == 200 and person.name in page.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    back = requests.post(
        f"{standin.issuer}/authorize",
        data={**query, "person": str(PERSONS.index(person)), "level": level},
        allow_redirects=False,
        timeout=10,
    )
    assert back.status_code == 302, back.text
    location = urlsplit(back.headers["Location"])
    assert location.path == CALLBACK
    return client.get(f"{location.path}?{location.query}")
