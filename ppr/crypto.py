"""Field encryption for personal identifiers (CPR numbers).

``PPR_FIELD_KEY`` holds one or more secrets (comma-separated, newest first, for rotation).
Each secret derives two independent keys: a Fernet key that encrypts the value at rest and an
HMAC key for exact lookup and uniqueness, so a database dump holds no CPR number in clear.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
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


def lookup_hash(value: str) -> str:
    """A keyed hash for exact lookup; always made with the newest secret."""
    return hmac.new(_derive(_secrets()[0], "lookup"), value.encode(), hashlib.sha256).hexdigest()
