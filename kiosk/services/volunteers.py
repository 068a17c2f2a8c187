"""Volunteer (帮办志愿者) accounts: an ID, a display name and a PIN kept only as a scrypt hash.

Accounts live in ``volunteers.json`` in the data root (no personal data beyond a display
name). ``ensure_demo_volunteers`` adds the demo accounts for ``kiosk --demo``. The volunteer
id is recorded on every case they help with (CaseRow.volunteer_id, audit actor).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from kiosk.services.context import KioskContext

FILE = "volunteers.json"
# scrypt cost: ~50 ms per check, enough to slow guessing a short PIN offline.
_N, _R, _P = 2**14, 8, 1
DEMO_VOLUNTEERS = (("1001", "王志愿", "1234"), ("1002", "李帮办", "5678"))


@dataclass(frozen=True)
class Volunteer:
    id: str
    name: str


class VolunteerError(Exception):
    """A volunteer account that cannot be added (message in plain English)."""


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)


def _path(ctx: KioskContext) -> Path:
    return ctx.data_root / FILE


def _load(ctx: KioskContext) -> list[dict[str, str]]:
    path = _path(ctx)
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data.get("volunteers", []))


def _save(ctx: KioskContext, records: list[dict[str, str]]) -> None:
    path = _path(ctx)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"volunteers": records}, ensure_ascii=False, indent=2), "utf-8")
    os.replace(tmp, path)


def add_volunteer(ctx: KioskContext, volunteer_id: str, name: str, pin: str) -> Volunteer:
    """Add (or reset the PIN of) a volunteer. PINs are 4-8 digits."""
    volunteer_id = volunteer_id.strip().upper()
    if not volunteer_id or not name.strip():
        raise VolunteerError("a volunteer needs an id and a name")
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise VolunteerError("a PIN is 4 to 8 digits")
    salt = secrets.token_bytes(16)
    record = {
        "id": volunteer_id,
        "name": name.strip(),
        "salt": salt.hex(),
        "hash": _hash(pin, salt).hex(),
    }
    records = [r for r in _load(ctx) if r["id"] != volunteer_id] + [record]
    _save(ctx, records)
    return Volunteer(volunteer_id, record["name"])


def list_volunteers(ctx: KioskContext) -> list[Volunteer]:
    return [Volunteer(r["id"], r["name"]) for r in _load(ctx)]


def verify_volunteer(ctx: KioskContext, volunteer_id: str, pin: str) -> Volunteer | None:
    """The volunteer when the PIN matches, else None (same work whether the id exists)."""
    wanted = volunteer_id.strip().upper()
    record = next((r for r in _load(ctx) if r["id"] == wanted), None)
    salt = bytes.fromhex(record["salt"]) if record else b"\0" * 16
    digest = _hash(pin, salt)
    if record is None or not hmac.compare_digest(digest, bytes.fromhex(record["hash"])):
        return None
    return Volunteer(record["id"], record["name"])


def volunteer_name(ctx: KioskContext, volunteer_id: str) -> str | None:
    return next((v.name for v in list_volunteers(ctx) if v.id == volunteer_id), None)


def ensure_demo_volunteers(ctx: KioskContext) -> list[Volunteer]:
    """Add the demo volunteers that are missing (``kiosk --demo``)."""
    known = {v.id for v in list_volunteers(ctx)}
    for vid, name, pin in DEMO_VOLUNTEERS:
        if vid not in known:
            add_volunteer(ctx, vid, name, pin)
    return list_volunteers(ctx)
