"""Device enrollment and request authentication.

``kiosk-server enroll`` makes a one-time code (only its hash is stored); a kiosk
exchanges it, with its Ed25519 public key, for a bearer token (only the token's hash
is stored). Staff API calls use a separate staff token set on the command line.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.device_identity import load_public_key_b64
from kiosk.server.models import Device, EnrollmentCode, utcnow

CODE_LIFETIME = timedelta(days=2)
# No 0/O/1/I/L: codes are read aloud and typed on a touch keypad.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class EnrollmentError(Exception):
    """The code is unknown, used or expired, or the public key is not usable."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def create_code(session: Session, name: str) -> str:
    """A new one-time enrollment code for a device called ``name`` (shown as XXXX-XXXX-XXXX)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    session.add(
        EnrollmentCode(
            code_hash=digest(raw),
            name=name,
            created_at=utcnow(),
            expires_at=utcnow() + CODE_LIFETIME,
        )
    )
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def exchange(
    session: Session, code: str, public_key: str, device_id: str | None
) -> tuple[Device, str]:
    """Spend a code: register the device and return it with its new bearer token."""
    entry = session.get(EnrollmentCode, digest(normalise_code(code)))
    if entry is None or entry.used_at is not None or entry.expires_at < utcnow():
        raise EnrollmentError("enrollment code is unknown, already used or expired")
    try:
        load_public_key_b64(public_key)
    except (ValueError, TypeError) as exc:
        raise EnrollmentError("public key is not an Ed25519 key") from exc
    try:
        wanted = str(uuid.UUID(device_id)) if device_id else str(uuid.uuid4())
    except ValueError as exc:
        raise EnrollmentError("device_id is not a UUID") from exc
    token = secrets.token_urlsafe(32)
    device = session.get(Device, wanted)
    if device is None:
        device = Device(id=wanted, name=entry.name, public_key=public_key, token_hash="")
        session.add(device)
    elif device.public_key != public_key:
        # Re-enrolling the same device id with another key would let it sign as the old one.
        raise EnrollmentError("this device id is enrolled with another key")
    device.name, device.token_hash, device.enrolled_at = entry.name, digest(token), utcnow()
    entry.used_at, entry.device_id = utcnow(), device.id
    return device, token


def authenticate(session: Session, token: str) -> Device | None:
    if not token:
        return None
    return session.scalar(select(Device).where(Device.token_hash == digest(token)))
