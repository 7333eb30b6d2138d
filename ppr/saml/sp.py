"""The service provider: the signed AuthnRequest out, the Response in.

``consume`` accepts a Response only when python3-saml (xmlsec 1.3) has verified the assertion's
RSA-SHA256 signature with the IdP's metadata certificate (an encrypted assertion is decrypted
first: RSA-OAEP with MGF1-SHA256 and AES-256-GCM, or the older rsa-oaep-mgf1p / AES-CBC), its
issuer, Destination, Recipient, NotBefore/NotOnOrAfter (python3-saml allows 5 minutes' clock drift) and audience are
right, the audience names this SP (python3-saml alone passes an assertion without one), the
assertion id has not been used before (``SeenAssertion``), and it answers an AuthnRequest this SP sent
and nothing has answered yet. OIOSAML 3 and an NSIS level of assurance of at least Substantial are required.
"""

import base64
import datetime as dt
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from lxml import etree
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.errors import OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from . import config, privileges
from .models import OutstandingRequest, SeenAssertion
from .privileges import Privilege

#: How long an AuthnRequest waits for its Response.
REQUEST_LIFETIME = dt.timedelta(minutes=15)
SPEC_VERSION = "https://data.gov.dk/model/core/specVersion"
LOA = "https://data.gov.dk/concept/core/nsis/loa"
EID = "https://data.gov.dk/model/core/eid/"
ACCEPTED_LOA = frozenset({"Substantial", "High"})
#: The encryption the SP takes, declared in its metadata (as OIOSAML.Net does): NemLog-in's
#: XML Encryption 1.1 algorithms first, then the 1.0 ones for an IdP that has no 1.1.
ENCRYPTION_METHODS = (
    "http://www.w3.org/2009/xmlenc11#aes256-gcm",
    "http://www.w3.org/2009/xmlenc11#aes128-gcm",
    "http://www.w3.org/2009/xmlenc11#rsa-oaep",
    "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
    "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
)
#: How long past its NotOnOrAfter an assertion id is remembered: more than python3-saml's
#: 5 minutes of allowed clock drift, so no replay outlives the cache.
DRIFT = dt.timedelta(minutes=10)


class SamlError(Exception):
    """A Response that is refused; ``reason`` is for the log, never shown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """Who the IdP vouches for, and what the municipality lets him do."""

    subject: str
    email: str
    first_name: str
    last_name: str
    privileges: list[Privilege] = field(default_factory=list)
    assertion_id: str = ""
    #: Where the user was going (the login's ``next``), as stored with the AuthnRequest.
    next_url: str = ""


def _settings() -> OneLogin_Saml2_Settings:
    return OneLogin_Saml2_Settings(config.saml_settings(), sp_validation_only=False)


def _request_data(request: HttpRequest) -> dict[str, Any]:
    """The request as python3-saml reads it, on the site's public address (PPR_SITE_URL) so a
    proxy's Host header cannot change the Destination the Response is checked against."""
    site = urlsplit(settings.PPR_SITE_URL)
    return {
        "https": "on" if site.scheme == "https" else "off",
        "http_host": site.netloc,
        "script_name": request.path,
        "get_data": request.GET.copy(),
        "post_data": request.POST.copy(),
    }


