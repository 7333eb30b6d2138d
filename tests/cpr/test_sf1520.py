"""SF1520 PersonLookup against the local stand-in: found (with custody holders), protected,
deceased, not found, a fault, the service down, a timeout; the request's structure; mutual TLS
with the municipality's certificate."""

import datetime
import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from lxml import etree

from ppr.cpr import standin
from ppr.cpr.lookup import CprServiceDown, CustodyKind, PersonNotFound
from ppr.cpr.services import get_lookup
from ppr.cpr.sf1520 import INVOCATION_NS, PNR_NS, SERVICE_NS, Sf1520Lookup, parse_response
from ppr.cpr.standin import StandIn
from tests.cpr.helpers import UUIDS, register_on


@pytest.fixture
def register(settings: Any) -> Iterator[StandIn]:
    with register_on(settings) as stand_in:
        yield stand_in


def lookup() -> Sf1520Lookup:
    configured = get_lookup()
    assert isinstance(configured, Sf1520Lookup)
    return configured


def test_the_lookup_is_off_by_default(settings: Any) -> None:
    assert settings.PPR_CPR_LOOKUP == "off" and get_lookup() is None


def test_a_child_is_found_with_name_birth_date_address_and_custody_holders(register) -> None:
    person = lookup().lookup(standin.CHILD)
    assert (person.first_name, person.last_name) == ("Freja Marie", "Standin")
    assert person.birth_date == datetime.date(2015, 5, 15)
    assert person.shown_address == "Skolevej 1, 8000 Aarhus C"
    assert not person.protected and not person.deceased
    assert [(h.cpr, h.kind) for h in person.custody] == [
        (standin.MOTHER, CustodyKind.MOTHER),
        (standin.FATHER, CustodyKind.FATHER),
    ]


def test_the_request_carries_the_invocation_context_authority_and_pnr(register) -> None:
    lookup().lookup(standin.CHILD)
    root = etree.fromstring(register.requests[-1])
    request = root.find(f".//{{{SERVICE_NS}}}PersonLookupRequest")
    assert request is not None
    assert request.findtext(f"{{{PNR_NS}}}PNR") == standin.CHILD
    context = request.find(f"{{{INVOCATION_NS}}}InvocationContext")
    assert context is not None
    assert (
        context.findtext(f"{{{INVOCATION_NS}}}ServiceAgreementUUID")
        == (UUIDS["PPR_CPR_SERVICE_AGREEMENT_UUID"])
    )
    assert root.findtext(".//{*}MunicipalityCVR") == "29189846"


def test_name_and_address_protection_hides_the_address(register) -> None:
    father = lookup().lookup(standin.FATHER)
    assert father.protected and father.shown_address == ""
    assert father.name == "Jonas Hemmelig"
    assert lookup().lookup(standin.PROTECTED_CHILD).protected


def test_a_protection_that_has_ended_is_no_protection() -> None:
    xml = standin.person_xml(standin.FATHER, standin.PEOPLE[standin.FATHER]).replace(
        b"<ns:startdato>2020-01-01</ns:startdato>",
        b"<ns:startdato>2020-01-01</ns:startdato><ns:slutdato>2021-01-01</ns:slutdato>",
    )
    assert not parse_response(xml, standin.FATHER).protected


def test_a_deceased_person_is_marked(register) -> None:
    assert lookup().lookup(standin.DECEASED_CHILD).deceased


def test_an_unknown_number_is_not_found(register) -> None:
    with pytest.raises(PersonNotFound):
        lookup().lookup("0101174321")


def test_a_server_fault_means_the_service_is_down(register) -> None:
    with pytest.raises(CprServiceDown) as raised:
        lookup().lookup(standin.DOWN_CPR)
    assert standin.DOWN_CPR not in str(raised.value)


def test_the_service_down_or_slow_is_service_down(register, settings: Any) -> None:
    register.down = True
    with pytest.raises(CprServiceDown):
        lookup().lookup(standin.CHILD)
    register.down = False
    register.delay = 1.5
    settings.PPR_CPR_TIMEOUT = 0.5
    with pytest.raises(CprServiceDown):
        lookup().lookup(standin.CHILD)


def test_nobody_listening_is_service_down(settings: Any) -> None:
    with register_on(settings) as stand_in:
        url = stand_in.url
    settings.PPR_CPR_URL = url
    with pytest.raises(CprServiceDown):
        lookup().lookup(standin.CHILD)


def test_the_stand_in_refuses_a_request_without_invocation_context(register) -> None:
    status, xml = standin.answer(
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        b'<ns:PersonLookupRequest xmlns:ns="' + SERVICE_NS.encode() + b'"/></soap:Body>'
        b"</soap:Envelope>",
        standin.PEOPLE,
    )
    assert status == 500 and b"InvocationContext" in xml
    with pytest.raises(CprServiceDown):
        parse_response(xml, standin.CHILD)


# --- Mutual TLS with the municipality's certificate ----------------------------------------


def _certificate(
    name: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[x509.Name, Any] | None, **kw: Any
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer_name, issuer_key = issuer or (subject, key)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if issuer is None:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    if kw.get("ip"):
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(kw["ip"])]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture
def pki(tmp_path: Path) -> Path:
    """A CA, the stand-in's server certificate for 127.0.0.1, and the municipality's client
    certificate, all made for the test."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Test-CA", ca_key, None)
    _write(tmp_path / "ca", ca, ca_key)
    for name, extra in (("server", {"ip": ipaddress.ip_address("127.0.0.1")}), ("client", {})):
        key = ec.generate_private_key(ec.SECP256R1())
        _write(tmp_path / name, _certificate(name, key, (ca.subject, ca_key), **extra), key)
    return tmp_path


def test_mutual_tls_with_the_municipalitys_certificate(settings: Any, pki: Path) -> None:
    with register_on(
        settings,
        certfile=str(pki / "server.crt"),
        keyfile=str(pki / "server.key"),
        client_ca=str(pki / "ca.crt"),
    ) as stand_in:
        assert stand_in.url.startswith("https://127.0.0.1:")
        settings.PPR_CPR_CA = str(pki / "ca.crt")
        settings.PPR_CPR_CERT, settings.PPR_CPR_KEY = (
            str(pki / "client.crt"),
            str(pki / "client.key"),
        )
        assert lookup().lookup(standin.CHILD).last_name == "Standin"
        # Without the municipality's certificate the service refuses the connection.
        settings.PPR_CPR_CERT = settings.PPR_CPR_KEY = ""
        with pytest.raises(CprServiceDown):
            lookup().lookup(standin.CHILD)
