"""A local stand-in for KOMBIT's Context Handler 2 (OIOSAML 3, SAML 2.0), for the demo and the
tests (issue 24). Not for production.

It issues what Context Handler issues (INTEGRATIONS.md §1): a ``samlp:Response`` over HTTP-POST
whose ``saml:Assertion`` is signed with RSA-SHA256 (exclusive C14N, SHA-256 digest) and,
when the SP's certificate is given, encrypted as NemLog-in does it: the key with
``xmlenc11#rsa-oaep`` (SHA-256 digest, ``xmlenc11#mgf1sha256``), the assertion with
``xmlenc11#aes256-gcm``. The encryption is written here with ``cryptography`` from the XML
Encryption 1.1 recommendation, independently of the SP's xmlsec, so the tests prove that the SP
decrypts exactly those algorithms. Attributes are OIOSAML 3's, roles a base64 BPP 1.2
PrivilegeList. ``IdP.metadata()`` is its IdP metadata; ``serve()`` runs it on 127.0.0.1: the
SP's signed HTTP-Redirect AuthnRequest in (``/sso``; the signature is checked), a page to pick
a demo person, the auto-posting form to the ACS out.
"""

import base64
import datetime as dt
import html
import os
import threading
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from ppr.saml import privileges

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
URI_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
EID = "https://data.gov.dk/model/core/eid/"
#: The demo municipality's CVR number (fictitious) and its roles' entity-id prefix.
DEMO_CVR = "29189900"
DEMO_ROLE = "http://nordvig.dk/roles/usersystemrole/{}/1"


