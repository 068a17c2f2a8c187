"""Device enrollment, tokens and request authentication.

- ``kiosk-server enroll`` makes a one-time code (only its hash is stored).
- A kiosk asks for a nonce (``challenge``), signs it with its Ed25519 device key
  (kiosk.sync.proofs) and sends code, device id, public key and signature: the server
  checks the signature against the key sent, so only the holder of the private key can
  enroll that key. The code is spent by a conditional UPDATE in the same transaction
  (used once under any concurrency). A device id already enrolled is refused until an
  admin revokes it (``kiosk-server devices revoke``).
- Bearer tokens expire after TOKEN_LIFETIME; a kiosk gets a new one (rotation) by
  signing a fresh nonce with the same key, without a code. Only their hashes are stored.
- Staff API calls use a separate staff token set on the command line.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.server.epoch import meta_secret
from kiosk.server.models import AuthNonce, Device, EnrollmentCode, utcnow
from kiosk.sync.packet_limits import canonical_uuid
from kiosk.sync.proofs import ENROLL_PURPOSE, TOKEN_PURPOSE, proof_message, verify_proof

CODE_LIFETIME = timedelta(days=2)
NONCE_LIFETIME = timedelta(minutes=5)
TOKEN_LIFETIME = timedelta(days=30)
# No 0/O/1/I/L: codes are read aloud and typed on a touch keypad.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_BEARER = re.compile(r"^Bearer +([A-Za-z0-9_\-]{16,128})$", re.IGNORECASE)
# Every bearer token (device or staff) is 16-128 of these; a shorter staff token could
# never be presented, so the server refuses to start with one (check_staff_token).
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")
TOKEN_RULE = "16-128 characters: letters, digits, '-' and '_'"


def check_staff_token(token: str | None) -> str | None:
    """The staff token as given (None or empty: the staff API is off); ValueError saying
    the rule (TOKEN_RULE) when it could never be sent as ``Authorization: Bearer``."""
    if not token:
        return None
    if not _TOKEN.match(token):
        raise ValueError(
            f"the staff token must be {TOKEN_RULE} (got {len(token)} characters); "
            "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return token


class EnrollmentError(Exception):
    """Enrollment or token renewal refused; the message says why (no secrets in it)."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Issued:
    """A device and the bearer token it was just given (the token exists only here)."""

    device: Device
    token: str
    expires_at: datetime


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None for anything else
    (no scheme, another scheme, several words)."""
    match = _BEARER.match(header or "")
    return match.group(1) if match else None


def create_code(session: Session, name: str, hall: str | None = None) -> str:
    """A new one-time enrollment code for a device called ``name`` (shown as XXXX-XXXX-XXXX)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    session.add(
        EnrollmentCode(
            code_hash=digest(raw),
            name=name,
            hall=hall,
            created_at=utcnow(),
            expires_at=utcnow() + CODE_LIFETIME,
        )
    )
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# ----- nonces: stateless until used (an HMAC of their expiry), stored once spent ----------


def new_nonce(session: Session, now: datetime | None = None) -> tuple[str, datetime]:
    """A challenge ``<expiry>.<random>.<mac>`` and its expiry (naive UTC). Nothing is
    stored until it is used, so asking for nonces costs the server no rows."""
    expires = (now or utcnow()) + NONCE_LIFETIME
    body = f"{int(expires.replace(tzinfo=UTC).timestamp())}.{secrets.token_urlsafe(18)}"
    mac = hmac.new(meta_secret(session), body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}", expires


