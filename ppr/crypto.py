"""Field encryption for personal identifiers (CPR numbers).

``PPR_FIELD_KEY`` holds one or more secrets (comma-separated, newest first, for rotation).
Each secret derives two independent keys: a Fernet key that encrypts the value at rest and an
HMAC key for exact lookup and uniqueness, so a database dump holds no CPR number in clear.

New values are encrypted and hashed with the newest secret; reading and lookup accept every
configured secret, so rows written before a rotation are found until ``manage.py rekey_cpr``
has moved them to the newest secret and the old one can be removed (README, "Rotating
PPR_FIELD_KEY").
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _derive(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"ppr-sag:{purpose}:{secret}".encode()).digest()


def _secrets() -> list[str]:
    return [part.strip() for part in settings.FIELD_ENCRYPTION_KEY.split(",") if part.strip()]


@cache
def _fernet(key_material: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(_derive(s, "encrypt"))) for s in key_material]
    )


def encrypt(value: str) -> str:
    return _fernet(tuple(_secrets())).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(_secrets())).decrypt(token.encode()).decode()


def _hash(secret: str, value: str) -> str:
    return hmac.new(_derive(secret, "lookup"), value.encode(), hashlib.sha256).hexdigest()


def lookup_hash(value: str) -> str:
    """The keyed hash stored with a new or re-keyed value: made with the newest secret."""
    return _hash(_secrets()[0], value)


def lookup_hashes(value: str) -> list[str]:
    """The value's hash under every configured secret, newest first: what a lookup matches, so
    rows hashed before a rotation are found until they are re-keyed."""
    return [_hash(secret, value) for secret in _secrets()]


def is_current(token: str) -> bool:
    """Whether ``token`` is encrypted with the newest secret (re-keying can skip it)."""
    try:
        _fernet((_secrets()[0],)).decrypt(token.encode())
    except InvalidToken:
        return False
    return True
