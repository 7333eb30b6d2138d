"""python3-saml's settings from the ``PPR_SAML_*`` environment (ppr/settings.py).

The IdP's metadata is read from a file or an https URL and kept for an hour (Context Handler
publishes it at ``https://n2adgangsstyring.<env>.dk/runtime/saml2/metadata.idp``).
"""

import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from ppr.site import absolute_url

METADATA_TTL = 3600.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def enabled() -> bool:
    return bool(settings.PPR_SAML_IDP_METADATA)


def acs_url() -> str:
    return absolute_url("/saml/acs/")


def sp_entity_id() -> str:
    return settings.PPR_SAML_SP_ENTITY_ID or absolute_url("/saml/metadata/")


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ImproperlyConfigured(f"Kan ikke læse {path} ({error.strerror}).") from error


def idp_settings() -> dict[str, Any]:
    """The IdP's entity id, SSO URL and signing certificate(s), from its metadata."""
    source = settings.PPR_SAML_IDP_METADATA
    now = time.monotonic()
    with _lock:
        cached = _cache.get(source)
        if cached and now - cached[0] < METADATA_TTL:
            return cached[1]
    if source.startswith("https://") or (settings.DEBUG and source.startswith("http://")):
        parsed = OneLogin_Saml2_IdPMetadataParser.parse_remote(source, timeout=10)
    else:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(_read(source))
    idp = parsed.get("idp")
    if not idp or not idp.get("entityId") or not idp.get("singleSignOnService"):
        raise ImproperlyConfigured(f"{source} er ikke metadata for en SAML-identitetsudbyder.")
    with _lock:
        _cache[source] = (now, idp)
    return idp


def forget_metadata() -> None:
    with _lock:
        _cache.clear()


def saml_settings() -> dict[str, Any]:
    """The settings dictionary python3-saml's ``OneLogin_Saml2_Settings`` takes: strict,
    signed AuthnRequests, signed assertions required, RSA-SHA256 / SHA-256 only."""
    return {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": sp_entity_id(),
            "assertionConsumerService": {"url": acs_url(), "binding": C.BINDING_HTTP_POST},
            "NameIDFormat": C.NAMEID_PERSISTENT,
            "x509cert": _read(settings.PPR_SAML_SP_CERT_FILE),
            "privateKey": _read(settings.PPR_SAML_SP_KEY_FILE),
        },
        "idp": idp_settings(),
        "security": {
            "authnRequestsSigned": True,
            "wantAssertionsSigned": True,
            "wantMessagesSigned": False,
            "wantNameId": True,
            "wantAttributeStatement": True,
            "signMetadata": False,
            "signatureAlgorithm": C.RSA_SHA256,
            "digestAlgorithm": C.SHA256,
            "rejectDeprecatedAlgorithm": True,
            "allowRepeatAttributeName": True,
            # Our own configured addresses (a single-label host such as the demo's localhost).
            "allowSingleLabelDomains": True,
            "requestedAuthnContext": False,
            "wantAssertionsEncrypted": False,
            "wantNameIdEncrypted": False,
        },
    }
