"""Custody holders sign in with MitID through the broker (the local stand-in, a real OpenID
Connect flow on 127.0.0.1): the CPR claim is matched by keyed hash, and stored nowhere."""

import base64
import json

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cases.models import Guardian
from parents.access import children_of
from parents.models import AssuranceLevel, ParentIdentity
from ppr.accounts.models import Role, User
from ppr.audit.models import AuditEvent
from tests.cases.factories import ChildFactory
from tests.parents.factories import PARENT_CPR, give_custody
from tests.parents.mitid_fixtures import CLIENT_ID, NO_CPR, OTTO, PIA, STRANGER, sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("parents:home")


@pytest.fixture
def asta(cast):
    """Pia (the cast's parent) has custody of Asta; nobody else's child is hers."""
    child = ChildFactory(institution=cast.school, first_name="Asta", last_name="Fjordby")
    give_custody(cast.parent, child)
    other = ChildFactory(institution=cast.other_school, first_name="Carl", last_name="Vangsø")
    give_custody(cast.other_parent, other)
    return child


def parents_before() -> tuple[int, int, int]:
    return User.objects.count(), ParentIdentity.objects.count(), SocialAccount.objects.count()


def test_a_custody_holder_signs_in_and_sees_only_their_child(cast, asta, mitid) -> None:
    client = Client()
    response = sign_in(client, mitid, PIA)

    assert response.status_code == 302, response.text
    assert response["Location"] == HOME
    page = client.get(HOME)
    assert page.status_code == 200
    assert [c.name for c in page.context["children"]] == ["Asta Fjordby"]
    assert "Carl" not in page.text
    user = page.context["user"]
    assert user == cast.parent  # matched by keyed CPR hash to the existing identity
    identity = ParentIdentity.objects.get(user=user)
    assert identity.assurance_level == AssuranceLevel.SUBSTANTIAL
    assert identity.last_mitid_login is not None


def test_the_first_login_makes_the_parents_user_and_the_next_finds_it(cast, mitid) -> None:
    """A guardian row with a CPR number, no parent user yet: the first MitID login makes one."""
    child = ChildFactory(institution=cast.school, first_name="Ella", last_name="Storm")
    guardian = Guardian(child=child, name="Søren Fremmed", relation="far", has_custody=True)
    guardian.set_cpr(STRANGER.cpr)
    guardian.save()
    users = User.objects.count()

    assert sign_in(Client(), mitid, STRANGER, level="high").status_code == 302
    user = User.objects.get(parent_identity__cpr_hash=guardian.cpr_hash)
    assert User.objects.count() == users + 1
    assert user.roles == {Role.PARENT} and not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Søren", "Fremmed")
    assert [c.first_name for c in children_of(user)] == ["Ella"]

    assert sign_in(Client(), mitid, STRANGER).status_code == 302
    assert User.objects.count() == users + 1
    assert SocialAccount.objects.filter(user=user, provider="mitid").count() == 1


def test_the_cpr_number_is_stored_nowhere_in_clear(cast, asta, mitid) -> None:
    client = Client()
    sign_in(client, mitid, PIA)
    client.get(HOME)

    account = SocialAccount.objects.get(provider="mitid")
    stored = json.dumps(account.extra_data)
    assert PARENT_CPR not in stored and "dk.cpr" not in stored
    assert account.extra_data["id_token"]["loa"].endswith("/Substantial")  # the rest is kept
    session = json.dumps(dict(client.session.items()), default=str)
    assert PARENT_CPR not in session
    audit = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert PARENT_CPR not in audit
    assert PARENT_CPR not in account.uid


@pytest.mark.parametrize(
    ("person", "level", "message"),
    [
        (PIA, "low", "Dit MitID-login er ikke sikkert nok"),
        (NO_CPR, "substantial", "Vi fik ikke dit CPR-nummer fra MitID"),
        (STRANGER, "substantial", "Vi kan ikke finde børn, du har forældremyndighed over"),
    ],
)
def test_a_refused_login_shows_a_danish_page_and_creates_nothing(
    cast, asta, mitid, person, level, message
) -> None:
    before = parents_before()
    client = Client()
    response = sign_in(client, mitid, person, level)

    assert response.status_code == 403
    assert message in response.text
    assert parents_before() == before
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302  # to the login