def _spend_nonce(session: Session, nonce: str, now: datetime) -> None:
    parts = nonce.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 12 or len(nonce) > 120:
        raise EnrollmentError("challenge is malformed; ask for a new one")
    body = f"{parts[0]}.{parts[1]}"
    mac = hmac.new(meta_secret(session), body.encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(mac, parts[2]):
        raise EnrollmentError("challenge was not issued by this server")
    expires = datetime.fromtimestamp(int(parts[0]), UTC).replace(tzinfo=None)
    if expires < now:
        raise EnrollmentError("challenge expired; ask for a new one")
    session.execute(delete(AuthNonce).where(AuthNonce.expires_at < now))
    try:
        with session.begin_nested():
            session.execute(
                insert(AuthNonce).values(
                    nonce_hash=digest(nonce), created_at=now, expires_at=expires, used_at=now
                )
            )
    except IntegrityError as exc:
        raise EnrollmentError("challenge was already used") from exc


def _issue_token(device: Device, now: datetime) -> Issued:
    token = secrets.token_urlsafe(32)
    device.token_hash, device.token_expires_at = digest(token), now + TOKEN_LIFETIME
    return Issued(device, token, now + TOKEN_LIFETIME)


def _proves(
    public_key: str, signature: str, purpose: str, nonce: str, ids: tuple[str, str], *extra: str
) -> bool:
    """The signature signs the proof message with the device id in its canonical spelling
    or exactly as the request spelled it (upper case, no hyphens, braces, ``urn:uuid:``):
    either proves the key, so a kiosk that spells its id otherwise is not refused (nor
    throttled) for it. ``ids`` = (canonical, as sent)."""
    for device_id in dict.fromkeys(ids):
        message = proof_message(purpose, nonce, device_id, public_key, *extra)
        if verify_proof(public_key, message, signature):
            return True
    return False


def exchange(
    session: Session,
    *,
    code: str,
    device_id: str,
    public_key: str,
    nonce: str,
    signature: str,
) -> Issued:
    """Spend a code: register the device (proved by its signature) and issue its token.

    Raises EnrollmentError (403: code or proof refused; 409: device id already enrolled).
    Leaves the caller's transaction to commit; on error nothing may be committed."""
    now = utcnow()
    try:
        wanted = canonical_uuid(device_id)
    except ValueError as exc:
        raise EnrollmentError("device_id is not a UUID", 422) from exc
    normalised = normalise_code(code)
    if not _proves(public_key, signature, ENROLL_PURPOSE, nonce, (wanted, device_id), normalised):
        raise EnrollmentError("signature does not prove possession of the device key")
    _spend_nonce(session, nonce, now)
    # The conditional update is the whole guard: of any number of concurrent requests
    # with one code, exactly one sees used_at IS NULL (PostgreSQL re-checks the row after
    # the first commits; SQLite's BEGIN IMMEDIATE serialises them).
    spent = session.execute(
        update(EnrollmentCode)
        .where(
            EnrollmentCode.code_hash == digest(normalised),
            EnrollmentCode.used_at.is_(None),
            EnrollmentCode.expires_at > now,
        )
        .values(used_at=now, device_id=wanted)
        .returning(EnrollmentCode.name, EnrollmentCode.hall)
    ).first()
    if spent is None:
        raise EnrollmentError("enrollment code is unknown, already used or expired")
    device = session.get(Device, wanted)
    if device is not None and device.revoked_at is None:
        raise EnrollmentError(
            "this device id is already enrolled; an admin must revoke it first "
            "(kiosk-server devices revoke)",
            409,
        )
    if device is None:
        device = Device(id=wanted, name=spent.name, public_key=public_key, token_hash="")
        session.add(device)
    device.name, device.hall, device.public_key = spent.name, spent.hall, public_key
    device.enrolled_at, device.revoked_at = now, None
    issued = _issue_token(device, now)
    session.flush()
    return issued


def renew(session: Session, *, device_id: str, nonce: str, signature: str) -> Issued:
    """A fresh token for an enrolled device that proves it still holds its key; the old
    token stops working at once (rotation)."""
    now = utcnow()
    try:
        wanted = canonical_uuid(device_id)
    except ValueError as exc:
        raise EnrollmentError("device_id is not a UUID", 422) from exc
    device = session.get(Device, wanted, with_for_update=True)
    if device is None or device.revoked_at is not None:
        raise EnrollmentError("device is not enrolled or was revoked; enroll it again")
    if not _proves(device.public_key, signature, TOKEN_PURPOSE, nonce, (wanted, device_id)):
        raise EnrollmentError("signature does not prove possession of the device key")
    _spend_nonce(session, nonce, now)
    return _issue_token(device, now)


def authenticate(session: Session, token: str | None) -> tuple[Device | None, str]:
    """(the enrolled, unrevoked device whose unexpired token this is, "") or (None, why).

    ``why`` is "expired" for a real token past its time (not a guess: the kiosk renews
    it with its key) and "unknown" for anything else."""
    if not token:
        return None, "unknown"
    device = session.scalar(select(Device).where(Device.token_hash == digest(token)))
    if device is None or device.revoked_at is not None:
        return None, "unknown"
    if device.token_expires_at is None or device.token_expires_at <= utcnow():
        return None, "expired"
    return device, ""


def revoke(session: Session, device_id: str) -> Device:
    """Revoke a device: its token stops working, and its id may be enrolled again."""
    try:
        key = canonical_uuid(device_id)
    except ValueError as exc:
        raise EnrollmentError("device id is not a UUID", 2) from exc
    device = session.get(Device, key)
    if device is None:
        raise EnrollmentError(f"no device {key}", 1)
    device.revoked_at = utcnow()
    device.token_hash = digest(secrets.token_urlsafe(32))  # unique and matches no token
    device.token_expires_at = None
    return device


def list_devices(session: Session) -> list[Device]:
    return list(session.scalars(select(Device).order_by(Device.enrolled_at)))
