"""A KOMBIT Context Handler stand-in (demo/saml_idp.py) and PPR Sag's SP configured to trust it."""

import base64
import datetime as dt
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from lxml import etree

from demo.saml_idp import DEMO_CVR, DEMO_ROLE, IdP, Person, make_key_and_cert
from ppr.accounts.models import Role, SsoRoleMapping
from ppr.saml import config

ACS = "http://testserver/saml/acs/"
SP_ENTITY = "http://testserver/saml/metadata/"


@pytest.fixture(scope="session")
def sp_keys() -> tuple[str, str]:
    return make_key_and_cert("PPR Sag test SP")


@pytest.fixture(scope="session")
def idp_keys() -> tuple[str, str]:
    return make_key_and_cert("PPR Sag test IdP")


@pytest.fixture
def idp(idp_keys: tuple[str, str], sp_keys: tuple[str, str]) -> IdP:
    return IdP(key_pem=idp_keys[0], cert_pem=idp_keys[1], sp_cert_pem=sp_keys[1])


@pytest.fixture
def saml_on(tmp_path: Path, idp: IdP, sp_keys: tuple[str, str]) -> Iterator[IdP]:
    """SAML switched on as an operator would: files for the IdP metadata and the SP's key."""
    (tmp_path / "idp.xml").write_text(idp.metadata())
    (tmp_path / "sp.key").write_text(sp_keys[0])
    (tmp_path / "sp.crt").write_text(sp_keys[1])
    config.forget_metadata()
    with override_settings(
        PPR_SAML_IDP_METADATA=str(tmp_path / "idp.xml"),
        PPR_SAML_SP_KEY_FILE=str(tmp_path / "sp.key"),
        PPR_SAML_SP_CERT_FILE=str(tmp_path / "sp.crt"),
        PPR_SAML_CVR=DEMO_CVR,
        PPR_SAML_SP_ENTITY_ID="",
    ):
        yield idp
    config.forget_metadata()


def authn_request(location: str) -> etree._Element:
    query = parse_qs(urlsplit(location).query)
    return etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15))


@dataclass
class Login:
    """One SP-initiated login: the AuthnRequest's id, and a way to answer it."""

    client: Client
    idp: IdP
    request_id: str

    def answer(self, person: Person, **options: object) -> str:
        options.setdefault("acs_url", ACS)
        options.setdefault("audience", SP_ENTITY)
        options.setdefault("in_response_to", self.request_id)
        return self.idp.response(person, **options)  # type: ignore[arg-type]  # test helper: options are IdP.response's keywords

    def post(self, response: str):  # noqa: ANN201 - the test client's response
        return self.client.post("/saml/acs/", {"SAMLResponse": response})


def start_login(client: Client, idp: IdP) -> Login:
    redirect = client.get("/saml/log-ind/")
    assert redirect.status_code == 302
    request = authn_request(redirect["Location"])
    return Login(client, idp, request.get("ID"))


def psychologist(roles: tuple[tuple[str, str], ...] = (("ppr-psykolog", "team-vest"),)) -> Person:
    return Person(
        "Lotte Kommunal",
        "lotte.kommunal@ppr.nordvig.dk",
        roles,
        uuid="5f0c3c3e-2f57-4a59-9f5c-6b0a1f1e0a01",
    )


@pytest.fixture
def mappings(cast):  # noqa: ANN001, ANN201 - the standing cast
    now = timezone.now()
    vest = SsoRoleMapping.objects.create(
        privilege=DEMO_ROLE.format("ppr-psykolog"),
        org_unit="team-vest",
        role=Role.PSYCHOLOGIST,
        team=cast.team_vest,
        approved_by=cast.ppr_leader,
        approved_at=now,
    )
    secretary = SsoRoleMapping.objects.create(
        privilege=DEMO_ROLE.format("ppr-sekretaer"),
        role=Role.SECRETARY,
        approved_by=cast.ppr_leader,
        approved_at=now - dt.timedelta(days=1),
    )
    return {"vest": vest, "secretary": secretary}
