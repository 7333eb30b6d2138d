"""The ACS against the KOMBIT stand-in: signed (and encrypted) assertions sign staff in with the
roles the PPR leader's mappings give; tampered, expired, replayed, wrong-audience, unsigned and
unsolicited ones are refused."""

import base64
import datetime as dt
import logging
import re
import tempfile
import urllib.error
import urllib.request
from html import unescape
from pathlib import Path

import pytest
import xmlsec
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from demo.saml_idp import DEMO_CVR, DEMO_ROLE, XENC, XENC11, encrypt, serve
from ppr.accounts.middleware import MFA_BY_IDP
from ppr.accounts.models import Membership, Role, User
from ppr.saml import config, privileges
from ppr.saml.models import SeenAssertion

from .conftest import ACS, SP_ENTITY, Login, authn_request, psychologist, start_login


def signed_in(client) -> bool:  # noqa: ANN001 - the test client
    return "_auth_user_id" in client.session


def test_off_by_default(client, db) -> None:
    assert client.get("/saml/metadata/").status_code == 404
    assert client.get("/saml/log-ind/").status_code == 404
    assert client.post("/saml/acs/", {"SAMLResponse": "x"}).status_code == 404


def test_decrypts_rsa_oaep_mgf1_sha256_and_aes256_gcm(sp_keys) -> None:
    """The algorithms NemLog-in and Context Handler encrypt with, which Debian's libxmlsec1
    1.2.37 cannot decrypt, decrypted by the xmlsec wheel's libxmlsec1 1.3 (python3-saml)."""
    assert xmlsec.get_libxmlsec_version() >= (1, 3, 0)
    element = etree.fromstring(b'<a xmlns="urn:test"><b>hemmelig</b></a>')
    encrypted = encrypt(element, sp_keys[1])
    methods = [m.get("Algorithm") for m in encrypted.iter(f"{{{XENC}}}EncryptionMethod")]
    assert methods == [f"{XENC11}aes256-gcm", f"{XENC11}rsa-oaep"]
    assert encrypted.find(f".//{{{XENC11}}}MGF").get("Algorithm") == f"{XENC11}mgf1sha256"
    decrypted = OneLogin_Saml2_Utils.decrypt_element(encrypted, sp_keys[0])
    assert etree.tostring(decrypted) == etree.tostring(element)


def test_encrypted_signed_assertion_signs_in_with_mapped_role(
    client, cast, saml_on, mappings, sp_keys
) -> None:
    login = start_login(client, saml_on)
    response = login.answer(psychologist(), encrypt_for=sp_keys[1])
    xml = base64.b64decode(response)
    assert b"xmlenc11#rsa-oaep" in xml and b"xmlenc11#aes256-gcm" in xml and b"mgf1sha256" in xml
    assert b"lotte.kommunal" not in xml  # the assertion is encrypted
    answer = login.post(response)
    assert answer.status_code == 302 and answer["Location"] == "/"
    user = User.objects.get(email="lotte.kommunal@ppr.nordvig.dk")
    assert user.sso_subject == "5f0c3c3e-2f57-4a59-9f5c-6b0a1f1e0a01"
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.role, membership.team, membership.sso_mapping) == (
        Role.PSYCHOLOGIST,
        cast.team_vest,
        mappings["vest"],
    )
    assert membership.active and membership.approved_by == cast.ppr_leader
    assert signed_in(client) and client.session[MFA_BY_IDP] is True
    assert client.get("/").status_code == 200  # no TOTP set-up demanded: NSIS Substantial


def test_plain_signed_assertion_and_next(client, cast, saml_on, mappings) -> None:
    redirect = client.get("/saml/log-ind/", {"next": "/sager/"})
    login = Login(client, saml_on, authn_request(redirect["Location"]).get("ID"))
    answer = login.post(login.answer(psychologist()))
    assert answer.status_code == 302 and answer["Location"] == "/sager/"


