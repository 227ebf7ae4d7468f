"""Secrets at rest (mailbox passwords, integration secrets and access tokens).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under keys from `FIELD_ENCRYPTION_KEYS`
(comma-separated; the first encrypts, all decrypt, so a key can be rotated). Without that setting the key
is derived from SECRET_KEY, which keeps local and test setups working with no extra variable; production
should set its own so that leaking SECRET_KEY alone does not reveal stored secrets.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


def _fernet_key(material: str) -> bytes:
    # Any string becomes a valid Fernet key: 32 bytes of SHA-256, URL-safe base64.
    return base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())


def _cipher() -> MultiFernet:
    configured = [k.strip() for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) if k.strip()]
    materials = configured or [f"supportops-field-encryption:{settings.SECRET_KEY}"]
    return MultiFernet([Fernet(_fernet_key(m)) for m in materials])


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return PREFIX + _cipher().encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    """The plaintext of a stored value; a legacy plaintext value (no prefix) is returned as it is."""
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _cipher().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("A stored secret cannot be decrypted: FIELD_ENCRYPTION_KEYS changed?") from exc


class EncryptedTextField(models.TextField):
    """A text column holding ciphertext; Python code sees the plaintext.

    Not searchable or orderable by content, on purpose. Admin and forms must never render it back:
    show whether a value is set instead.
    """

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