def make_key_and_cert(common_name: str) -> tuple[str, str]:
    """A fresh RSA key and a self-signed certificate, both PEM (the stand-in's and the tests')."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def cert_body(cert_pem: str) -> str:
    return "".join(line for line in cert_pem.strip().splitlines() if "-----" not in line)


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encrypt(element: etree._Element, sp_cert_pem: str) -> etree._Element:
    """``element`` as ``xenc:EncryptedData``: AES-256-GCM content, key by RSA-OAEP (SHA-256,
    MGF1-SHA256) – XML Encryption 1.1 §5.2.4 (CipherValue = IV ‖ ciphertext ‖ tag) and §5.5.2."""
    cert = x509.load_pem_x509_certificate(sp_cert_pem.encode())
    public_key = cert.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    key, iv = os.urandom(32), os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, etree.tostring(element), None)
    wrapped = public_key.encrypt(
        key,
        padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
    )
    nsmap = {"xenc": XENC, "xenc11": XENC11, "ds": DS}
    data = etree.Element(etree.QName(XENC, "EncryptedData"), nsmap=nsmap, Type=f"{XENC}Element")
    etree.SubElement(data, etree.QName(XENC, "EncryptionMethod"), Algorithm=f"{XENC11}aes256-gcm")
    info = etree.SubElement(data, etree.QName(DS, "KeyInfo"))
    encrypted_key = etree.SubElement(info, etree.QName(XENC, "EncryptedKey"))
    method = etree.SubElement(
        encrypted_key, etree.QName(XENC, "EncryptionMethod"), Algorithm=f"{XENC11}rsa-oaep"
    )
    etree.SubElement(method, etree.QName(DS, "DigestMethod"), Algorithm=f"{XENC}sha256")
    etree.SubElement(method, etree.QName(XENC11, "MGF"), Algorithm=f"{XENC11}mgf1sha256")
    key_data = etree.SubElement(encrypted_key, etree.QName(XENC, "CipherData"))
    etree.SubElement(key_data, etree.QName(XENC, "CipherValue")).text = base64.b64encode(
        wrapped
    ).decode()
    cipher = etree.SubElement(data, etree.QName(XENC, "CipherData"))
    etree.SubElement(cipher, etree.QName(XENC, "CipherValue")).text = base64.b64encode(
        iv + sealed
    ).decode()
    return data


@dataclass(frozen=True)
class Person:
    """A municipal employee at the stand-in: name, e-mail and the roles the municipality's user
    administration gives him as ``(role name, org-unit values)`` (values "" = no constraint)."""

    name: str
    email: str
    roles: tuple[tuple[str, str], ...]
    uuid: str = ""
    note: str = ""

    @property
    def subject(self) -> str:
        return self.uuid or str(uuid.uuid5(uuid.NAMESPACE_URL, f"ppr-demo-kombit:{self.email}"))

    def privilege_list(
        self,
        cvr: str = DEMO_CVR,
        namespace: str = "http://digst.dk/oiosaml/basic_privilege_profile",
    ) -> str:
        groups = []
        for role, units in self.roles:
            constraints = {privileges.ORG_UNIT: units} if units else {}
            groups.append((cvr, [DEMO_ROLE.format(role)], constraints))
        return privileges.build(groups, namespace=namespace)


@dataclass
class IdP:
    """The stand-in identity provider: its entity id, key and certificate."""

    entity_id: str = "http://standin.kombit.local/runtime/saml2/metadata.idp"
    sso_url: str = "http://127.0.0.1:8766/sso"
    key_pem: str = ""
    cert_pem: str = ""
    people: list[Person] = field(default_factory=list)
    #: The SP's certificate: when set, ``/sso`` refuses an AuthnRequest it did not sign.
    sp_cert_pem: str = ""

    def __post_init__(self) -> None:
        if not self.key_pem:
            self.key_pem, self.cert_pem = make_key_and_cert("PPR Sag KOMBIT stand-in IdP")

    def metadata(self) -> str:
        root = etree.Element(
            etree.QName(MD, "EntityDescriptor"), nsmap={"md": MD, "ds": DS}, entityID=self.entity_id
        )
        idp = etree.SubElement(
            root,
            etree.QName(MD, "IDPSSODescriptor"),
            WantAuthnRequestsSigned="true",
            protocolSupportEnumeration=SAMLP,
        )
        key = etree.SubElement(idp, etree.QName(MD, "KeyDescriptor"), use="signing")
        data = etree.SubElement(
            etree.SubElement(key, etree.QName(DS, "KeyInfo")), etree.QName(DS, "X509Data")
        )
        etree.SubElement(data, etree.QName(DS, "X509Certificate")).text = cert_body(self.cert_pem)
        etree.SubElement(idp, etree.QName(MD, "NameIDFormat")).text = PERSISTENT
        etree.SubElement(
            idp, etree.QName(MD, "SingleSignOnService"), Binding=REDIRECT, Location=self.sso_url
        )
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()

    def response(
        self,
        person: Person,
        *,
        acs_url: str,
        audience: str,
        in_response_to: str | None = None,
        issued: dt.datetime | None = None,
        lifetime: dt.timedelta = dt.timedelta(minutes=5),
        sign: bool = True,
        encrypt_for: str | None = None,
        privileges_value: str | None = None,
        attributes: dict[str, str] | None = None,
        assertion_id: str | None = None,
        tamper: bool = False,
    ) -> str:
        """A base64 ``samlp:Response`` for ``person`` as the ACS receives it in
        ``SAMLResponse``. ``tamper`` changes the signed e-mail after signing."""
        issued = issued or dt.datetime.now(dt.UTC)
        until = issued + lifetime
        nsmap = {"samlp": SAMLP, "saml": SAML}
        response = etree.Element(
            etree.QName(SAMLP, "Response"),
            nsmap=nsmap,
            ID=f"_{uuid.uuid4().hex}",
            Version="2.0",
            IssueInstant=_time(issued),
            Destination=acs_url,
        )
        if in_response_to:
            response.set("InResponseTo", in_response_to)
        etree.SubElement(response, etree.QName(SAML, "Issuer")).text = self.entity_id
        status = etree.SubElement(response, etree.QName(SAMLP, "Status"))
        etree.SubElement(
            status,
            etree.QName(SAMLP, "StatusCode"),
            Value="urn:oasis:names:tc:SAML:2.0:status:Success",
        )
        assertion = etree.Element(
            etree.QName(SAML, "Assertion"),
            nsmap={"saml": SAML},
            ID=assertion_id or f"_{uuid.uuid4().hex}",
            Version="2.0",
            IssueInstant=_time(issued),
        )
        etree.SubElement(assertion, etree.QName(SAML, "Issuer")).text = self.entity_id
        subject = etree.SubElement(assertion, etree.QName(SAML, "Subject"))
        etree.SubElement(
            subject, etree.QName(SAML, "NameID"), Format=PERSISTENT
        ).text = f"C=DK,O={DEMO_CVR},CN={person.name},Serial={person.subject}"
        confirmation = etree.SubElement(
            subject,
            etree.QName(SAML, "SubjectConfirmation"),
            Method="urn:oasis:names:tc:SAML:2.0:cm:bearer",
        )
        confirmation_data = etree.SubElement(
            confirmation,
            etree.QName(SAML, "SubjectConfirmationData"),
            NotOnOrAfter=_time(until),
            Recipient=acs_url,
        )
        if in_response_to:
            confirmation_data.set("InResponseTo", in_response_to)
        conditions = etree.SubElement(
            assertion,
            etree.QName(SAML, "Conditions"),
            NotBefore=_time(issued - dt.timedelta(seconds=30)),
            NotOnOrAfter=_time(until),
        )
        restriction = etree.SubElement(conditions, etree.QName(SAML, "AudienceRestriction"))
        etree.SubElement(restriction, etree.QName(SAML, "Audience")).text = audience
        authn = etree.SubElement(
            assertion,
            etree.QName(SAML, "AuthnStatement"),
            AuthnInstant=_time(issued),
            SessionIndex=f"_{uuid.uuid4().hex}",
        )
        context = etree.SubElement(authn, etree.QName(SAML, "AuthnContext"))
        etree.SubElement(
            context, etree.QName(SAML, "AuthnContextClassRef")
        ).text = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
        first, _, last = person.name.rpartition(" ")
        values = {
            "https://data.gov.dk/model/core/specVersion": "OIO-SAML-3.0",
            "dk:gov:saml:attribute:KombitSpecVer": "2.0",
            "https://data.gov.dk/concept/core/nsis/loa": "Substantial",
            f"{EID}professional/cvr": DEMO_CVR,
            f"{EID}professional/uuid/persistent": person.subject,
            f"{EID}email": person.email,
            f"{EID}firstName": first,
            f"{EID}lastName": last,
            privileges.ATTRIBUTE: privileges_value
            if privileges_value is not None
            else person.privilege_list(),
            **(attributes or {}),
        }
        statement = etree.SubElement(assertion, etree.QName(SAML, "AttributeStatement"))
        for name, value in values.items():
            attribute = etree.SubElement(
                statement, etree.QName(SAML, "Attribute"), Name=name, NameFormat=URI_FORMAT
            )
            etree.SubElement(attribute, etree.QName(SAML, "AttributeValue")).text = value
        if sign:
            signed = OneLogin_Saml2_Utils.add_sign(assertion, self.key_pem, self.cert_pem)
            assertion = etree.fromstring(signed if isinstance(signed, bytes) else signed.encode())
        if tamper:
            for node in assertion.iter(etree.QName(SAML, "AttributeValue").text):
                if node.text == person.email:
                    node.text = "angriber@example.com"
        if encrypt_for:
            wrapper = etree.SubElement(response, etree.QName(SAML, "EncryptedAssertion"))
            wrapper.append(encrypt(assertion, encrypt_for))
        else:
            response.append(assertion)
        return base64.b64encode(etree.tostring(response)).decode()


DEMO_PEOPLE = [
    Person(
        "Lotte Kommunal",
        "lotte.kommunal@ppr.nordvig.dk",
        (("ppr-psykolog", "team-vest"),),
        note="PPR-psykolog i Team Vest (ny medarbejder, oprettes ved første login)",
    ),
    Person(
        "Lotte Kommunal",
        "lotte.kommunal@ppr.nordvig.dk",
        (),
        note="Samme person, efter at rollen er fjernet i kommunens brugeradministration",
    ),
]


def serve(idp: IdP, host: str = "127.0.0.1", port: int = 8766) -> ThreadingHTTPServer:
    """Serve ``idp`` at http://host:port (``/metadata``, ``/sso``) until shut down."""
    people = idp.people or DEMO_PEOPLE

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
            return

        def _send(self, status: int, body: str, kind: str = "text/html; charset=utf-8") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if url.path == "/metadata":
                self._send(200, idp.metadata(), "application/samlmetadata+xml")
                return
            if url.path != "/sso" or "SAMLRequest" not in query:
                self._send(404, "Ikke fundet")
                return
            request = etree.fromstring(
                zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
            )
            if "Signature" not in query or not _signed_by(url.query, idp.sp_cert_pem):
                self._send(400, "AuthnRequest skal være signeret af SP'en (OIOSAML 3)")
                return
            acs = request.get("AssertionConsumerServiceURL", "")
            audience = (request.findtext(f"{{{SAML}}}Issuer") or "").strip()
            if "person" in query:
                person = people[int(query["person"][0])]
                body = idp.response(
                    person, acs_url=acs, audience=audience, in_response_to=request.get("ID")
                )
                relay = query.get("RelayState", [""])[0]
                self._send(200, _post_form(acs, body, relay))
                return
            self._send(200, _chooser(self.path, people))

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _signed_by(raw_query: str, cert_pem: str) -> bool:
    """Whether the HTTP-Redirect binding's signature (SAML bindings §3.4.4.1: over
    ``SAMLRequest=…&RelayState=…&SigAlg=…`` as sent) verifies with ``cert_pem`` (no cert: any)."""
    if not cert_pem:
        return True
    parts = dict(part.split("=", 1) for part in raw_query.split("&") if "=" in part)
    signed = "&".join(
        f"{name}={parts[name]}" for name in ("SAMLRequest", "RelayState", "SigAlg") if name in parts
    )
    query = parse_qs(raw_query)
    return bool(
        OneLogin_Saml2_Utils.validate_binary_sign(
            signed,
            base64.b64decode(query["Signature"][0]),
            cert_pem,
            query["SigAlg"][0],
        )
    )


def _chooser(path: str, people: Iterable[Person]) -> str:
    items = "".join(
        f'<li><a href="{html.escape(path)}&amp;person={index}">{html.escape(p.name)}</a>'
        f" – {html.escape(p.note)}</li>"
        for index, p in enumerate(people)
    )
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>KOMBIT stand-in'
        f"</title></head><body><main><h1>Log ind (KOMBIT stand-in)</h1><ul>{items}</ul>"
        "</main></body></html>"
    )


def _post_form(acs: str, response: str, relay: str) -> str:
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Sender…</title></head>'
        f'<body onload="document.forms[0].submit()"><main><form method="post" action="{html.escape(acs)}">'
        f'<input type="hidden" name="SAMLResponse" value="{response}">'
        f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
        '<button type="submit">Fortsæt</button></form></main></body></html>'
    )
