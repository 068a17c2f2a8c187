"""This device's signing identity: an Ed25519 key pair created once and kept in the data root.

The private key signs the QR code on every printed case; the town server learns
the public key at enrollment and verifies scanned codes and synced cases with it.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cryptography (~8 MiB) is loaded when a key is (issue 19: idle memory)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

SIGNING_KEY_FILE = "keys/signing.ed25519"


def load_or_create_signing_key(data_root: Path) -> Ed25519PrivateKey:
    """This device's (or town server's) Ed25519 key in ``keys/signing.ed25519``, made on
    first use. Several processes starting at once on a fresh root (``kiosk-server run
    --workers N``, parallel ``kiosk fill``) all end with the same key: each writes its own
    temporary file and links it into place only if no key is there yet (link fails on an
    existing name), so the first one wins and the others read it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = data_root / SIGNING_KEY_FILE
    if path.exists():
        return Ed25519PrivateKey.from_private_bytes(path.read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, raw)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # atomic: fails when another process put its key there first
    except FileExistsError:
        return Ed25519PrivateKey.from_private_bytes(path.read_bytes())
    finally:
        tmp.unlink(missing_ok=True)
    return key


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_b64(key: Ed25519PrivateKey) -> str:
    return base64.urlsafe_b64encode(public_key_bytes(key)).decode().rstrip("=")


def load_public_key_b64(text: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)