def _refused(client, answer, caplog, reason: str) -> None:  # noqa: ANN001
    assert answer.status_code == 403
    assert "Log ind mislykkedes" in answer.content.decode()
    assert not signed_in(client)
    assert reason in caplog.text


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"tamper": True}, "Signature validation failed"),
        ({"issued": dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)}, "expired"),
        ({"audience": "https://en-anden-tjeneste.example/"}, "audience"),
        ({"sign": False}, "signed"),
        ({"in_response_to": "_ukendt-forespoergsel"}, "udestående"),
    ],
    ids=["tampered", "expired", "wrong-audience", "unsigned", "unsolicited"],
)
def test_refused(client, cast, saml_on, mappings, caplog, options, reason) -> None:
    caplog.set_level(logging.WARNING, logger="ppr.saml.views")
    login = start_login(client, saml_on)
    _refused(client, login.post(login.answer(psychologist(), **options)), caplog, reason)
    assert not User.objects.filter(email="lotte.kommunal@ppr.nordvig.dk").exists()


def test_tampered_encrypted_assertion_refused(
    client, cast, saml_on, mappings, sp_keys, caplog
) -> None:
    login = start_login(client, saml_on)
    answer = login.post(login.answer(psychologist(), tamper=True, encrypt_for=sp_keys[1]))
    _refused(client, answer, caplog, "Signature validation failed")


def test_replayed_assertion_refused(client, cast, saml_on, mappings, caplog) -> None:
    login = start_login(client, saml_on)
    response = login.answer(psychologist())
    assert login.post(response).status_code == 302
    assert SeenAssertion.objects.count() == 1
    client.logout()
    # An attacker who captured the Response posts it again, even answering a fresh request.
    again = start_login(client, saml_on)
    _refused(client, again.post(response), caplog, "genbrugt")


def test_removed_role_is_removed_at_next_login(client, cast, saml_on, mappings) -> None:
    both = (("ppr-psykolog", "team-vest"), ("ppr-sekretaer", ""))
    login = start_login(client, saml_on)
    assert login.post(login.answer(psychologist(both))).status_code == 302
    user = User.objects.get(sso_subject=psychologist().subject)
    assert {m.role for m in user.memberships.in_force()} == {Role.PSYCHOLOGIST, Role.SECRETARY}
    client.logout()
    # The municipality removed the psychologist role.
    login = start_login(client, saml_on)
    assert login.post(login.answer(psychologist((("ppr-sekretaer", ""),)))).status_code == 302
    assert {m.role for m in user.memberships.in_force()} == {Role.SECRETARY}
    assert user.memberships.get(role=Role.PSYCHOLOGIST).active is False
    client.logout()
    # Given back: the same membership is switched on again.
    login = start_login(client, saml_on)
    assert login.post(login.answer(psychologist(both))).status_code == 302
    assert user.memberships.filter(role=Role.PSYCHOLOGIST, active=True).count() == 1
    client.logout()
    # Every role removed: no login, and nothing in force.
    login = start_login(client, saml_on)
    answer = login.post(login.answer(psychologist(())))
    assert answer.status_code == 403 and "ingen roller" in answer.content.decode()
    assert not user.memberships.in_force().exists()


def test_org_unit_constraint_must_admit_the_mapping(client, cast, saml_on, mappings) -> None:
    login = start_login(client, saml_on)
    answer = login.post(login.answer(psychologist((("ppr-psykolog", "team-oest"),))))
    assert answer.status_code == 403
    login = start_login(client, saml_on)
    # A wildcard constraint admits the mapping's unit.
    assert login.post(login.answer(psychologist((("ppr-psykolog", "team-*"),)))).status_code == 302


def test_other_municipalitys_privileges_ignored(client, cast, saml_on, mappings) -> None:
    person = psychologist()
    value = person.privilege_list(cvr="11111111")
    login = start_login(client, saml_on)
    assert login.post(login.answer(person, privileges_value=value)).status_code == 403


def test_existing_user_matched_by_email_and_manual_roles_kept(
    client, cast, saml_on, mappings
) -> None:
    user = cast.psychologist
    manual = user.memberships.get()
    person = psychologist((("ppr-sekretaer", ""),))
    person = type(person)(
        person.name, user.email, person.roles, uuid="0d1b2f7e-1111-4a59-9f5c-6b0a1f1e0a02"
    )
    login = start_login(client, saml_on)
    assert login.post(login.answer(person)).status_code == 302
    user.refresh_from_db()
    assert user.sso_subject == "0d1b2f7e-1111-4a59-9f5c-6b0a1f1e0a02"
    assert set(user.memberships.in_force()) >= {manual}
    assert user.memberships.in_force().filter(role=Role.SECRETARY).exists()


