"""Enrolled kiosks as other parts of the server see them: their device numbers (part of
every case number), their public keys (the trust rule for cases), and the ``devices``
reference data through which kiosks learn each other's keys.

``enroll`` is the whole of an enrollment: the proof and the one-use code
(kiosk.server.auth.exchange), then the device number, then the refreshed ``devices``
list. A revoked device is left out of that list and its key verifies nothing until it
enrolls again (``kiosk-server devices revoke``, which calls ``revoke``).
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.device_identity import load_public_key_b64
from kiosk.server import auth, refdata
from kiosk.server.models import Device, ReferenceData

# Case numbers read "YYMMDD-DD-SSS": two digits up to 99, three from 100 on.
MAX_DEVICE_NO = 999


class DeviceNumbersExhausted(Exception):
    pass


def assign_device_no(session: Session, device: Device) -> int:
    """The device's number, given once (the lowest unused after the highest given) and kept
    on re-enrollment; the unique column refuses a second device with the same number."""
    if device.device_no is None:
        highest = session.scalar(select(func.max(Device.device_no))) or 0
        if highest >= MAX_DEVICE_NO:
            raise DeviceNumbersExhausted(f"all {MAX_DEVICE_NO} device numbers are given")
        device.device_no = highest + 1
        session.flush()
    return device.device_no


def device_list(session: Session) -> list[dict[str, Any]]:
    """What kiosks need to check each other's identity codes (no secrets): every enrolled,
    unrevoked device."""
    query = select(Device).where(Device.revoked_at.is_(None))
    return [
        {
            "device_id": d.id,
            "device_no": d.device_no,
            "name": d.name,
            "public_key": d.public_key,
        }
        for d in session.scalars(query.order_by(Device.device_no, Device.id))
    ]


def _lock_list(session: Session) -> None:
    """Hold the ``devices`` reference row until commit: concurrent enrollments then give
    numbers and rewrite the list one after the other (PostgreSQL; SQLite's writes are
    serialised anyway), so no number is given twice and no device drops off the list."""
    session.execute(
        select(ReferenceData.kind).where(ReferenceData.kind == "devices").with_for_update()
    )


def publish_devices(session: Session) -> int:
    """Refresh the ``devices`` reference data (its version goes up when it changed)."""
    _lock_list(session)
    return refdata.put(session, "devices", device_list(session))


def enroll(
    session: Session, *, code: str, device_id: str, public_key: str, nonce: str, signature: str
) -> tuple[auth.Issued, int]:
    """Enroll a kiosk that proved possession of its key (kiosk.server.auth.exchange) and
    give it its device number; the refreshed ``devices`` list names it. Returns (the
    issued token, the device number). Raises auth.EnrollmentError (403/409/422) and
    DeviceNumbersExhausted; the caller commits, or rolls back on any error."""
    issued = auth.exchange(
        session,
        code=code,
        device_id=device_id,
        public_key=public_key,
        nonce=nonce,
        signature=signature,
    )
    _lock_list(session)
    number = assign_device_no(session, issued.device)
    publish_devices(session)
    return issued, number


def revoke(session: Session, device_id: str) -> Device:
    """Revoke a device (kiosk.server.auth.revoke) and drop it from the ``devices`` list.
    Raises auth.EnrollmentError."""
    device = auth.revoke(session, device_id)
    session.flush()
    publish_devices(session)
    return device


class KeyCache:
    """Public keys of enrolled (unrevoked) devices and device numbers for one request, read
    once per device."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._keys: dict[str, Ed25519PublicKey | None] = {}
        self._numbers: dict[str, int | None] = {}

    def device_no(self, device_id: str) -> int | None:
        """The device number enrollment gave the device (None: not enrolled)."""
        if device_id not in self._numbers:
            device = self._session.get(Device, device_id)
            self._numbers[device_id] = device.device_no if device is not None else None
        return self._numbers[device_id]

    def __call__(self, device_id: str) -> Ed25519PublicKey | None:
        if device_id not in self._keys:
            device = self._session.get(Device, device_id)
            enrolled = device is not None and device.revoked_at is None
            try:
                key = load_public_key_b64(device.public_key) if enrolled and device else None
            except ValueError:
                key = None
            self._keys[device_id] = key
        return self._keys[device_id]
