"""The sync worker's own persisted state, kept in the store's meta table.

Keys are ``sync.*``. The bearer token is encrypted with the device key like
personal fields. Reading and writing these goes through a unit of work, so a
cursor moves in the same transaction as the case states it covers.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from kiosk.store.crypto import FieldCipher
from kiosk.store.repositories import MetaRepository

DEVICE_ID = "sync.device_id"
TOKEN = "sync.token"
CHANGES_CURSOR = "sync.changes_cursor"
ONLINE = "sync.online"
LAST_SUCCESS = "sync.last_success_at"
LAST_ERROR = "sync.last_error"
REFERENCE_VERSION = "sync.reference.{kind}"
TOKEN_EXPIRES = "sync.token_expires_at"  # naive UTC, as the server said (its clock counts)
EPOCH = "sync.server_epoch"  # the epoch our acknowledgements came from
RECONCILED_AT = "sync.reconciled_at"  # naive UTC of the last full have/want check
BODY_LIMIT = "sync.max_body_bytes"  # learned from the server's limits and from 413s
# The town server's release-signing key (Ed25519, urlsafe base64), given in the
# enrollment answer over the enrolled channel: the only key published definitions may be
# signed with (kiosk.services.published). Never learned from a release itself.
RELEASE_KEY = "sync.release_key"
_TOKEN_CONTEXT = b"sync bearer token"


def forget_reference_versions(meta: MetaRepository) -> list[str]:
    """Fetch every kind of reference data again at the next pull (the server's data was
    restored: its version numbers may have gone back and be reused); the kinds reset."""
    from sqlalchemy import select

    from kiosk.store.models import MetaValue

    prefix = REFERENCE_VERSION.format(kind="")
    rows = meta.session.scalars(select(MetaValue).where(MetaValue.key.startswith(prefix)))
    kinds = []
    for row in rows:
        row.value = "0"
        kinds.append(row.key.removeprefix(prefix))
    return kinds


@dataclass(frozen=True)
class SyncStatus:
    """What the sync indicator and ``kiosk status`` show (no personal data)."""

    pending: int
    quarantined: int
    online: bool | None  # None: not tried since enrollment
    last_success_at: datetime | None  # naive UTC
    last_error: str | None
    enrolled: bool
    pages_pending: int = 0  # photographed pages not yet whole on the server


@dataclass(frozen=True)
class Credentials:
    device_id: str
    token: str


def save_credentials(meta: MetaRepository, cipher: FieldCipher, creds: Credentials) -> None:
    blob = cipher.encrypt(creds.token.encode(), context=_TOKEN_CONTEXT)
    meta.set(DEVICE_ID, creds.device_id)
    meta.set(TOKEN, base64.b64encode(blob).decode())


def load_credentials(meta: MetaRepository, cipher: FieldCipher) -> Credentials | None:
    device_id, blob = meta.get(DEVICE_ID), meta.get(TOKEN)
    if not device_id or not blob:
        return None
    token = cipher.decrypt(base64.b64decode(blob), context=_TOKEN_CONTEXT).decode()
    return Credentials(device_id, token)


def get_int(meta: MetaRepository, key: str) -> int:
    value = meta.get(key)
    return int(value) if value else 0


def get_time(meta: MetaRepository, key: str) -> datetime | None:
    value = meta.get(key)
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError:
        return None
    return stamp.replace(tzinfo=None)


def record_outcome(meta: MetaRepository, *, online: bool, error: str | None, now: datetime) -> None:
    """Remember how the last exchange went; ``error`` None means it succeeded."""
    meta.set(ONLINE, "1" if online else "0")
    if error is None:
        meta.set(LAST_SUCCESS, now.isoformat())
        meta.set(LAST_ERROR, "")
    else:
        meta.set(LAST_ERROR, error[:200])


def read_online(meta: MetaRepository) -> bool | None:
    value = meta.get(ONLINE)
    return None if value is None else value == "1"
