"""Proof of key possession, shared by kiosk and server (docs/sync-protocol.md, "Enrollment").

The server hands out a nonce; the kiosk signs a message naming the nonce, what it asks
for and who it is with its Ed25519 device key (kiosk.device_identity, the key that signs
its QR codes). A public key alone (which anyone who scanned a printed QR code may know)
proves nothing: enrolling, or getting a fresh token, needs the private key.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from kiosk.device_identity import load_public_key_b64

if TYPE_CHECKING:  # cryptography is loaded when a key is (issue 19: idle memory)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ENROLL_PURPOSE = "enroll"
TOKEN_PURPOSE = "token"


def proof_message(
    purpose: str, nonce: str, device_id: str, public_key: str, code: str = ""
) -> bytes:
    """The bytes a kiosk signs: one line per part, so no part can run into the next.

    ``code`` is the enrollment code as typed but normalised (upper case, letters and
    digits only); empty for a token renewal."""
    parts = ("bangban-proof/1", purpose, nonce, device_id, public_key, code)
    if any("\n" in p for p in parts):
        raise ValueError("proof parts must not contain line breaks")
    return "\n".join(parts).encode("utf-8")


def sign_proof(key: Ed25519PrivateKey, message: bytes) -> str:
    """Urlsafe base64 (no padding) of the Ed25519 signature of ``message``."""
    return base64.urlsafe_b64encode(key.sign(message)).decode().rstrip("=")


def verify_proof(public_key: str, message: bytes, signature: str) -> bool:
    """True when ``signature`` is ``public_key``'s signature of ``message``; False for a
    wrong signature and for anything that is not a key or a signature at all."""
    from cryptography.exceptions import InvalidSignature

    try:
        key = load_public_key_b64(public_key)
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        key.verify(raw, message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
