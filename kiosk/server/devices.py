"""Enrolled kiosks as other parts of the server see them: their device numbers (part of
every case number), their public keys (the trust rule for cases), and the ``devices``
reference data through which kiosks learn each other's keys.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.device_identity import load_public_key_b64
from kiosk.server import refdata
from kiosk.server.models import Device

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
    """What kiosks need to check each other's identity codes (no secrets)."""
    return [
        {
            "device_id": d.id,
            "device_no": d.device_no,
            "name": d.name,
            "public_key": d.public_key,
        }
        for d in session.scalars(select(Device).order_by(Device.device_no, Device.id))
    ]


def publish_devices(session: Session) -> int:
    """Refresh the ``devices`` reference data (its version goes up when it changed)."""
    return refdata.put(session, "devices", device_list(session))


class KeyCache:
    """Public keys of enrolled devices for one request, read once per device."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._keys: dict[str, Ed25519PublicKey | None] = {}

    def __call__(self, device_id: str) -> Ed25519PublicKey | None:
        if device_id not in self._keys:
            device = self._session.get(Device, device_id)
            try:
                key = load_public_key_b64(device.public_key) if device else None
            except ValueError:
                key = None
            self._keys[device_id] = key
        return self._keys[device_id]
