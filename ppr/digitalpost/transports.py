"""Where a MeMo message goes: chosen by ``PPR_DIGITALPOST_TRANSPORT`` (README, "Digital Post").

- ``sf1601``: Serviceplatformen's KombiPostAfsend (SF1601) over REST, as INTEGRATIONS.md §4
  describes: a SAML token from the STS (mTLS with the organisation's certificate), exchanged
  for a holder-of-key access token, then the ``kombi_request`` with the MeMo message.
- ``folder``: the message as ``<uuid>.xml`` in a folder the municipality's integration platform
  picks up.
- ``local``: the demo's and the tests' mailbox: kept as ``<uuid>.xml`` in a folder on this
  machine and counted as delivered.
- ``off``: no Digital Post; documents are sent by letter as before.

Every transport is idempotent by the message UUID: sending the same message twice writes the
same file, or repeats the same ``messageUUID`` (and ``X-TransaktionsId``) to SF1601.
"""

import json
import os
import ssl
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from email.utils import format_datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


class TransportError(Exception):
    """A failure that may pass (network, timeout, a 5xx): the message is tried again later."""


class RejectedError(Exception):
    """The receiver refused the message itself (a 4xx): trying again would not help."""


class Outcome(StrEnum):
    SENT = "sendt"
    DELIVERED = "leveret"


class Transport(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, message_uuid: uuid.UUID, xml: bytes) -> Outcome: ...


def _write_atomically(folder: Path, message_uuid: uuid.UUID, xml: bytes) -> Path:
    """Write ``<uuid>.xml`` so a reader never sees half a file (rename within the folder)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{message_uuid}.xml"
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(xml)
        os.replace(temporary, target)
    except OSError as exc:
        raise TransportError(f"Kunne ikke skrive i mappen: {exc.strerror or exc}") from exc
    return target


@dataclass(frozen=True)
class FolderTransport:
    """Hands the message to the integration platform through a shared folder."""

    folder: Path
    name: str = "folder"

    def send(self, message_uuid: uuid.UUID, xml: bytes) -> Outcome:
        _write_atomically(self.folder, message_uuid, xml)
        return Outcome.SENT


@dataclass(frozen=True)
class LocalTransport:
    """The demo's mailbox: keeps each message in a folder on this machine."""

    folder: Path
    name: str = "local"

    def send(self, message_uuid: uuid.UUID, xml: bytes) -> Outcome:
        _write_atomically(self.folder, message_uuid, xml)
        return Outcome.DELIVERED

    def kept(self, message_uuid: uuid.UUID) -> bytes | None:
        path = self.folder / f"{message_uuid}.xml"
        return path.read_bytes() if path.exists() else None


#: The entity id SF1601's sending service is known by at the STS.
KOMBI_ENTITY_ID = "http://entityid.kombit.dk/service/kombipostafsend/1"


@dataclass(frozen=True)
class Sf1601Transport:
    """SF1601 KombiPostAfsend on Serviceplatformen (REST, OIO IDWS token)."""

    sts_url: str
    service_url: str
    cvr: str
    cert_path: str
    key_path: str
    ca_path: str = ""
    kombi_choice: str = "Digital Post"
    timeout: float = 30.0
    name: str = "sf1601"

    def use_key(self) -> str:
        """The organisation's certificate on one line (PEM without its armour), as ``UseKey``."""
        with open(self.cert_path, "rb") as handle:
            cert = x509.load_pem_x509_certificate(handle.read())
        pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
        return "".join(pem.strip().splitlines()[1:-1])

    def token_request(self) -> dict[str, object]:
        """Step 1: the STS's issue request for a SAML token to the sending service."""
        return {
            "TokenType": "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0",
            "RequestType": "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue",
            "KeyType": "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey",
            "AnvenderKontekst": {"Cvr": self.cvr},
            "UseKey": self.use_key(),
            "AppliesTo": {"EndpointReference": {"Address": KOMBI_ENTITY_ID}},
            "OnBehalfOf": None,
        }

    @staticmethod
    def kombi_request(xml: bytes, choice: str = "Digital Post") -> bytes:
        """Step 3's body: ``<kombi_request>`` with the channel and the MeMo message."""
        body = xml.split(b"?>", 1)[1].lstrip() if xml.startswith(b"<?xml") else xml
        return (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<kombi_request><KombiValgKode>'
            + choice.encode()
            + b"</KombiValgKode>"
            + body
            + b"</kombi_request>"
        )

    def _url(self, path: str) -> str:
        return urllib.parse.urljoin(self.service_url.rstrip("/") + "/", path)

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_path or None)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    def _post(self, url: str, data: bytes, headers: dict[str, str]) -> bytes:
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(  # noqa: S310 (the URLs come from settings)
                request, timeout=self.timeout, context=self._context()
            ) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace")
            where = urllib.parse.urlsplit(url).path
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                raise RejectedError(f"{where} svarede {exc.code}: {detail}") from exc
            raise TransportError(f"{where} svarede {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransportError(f"Serviceplatformen kunne ikke nås: {reason}") from exc

    def access_token(self) -> str:
        """Steps 1 and 2: the SAML token from the STS, exchanged for an access token."""
        issued = json.loads(
            self._post(
                self.sts_url,
                json.dumps(self.token_request()).encode(),
                {"Content-Type": "application/json", "Accept": "application/json"},
            )
        )
        try:
            assertion = issued["RequestedSecurityToken"]["Assertion"]
        except (KeyError, TypeError) as exc:
            raise TransportError("STS'ens svar indeholdt ingen SAML-token.") from exc
        token = json.loads(
            self._post(
                self._url("service/AccessTokenService_1/token"),
                urllib.parse.urlencode({"saml-token": assertion}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
        )
        try:
            return f"{token['token_type']} {token['access_token']}"
        except (KeyError, TypeError) as exc:
            raise TransportError("Tokenservicens svar indeholdt ingen adgangstoken.") from exc

    def send(self, message_uuid: uuid.UUID, xml: bytes) -> Outcome:
        """Step 3: post the kombi request; the message UUID is also the transaction id."""
        self._post(
            self._url("service/KombiPostAfsend_1/kombi"),
            self.kombi_request(xml, self.kombi_choice),
            {
                "Content-Type": "application/xml",
                "Authorization": self.access_token(),
                "X-TransaktionsId": str(message_uuid),
                "X-TransaktionsTid": format_datetime(timezone.now(), usegmt=True),
            },
        )
        return Outcome.SENT


def enabled() -> bool:
    return settings.PPR_DIGITALPOST_TRANSPORT != "off"


def configured() -> Transport:
    """The transport the settings name; ``off`` has none."""
    kind = settings.PPR_DIGITALPOST_TRANSPORT
    folder = Path(settings.PPR_DIGITALPOST_DIR)
    if kind == "local":
        return LocalTransport(folder)
    if kind == "folder":
        return FolderTransport(folder)
    if kind == "sf1601":
        return Sf1601Transport(
            sts_url=settings.PPR_DIGITALPOST_SF1601_STS_URL,
            service_url=settings.PPR_DIGITALPOST_SF1601_SERVICE_URL,
            cvr=settings.PPR_DIGITALPOST_SENDER_CVR,
            cert_path=settings.PPR_DIGITALPOST_SF1601_CERT,
            key_path=settings.PPR_DIGITALPOST_SF1601_KEY,
            ca_path=settings.PPR_DIGITALPOST_SF1601_CA,
        )
    raise ImproperlyConfigured("Digital Post er slået fra (PPR_DIGITALPOST_TRANSPORT=off).")
