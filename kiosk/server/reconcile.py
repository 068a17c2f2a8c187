"""What a kiosk needs to find out whether the server lost any of its cases, and which.

- ``device_state``: the epoch, the device number, how many of this device's cases the
  server holds (and of its photographed pages, whole), the highest status-change number,
  and this device's last case numbers of recent days (a kiosk restored from an older
  data root raises its counters to them before it issues new numbers).
- ``have_want``: for a list of (case UUID, content hash), which the server lacks and
  which it holds with other content. A kiosk asks about every case it sent, its own and
  those it forwarded for another kiosk (the trust rule lets any enrolled kiosk forward a
  case: kiosk.server.packets), so cases are compared by UUID and hash only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.server.epoch import current_epoch
from kiosk.server.models import Device, ServerAttachment, ServerCase, StatusChange, utcnow

NUMBER_DAYS = 7  # how far back a kiosk's last case numbers are reported
# YYMMDD-<device part>-SSS: the part is the device number (2-3 digits) or, for cases
# made before enrollment, the device's 8-character tag (kiosk.domain.case_numbers).
_NUMBER = re.compile(r"^(\d{6})-([0-9A-Z]{2,8})-(\d{1,6})$")


def last_numbers(session: Session, device_id: str) -> dict[str, int]:
    """``{"YYMMDD-<device part>": highest sequence}`` of this device's cases received
    lately."""
    since = utcnow() - timedelta(days=NUMBER_DAYS)
    found: dict[str, int] = {}
    query = select(ServerCase.number).where(
        ServerCase.device_id == device_id, ServerCase.received_at >= since
    )
    for number in session.scalars(query):
        match = _NUMBER.match(number)
        if match:
            key = f"{match.group(1)}-{match.group(2)}"
            found[key] = max(found.get(key, 0), int(match.group(3)))
    return found


def device_state(session: Session, device: Device) -> dict[str, Any]:
    count = session.scalar(
        select(func.count()).select_from(ServerCase).where(ServerCase.device_id == device.id)
    )
    pages = session.scalar(
        select(func.count())
        .select_from(ServerAttachment)
        .where(ServerAttachment.device_id == device.id, ServerAttachment.complete.is_(True))
    )
    last_seq = session.scalar(select(func.max(StatusChange.seq)))
    expires = device.token_expires_at
    return {
        "epoch": current_epoch(session),
        "device_id": device.id,
        "name": device.name,
        "hall": device.hall,
        "device_no": device.device_no,
        "cases": int(count or 0),
        "pages": int(pages or 0),
        "last_change_seq": int(last_seq or 0),
        "last_numbers": last_numbers(session, device.id),
        "token_expires_at": expires.isoformat() + "Z" if expires else None,
    }


def have_want(session: Session, cases: Sequence[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(missing, differ): the UUIDs the server lacks, and those it holds with another
    content hash, whichever kiosk sent them. UUIDs must already be canonical."""
    wanted = dict(cases)
    held = {
        row.id: row.content_hash
        for row in session.execute(
            select(ServerCase.id, ServerCase.content_hash).where(ServerCase.id.in_(list(wanted)))
        )
    }
    missing = [cid for cid in wanted if cid not in held]
    differ = [cid for cid, digest in wanted.items() if cid in held and held[cid] != digest]
    return missing, differ