def metadata() -> str:
    """The SP's metadata, with the encryption algorithms it takes on its encryption key."""
    saml = _settings()
    xml = saml.get_sp_metadata()
    root = etree.fromstring(xml if isinstance(xml, bytes) else xml.encode())
    md = "urn:oasis:names:tc:SAML:2.0:metadata"
    keys = list(root.iter(f"{{{md}}}KeyDescriptor"))
    if not any(key.get("use") == "encryption" for key in keys):
        # python3-saml lists the key for encryption only when encryption is demanded; the SP
        # takes encrypted and unencrypted (signed) assertions, so it lists it here.
        encryption = deepcopy(keys[0])
        encryption.set("use", "encryption")
        keys[0].addnext(encryption)
        keys.append(encryption)
    for key in keys:
        if key.get("use") == "encryption":
            for algorithm in ENCRYPTION_METHODS:
                etree.SubElement(key, f"{{{md}}}EncryptionMethod", Algorithm=algorithm)
    errors = saml.validate_metadata(etree.tostring(root))
    if errors:
        raise SamlError(f"SP-metadata ugyldig: {errors}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()


def login_url(request: HttpRequest, next_url: str) -> str:
    """The IdP's SSO address with a signed HTTP-Redirect AuthnRequest; its id is kept for the
    Response's InResponseTo, with where to go after."""
    auth = OneLogin_Saml2_Auth(_request_data(request), old_settings=_settings())
    url: str = auth.login()
    OutstandingRequest.objects.filter(expires_at__lt=timezone.now()).delete()
    OutstandingRequest.objects.create(
        request_id=auth.get_last_request_id(),
        next_url=next_url[:500],
        expires_at=timezone.now() + REQUEST_LIFETIME,
    )
    return url


def _answered(in_response_to: str | None) -> OutstandingRequest:
    """The outstanding AuthnRequest the Response answers, used up."""
    if not in_response_to:
        raise SamlError("ikke svar på en forespørgsel (intet InResponseTo)")
    outstanding = OutstandingRequest.objects.filter(
        request_id=in_response_to, expires_at__gte=timezone.now()
    ).first()
    if outstanding is None or not OutstandingRequest.objects.filter(pk=outstanding.pk).delete()[0]:
        raise SamlError(f"svarer ikke på en udestående forespørgsel ({in_response_to})")
    return outstanding


def _first(attributes: dict[str, list[str]], *names: str) -> str:
    for name in names:
        values = attributes.get(name) or []
        if values and values[0]:
            return str(values[0]).strip()
    return ""


def _subject_from_name_id(name_id: str) -> str:
    """``Serial=<uuid>`` from an OIOSAML NameID such as ``C=DK,O=…,CN=…,Serial=…``."""
    for part in name_id.split(","):
        key, _, value = part.partition("=")
        if key.strip().lower() == "serial" and value.strip():
            return value.strip()
    return name_id.strip()


def _remember(assertion_id: str, issuer: str, until: dt.datetime) -> None:
    try:
        with transaction.atomic():
            SeenAssertion.objects.create(
                assertion_id=assertion_id, issuer=issuer[:500], expires_at=until
            )
    except IntegrityError as error:
        raise SamlError(f"genbrugt assertion {assertion_id}") from error


SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
XENC_NS = "http://www.w3.org/2001/04/xmlenc#"


def _decrypted(encoded: str, saml: OneLogin_Saml2_Settings) -> str:
    """The Response with its EncryptedAssertion replaced by the decrypted Assertion.

    python3-saml would decrypt it too, but first validates the Response against its bundled
    XML Encryption 1.0 schema, whose strict wildcard refuses XML Encryption 1.1's
    ``xenc11:MGF`` – every RSA-OAEP/MGF1-SHA256 assertion Context Handler and NemLog-in send.
    So the SP decrypts with the same xmlsec 1.3 (``decrypt_element``) here, and python3-saml
    then validates and verifies the plain Response as usual (the assertion's signature is
    over the assertion, not its encryption)."""
    document = OneLogin_Saml2_XML.to_etree(base64.b64decode(encoded))
    wrappers = document.findall(f"{{{SAML_NS}}}EncryptedAssertion")
    if not wrappers:
        return encoded
    if len(wrappers) > 1 or document.find(f"{{{SAML_NS}}}Assertion") is not None:
        raise SamlError("mere end én assertion")
    wrapper = wrappers[0]
    data = wrapper.find(f"{{{XENC_NS}}}EncryptedData")
    if data is None:
        raise SamlError("EncryptedAssertion uden EncryptedData")
    assertion = OneLogin_Saml2_Utils.decrypt_element(data, saml.get_sp_key())
    if not isinstance(assertion, etree._Element) or assertion.tag != f"{{{SAML_NS}}}Assertion":
        raise SamlError("det dekrypterede er ikke en Assertion")
    wrapper.getparent().replace(wrapper, assertion)
    return base64.b64encode(etree.tostring(document)).decode()


def consume(request: HttpRequest) -> Identity:
    """The Identity in the POSTed ``SAMLResponse``, or ``SamlError``."""
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded:
        raise SamlError("ingen SAMLResponse")
    saml = _settings()
    try:
        response = OneLogin_Saml2_Response(saml, _decrypted(encoded, saml))
        # InResponseTo is checked below against the SP's outstanding AuthnRequests.
        response.is_valid(_request_data(request), raise_exceptions=True)
    except (OneLogin_Saml2_ValidationError, OneLogin_Saml2_Error) as error:
        raise SamlError(f"afvist: {error}") from error
    except Exception as error:  # noqa: BLE001 - xmlsec / lxml errors on a hostile document
        raise SamlError(f"kunne ikke læses: {type(error).__name__}: {error}") from error
    audiences = response.get_audiences()
    if config.sp_entity_id() not in audiences:
        raise SamlError(f"forkert eller manglende audience {audiences}")
    assertion_id = response.get_assertion_id()
    if not assertion_id:
        raise SamlError("assertion uden id")
    not_after = response.get_assertion_not_on_or_after()
    until = (dt.datetime.fromtimestamp(not_after, dt.UTC) if not_after else timezone.now()) + DRIFT
    issuer = saml.get_idp_data()["entityId"]
    _remember(assertion_id, issuer, max(until, timezone.now() + DRIFT))
    outstanding = _answered(response.get_in_response_to())
    attributes: dict[str, list[str]] = response.get_attributes()
    if _first(attributes, SPEC_VERSION) != "OIO-SAML-3.0":
        raise SamlError("ikke OIOSAML 3 (specVersion)")
    loa = _first(attributes, LOA)
    if loa not in ACCEPTED_LOA:
        raise SamlError(f"sikringsniveau {loa or 'mangler'} (kræver Substantial)")
    name_id = response.get_nameid() or ""
    subject = _first(attributes, f"{EID}professional/uuid/persistent") or _subject_from_name_id(
        name_id
    )
    email = _first(attributes, f"{EID}email").lower()
    if not subject or not email:
        raise SamlError("assertion uden persistent uuid eller e-mail")
    raw = _first(attributes, privileges.ATTRIBUTE, privileges.ATTRIBUTE_OIOSAML2)
    try:
        granted = privileges.parse(raw) if raw else []
    except privileges.PrivilegeError as error:
        raise SamlError(f"privilegesIntermediate: {error}") from error
    if settings.PPR_SAML_CVR:
        granted = [p for p in granted if p.cvr == settings.PPR_SAML_CVR]
    return Identity(
        subject=subject[:200],
        email=email,
        first_name=_first(attributes, f"{EID}firstName")[:150],
        last_name=_first(attributes, f"{EID}lastName")[:150],
        privileges=granted,
        assertion_id=assertion_id,
        next_url=outstanding.next_url,
    )