def test_a_parent_whose_custody_ended_cannot_sign_in(cast, asta, mitid) -> None:
    asta.guardians.update(custody_ended_on="2020-01-01")
    response = sign_in(Client(), mitid, PIA)

    assert response.status_code == 403
    assert "Vi kan ikke finde børn, du har forældremyndighed over" in response.text


def _flip_signature(token: str) -> str:
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["dk.cpr"] = PARENT_CPR  # someone else's CPR number, signature left as it was
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{forged}.{signature}"


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param({"tamper": _flip_signature}, id="tampered"),
        pytest.param({"token_claims": lambda c: c | {"aud": "another-client"}}, id="audience"),
        pytest.param(
            {"token_claims": lambda c: c | {"exp": c["iat"] - 600, "iat": c["iat"] - 900}},
            id="expired",
        ),
        pytest.param({"token_claims": lambda c: c | {"nonce": "replayed"}}, id="nonce"),
        pytest.param({"token_claims": lambda c: c | {"iss": "https://evil.example"}}, id="issuer"),
    ],
)
def test_a_bad_id_token_signs_nobody_in(cast, asta, mitid, broken) -> None:
    for name, value in broken.items():
        setattr(mitid, name, value)
    before = parents_before()
    client = Client()
    response = sign_in(client, mitid, OTTO)  # tampered into Pia's CPR number

    assert response.status_code in (400, 401)  # allauth's or our failure page
    assert "_auth_user_id" not in client.session
    assert parents_before() == before
    assert client.get(HOME).status_code == 302


def test_the_stand_in_refuses_a_wrong_client_secret_and_a_wrong_pkce_verifier(mitid) -> None:
    status, body = mitid.token({"client_id": CLIENT_ID, "client_secret": "forkert"}, "")
    assert (status, body["error"]) == (401, "invalid_client")
    response = requests.get(f"{mitid.issuer}/authorize?response_type=code", timeout=10)
    assert response.status_code == 400


def test_staff_password_login_refuses_a_parent(cast, client) -> None:
    cast.parent.set_password("korrekt-hest-batteri-1")
    cast.parent.save()
    response = client.post(
        reverse("account_login"), {"login": cast.parent.email, "password": "korrekt-hest-batteri-1"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 400)


def test_the_staff_login_page_has_no_mitid_button_and_the_parents_page_has(client, mitid) -> None:
    staff = client.get(reverse("account_login")).text
    assert "/konto/oidc/mitid/" not in staff
    parents = client.get(reverse("parents:login")).text
    assert "/konto/oidc/mitid/login/" in parents and "Log ind med MitID" in parents


def test_mitid_logins_are_throttled_per_person_and_per_address(cast, asta, mitid, settings) -> None:
    """Parents are an internet population: as staff logins (ACCOUNT_RATE_LIMITS, django-axes),
    MitID logins are limited per person (keyed by the CPR hash, never the number) and per IP
    address; beyond the limit the login ends on the Danish "Too many attempts" page (429),
    audited, with nobody signed in."""
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "mitid_login": "100/m/ip,2/10m/key",
    }
    for _ in range(2):
        assert sign_in(Client(), mitid, PIA).status_code == 302
    client = Client()
    refused = sign_in(client, mitid, PIA)
    assert refused.status_code == 429
    assert "For mange forsøg" in refused.text
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(purpose__contains="For mange forsøg").exists()
    # The lock is Pia's, not everyone's: Otto still signs in.
    assert sign_in(Client(), mitid, OTTO).status_code == 302

    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "mitid_login": "1/m/ip"}
    assert sign_in(Client(), mitid, OTTO).status_code == 302
    assert sign_in(Client(), mitid, PIA).status_code == 429  # the same address, another person
