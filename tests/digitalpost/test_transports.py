"""The transports: the local mailbox, the pick-up folder and SF1601 against a local stand-in."""

import datetime as dt
import uuid
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from ppr.digitalpost import memo, transports

from .standin import serviceplatformen
from .test_memo import letter


def organisation_certificate(folder: Path) -> tuple[Path, Path, str]:
    """A self-signed certificate and key in PEM (as a FOCES/OCES3 one is), and its one line."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PPR Sag test (CVR:12345678)")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "org.crt", folder / "org.key"
    pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path.write_bytes(pem)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    one_line = "".join(pem.decode().strip().splitlines()[1:-1])
    return cert_path, key_path, one_line


def test_the_local_transport_keeps_the_message_by_its_uuid(tmp_path: Path) -> None:
    transport = transports.LocalTransport(tmp_path / "mailbox")
    xml = memo.build(letter())
    message_uuid = letter().message_uuid
    assert transport.send(message_uuid, xml) == transports.Outcome.DELIVERED
    assert transport.send(message_uuid, xml) == transports.Outcome.DELIVERED
    assert transport.kept(message_uuid) == xml
    assert [p.name for p in (tmp_path / "mailbox").iterdir()] == [f"{message_uuid}.xml"]


def test_the_folder_transport_writes_one_whole_file_per_message(tmp_path: Path) -> None:
    transport = transports.FolderTransport(tmp_path / "pickup")
    xml = memo.build(letter())
    assert transport.send(letter().message_uuid, xml) == transports.Outcome.SENT
    files = list((tmp_path / "pickup").iterdir())
    assert [f.name for f in files] == [f"{letter().message_uuid}.xml"]
    memo.validate(files[0].read_bytes())


def test_a_folder_that_cannot_be_written_is_a_transient_error(tmp_path: Path) -> None:
    blocker = tmp_path / "pickup"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(transports.TransportError, match="mappen"):
        transports.FolderTransport(blocker).send(uuid.uuid4(), b"<x/>")


def sf1601(url: str, cert: Path, key: Path) -> transports.Sf1601Transport:
    return transports.Sf1601Transport(
        sts_url=f"{url}/sts/issue",
        service_url=url,
        cvr="12345678",
        cert_path=str(cert),
        key_path=str(key),
        timeout=5,
    )


def test_sf1601_gets_a_token_and_posts_the_kombi_request_to_a_local_stand_in(
    tmp_path: Path,
) -> None:
    cert, key, one_line = organisation_certificate(tmp_path)
    xml = memo.build(letter())
    with serviceplatformen(cvr="12345678", use_key=one_line) as service:
        transport = sf1601(service.url, cert, key)
        assert transport.send(letter().message_uuid, xml) == transports.Outcome.SENT
    assert [path for path, _headers, _body in service.requests] == [
        "/sts/issue",
        "/service/AccessTokenService_1/token",
        "/service/KombiPostAfsend_1/kombi",
    ]
    _path, headers, body = service.requests[2]
    assert headers["Content-Type"] == "application/xml"
    assert headers["X-Transaktionsid"] == str(letter().message_uuid)
    assert headers["X-Transaktionstid"].endswith("GMT")
    root = etree.fromstring(body)
    assert root.tag == "kombi_request"
    assert root.findtext("KombiValgKode") == "Digital Post"
    sent = root.find(f"{{{memo.NAMESPACE}}}Message")
    assert sent is not None and etree.tostring(sent) == etree.tostring(etree.fromstring(xml))
    assert list(service.accepted) == [str(letter().message_uuid)]


def test_sf1601_outage_is_transient_and_a_refusal_is_not(tmp_path: Path) -> None:
    cert, key, one_line = organisation_certificate(tmp_path)
    with serviceplatformen(cvr="12345678", use_key=one_line) as service:
        transport = sf1601(service.url, cert, key)
        service.outages = 1
        with pytest.raises(transports.TransportError, match="503"):
            transport.send(letter().message_uuid, memo.build(letter()))
        refused = memo.build(letter()).replace(b"DIGITALPOST", b"BREVPOST")
        with pytest.raises(transports.RejectedError, match="400"):
            transport.send(letter().message_uuid, refused)
        wrong_cvr = transports.Sf1601Transport(**{**transport.__dict__, "cvr": "87654321"})
        with pytest.raises(transports.RejectedError, match="400"):
            wrong_cvr.send(letter().message_uuid, memo.build(letter()))
    assert service.accepted == {}


def test_sf1601_that_cannot_be_reached_is_transient(tmp_path: Path) -> None:
    cert, key, _one_line = organisation_certificate(tmp_path)
    with serviceplatformen(cvr="12345678", use_key="") as service:
        url = service.url
    with pytest.raises(transports.TransportError, match="kunne ikke nås"):
        sf1601(url, cert, key).send(uuid.uuid4(), memo.build(letter()))