def test_mapping_approved_by_the_user_himself_waits(client, cast, saml_on, mappings) -> None:
    """Separation of duties: a PPR leader cannot give himself a role through a mapping."""
    leader = cast.ppr_leader
    person = psychologist((("ppr-sekretaer", ""),))
    person = type(person)(
        person.name, leader.email, person.roles, uuid="7a7a7a7a-2222-4a59-9f5c-6b0a1f1e0a03"
    )
    login = start_login(client, saml_on)
    assert login.post(login.answer(person)).status_code == 302
    secretary = leader.memberships.get(role=Role.SECRETARY)
    assert secretary.is_pending and not secretary.active
    assert secretary in Membership.objects.pending()


def test_parse_both_bpp_namespaces_and_constraints() -> None:
    for namespace in privileges.NAMESPACES:
        value = privileges.build(
            [
                (
                    DEMO_CVR,
                    [DEMO_ROLE.format("a"), DEMO_ROLE.format("b")],
                    {privileges.ORG_UNIT: "u1, u2"},
                )
            ],
            namespace=namespace,
        )
        parsed = privileges.parse(value)
        assert [p.role for p in parsed] == [DEMO_ROLE.format("a"), DEMO_ROLE.format("b")]
        assert parsed[0].cvr == DEMO_CVR and parsed[0].values(privileges.ORG_UNIT) == ("u1", "u2")
    with pytest.raises(privileges.PrivilegeError):
        privileges.parse(base64.b64encode(b"<PrivilegeList/>").decode())
    with pytest.raises(privileges.PrivilegeError):
        privileges.parse("ikke base64!")


def test_sp_metadata_declares_the_encryption_it_takes(client, db, saml_on) -> None:
    answer = client.get("/saml/metadata/")
    assert answer.status_code == 200
    root = etree.fromstring(answer.content)
    md = "urn:oasis:names:tc:SAML:2.0:metadata"
    assert root.get("entityID") == SP_ENTITY
    acs = root.find(f".//{{{md}}}AssertionConsumerService")
    assert acs.get("Location") == ACS
    assert root.find(f".//{{{md}}}SPSSODescriptor").get("AuthnRequestsSigned") == "true"
    methods = [m.get("Algorithm") for m in root.iter(f"{{{md}}}EncryptionMethod")]
    assert f"{XENC11}rsa-oaep" in methods and f"{XENC11}aes256-gcm" in methods


def test_stand_in_over_http(client, cast, saml_on, mappings) -> None:
    """The stand-in served on 127.0.0.1 checks the SP's signed AuthnRequest and answers with
    the auto-posting form the browser sends to the ACS."""

    saml_on.people = [psychologist()]
    server = serve(saml_on, port=0)
    try:
        port = server.server_address[1]
        saml_on.sso_url = f"http://127.0.0.1:{port}/sso"
        with override_settings(PPR_SAML_IDP_METADATA=str(settings_path(saml_on, port))):
            config.forget_metadata()
            location = client.get("/saml/log-ind/")["Location"]
            assert location.startswith(saml_on.sso_url)
            with urllib.request.urlopen(f"{location}&person=0", timeout=10) as page:
                form = page.read().decode()
            response = unescape(re.search(r'name="SAMLResponse" value="([^"]+)"', form).group(1))
            assert client.post("/saml/acs/", {"SAMLResponse": response}).status_code == 302
            # A forged (unsigned) AuthnRequest is refused by the stand-in.
            unsigned = location.split("&Signature=")[0]
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"{unsigned}&person=0", timeout=10).close()
    finally:
        server.shutdown()
        server.server_close()
    assert User.objects.filter(email="lotte.kommunal@ppr.nordvig.dk").exists()


def settings_path(idp, port):  # noqa: ANN001, ANN201
    path = Path(tempfile.mkdtemp()) / "idp.xml"
    path.write_text(idp.metadata())
    return path


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.one_of(
        st.text(max_size=300), st.binary(max_size=300).map(lambda b: base64.b64encode(b).decode())
    )
)
def test_fuzzed_responses_are_refused_never_crash(client, cast, saml_on, value) -> None:
    """The ACS (a POST endpoint the access matrix only sees switched off) refuses any junk."""
    answer = client.post("/saml/acs/", {"SAMLResponse": value})
    assert answer.status_code == 403
    assert not signed_in(client)
