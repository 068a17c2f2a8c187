"""Field encryption for personal data, keyed by a per-device key in the data root.

Why field encryption with `cryptography` rather than SQLCipher: SQLCipher needs a
native build of SQLite that pip cannot provide everywhere (the hall's Windows
PCs, PyInstaller bundles), hides the non-personal columns that staff tools,
migrations and the sync outbox need to query, and does not carry over to the
town server's PostgreSQL. Encrypting the personal columns (answers, names) with
AES-256-GCM keeps every other column queryable, lets retention purge by simply
dropping the ciphertext, and works the same on both databases. ID numbers are
looked up through a keyed HMAC (blind index), never stored in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE = "keys/device.key"
# A keyed digest of this text in the meta table tells whether the key fits the database.
KEY_CHECK_TEXT = "kiosk device key check v1"
_FORMAT = b"\x01"  # ciphertext layout version: 1 byte, then 12-byte nonce, then GCM output


class CryptoError(Exception):
    """The device key is missing, unreadable or does not open this data."""


def load_or_create_device_key(data_root: Path) -> bytes:
    """The 32-byte device key; created once (owner-only permissions) and kept in the data root."""
    path = data_root / KEY_FILE
    if path.exists():
        key = path.read_bytes()
        if len(key) != 32:
            raise CryptoError(f"{path}: device key must be 32 bytes, found {len(key)}")
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = os.urandom(32)
    # Write a private temporary file, then link it into place only if no key exists yet:
    # processes starting at once on a new data root all end up with the first key.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return load_or_create_device_key(data_root)  # another process was first
    finally:
        tmp.unlink()
    return key


def _derive(key: bytes, purpose: bytes) -> bytes:
    """HKDF-SHA256 (RFC 5869) of ``key`` without salt, 32 bytes for ``purpose``: one
    extract and one expand block, with the standard library's HMAC, so opening the store
    does not load cryptography's binding (~8 MiB; issue 19). Equal to cryptography's
    ``HKDF(SHA256(), 32, salt=None, info=purpose)`` (tests/unit/test_crypto.py)."""
    prk = hmac.new(bytes(hashlib.sha256().digest_size), key, hashlib.sha256).digest()
    return hmac.new(prk, purpose + b"\x01", hashlib.sha256).digest()


class FieldCipher:
    """AES-256-GCM for personal fields, and a keyed blind index for lookups.

    The AES-GCM object (and cryptography with it) is made on the first encrypt or
    decrypt: a kiosk at rest reads no sealed value (issue 19: idle memory).
    """

    def __init__(self, device_key: bytes) -> None:
        self._aead_key = _derive(device_key, b"kiosk field encryption v1")
        self._aead_made: AESGCM | None = None
        self._index_key = _derive(device_key, b"kiosk blind index v1")

    @property
    def _aead(self) -> AESGCM:
        if self._aead_made is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aead_made = AESGCM(self._aead_key)
        return self._aead_made

    def encrypt(self, plaintext: bytes, *, context: bytes) -> bytes:
        """``context`` (e.g. the case UUID) binds the ciphertext to its row."""
        nonce = os.urandom(12)
        return _FORMAT + nonce + self._aead.encrypt(nonce, plaintext, context)

    def decrypt(self, blob: bytes, *, context: bytes) -> bytes:
        if not blob or blob[:1] != _FORMAT:
            raise CryptoError("encrypted field has an unknown format")
        from cryptography.exceptions import InvalidTag

        try:
            return self._aead.decrypt(blob[1:13], blob[13:], context)
        except InvalidTag:
            raise CryptoError("encrypted field does not open with this device key") from None

    def blind_index(self, value: str) -> str:
        """A stable keyed digest of an ID number, so cases can be found without storing it."""
        return hmac.new(self._index_key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:40]
