"""Pull what the town server changed: case statuses (with a persisted cursor) and
reference data (by version).

Each page of changes is applied in one transaction together with the cursor, so a
crash never skips a change nor applies one twice in a way that matters (applying a
status again is harmless).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kiosk.domain.case_states import SERVER_STATES, CaseState, can_transition
from kiosk.store.models import OutboxEntry, utcnow
from kiosk.store.uow import Store
from kiosk.sync import state
from kiosk.sync.push import BEFORE_SENT

if TYPE_CHECKING:  # the client (httpx) is imported by whoever makes one (issue 19)
    from kiosk.sync.client import SyncClient

log = logging.getLogger(__name__)
REFERENCE_DIR = "reference"
# The registry extract holds names and ID numbers: encrypted at rest like case data.
ENCRYPTED_KINDS = frozenset({"registry"})
APPLY_ORDER = {"forms": 0, "villages": 1, "registry": 2}


class NotAccepted(Exception):
    """Raised by a pull's ``apply`` for data it refused whole (a forged or wrongly signed
    release): its version is not recorded, so a forged high number never hides the
    genuine versions that come later; the kind is fetched again next round."""


@dataclass(frozen=True)
class PullResult:
    changes: int
    reference_updated: tuple[str, ...]


def _at(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).removesuffix("Z"))
    except ValueError:
        return None


def pull_changes(store: Store, client: SyncClient, *, page: int = 500) -> int:
    """Apply every status change after our cursor; return how many were applied."""
    applied = 0
    while True:
        with store.unit_of_work() as uow:
            after = state.get_int(uow.meta, state.CHANGES_CURSOR)
        changes, cursor, more = client.changes(after, page)
        with store.unit_of_work() as uow:
            if state.get_int(uow.meta, state.CHANGES_CURSOR) != after:
                return applied  # another process moved the cursor meanwhile; it applied these
            for change in changes:
                if isinstance(change, dict):
                    applied += _apply_change(uow, change)
            uow.meta.set(state.CHANGES_CURSOR, str(cursor))
            uow.commit()
        if not more or not changes:
            return applied


def _apply_change(uow: Any, change: dict[str, Any]) -> int:
    row = uow.cases.get(str(change.get("case_id")))
    status = str(change.get("status"))
    if row is None:
        return 0  # not one of ours (any more); nothing to do
    entry = uow.session.scalar(select(OutboxEntry).where(OutboxEntry.case_id == row.id))
    if entry is not None and entry.state != "sent":
        # The server has it (e.g. imported from the printed QR): stop sending it.
        entry.state, entry.acked_at, entry.last_error = "sent", utcnow(), None
    note = change.get("note")
    if status == "received":
        if row.state in BEFORE_SENT:
            row.state = CaseState.SENT
    elif status in {s.value for s in SERVER_STATES}:
        if can_transition(row.state, CaseState(status)):
            row.state = CaseState(status)
        # The note may name people: encrypted like the answers; none once purged.
        text = str(note)[:200] if note else None
        uow.cases.write_note(row, text if row.personal is not None else None)
        row.server_status_at = _at(change.get("at"))
    else:
        log.warning("unknown server status %r for case %s", status, row.number)
        return 0
    # The note may name people; the audit line keeps only the status and the desk.
    uow.cases.audit(
        row, actor="server", action="status", detail=f"{status} {change.get('step') or ''}"
    )
    return 1


def reference_path(data_root: Path, kind: str) -> Path:
    return data_root / REFERENCE_DIR / f"{kind}.json{'.enc' if kind in ENCRYPTED_KINDS else ''}"


def pull_reference(
    store: Store,
    client: SyncClient,
    data_root: Path,
    apply: Callable[[str, Any], None] | None = None,
) -> tuple[str, ...]:
    """Fetch each kind of reference data whose version moved; return the kinds updated.

    ``apply`` puts it to use; if it fails the data stays on disk and the version is
    still recorded (fetching the same bad extract again would not help), and it is logged
    — unless it raises NotAccepted (refused as not genuine): then the version stays.
    """
    updated: list[str] = []
    versions = client.reference_versions()
    # Villages before the registry: a new extract may name a village the list just gained.
    for kind in sorted(versions, key=lambda k: (APPLY_ORDER.get(k, 9), k)):
        version = versions[kind]
        key = state.REFERENCE_VERSION.format(kind=kind)
        with store.unit_of_work() as uow:
            if state.get_int(uow.meta, key) >= version:
                continue
        got_version, body = client.reference(kind)
        raw = json.dumps({"version": got_version, "body": body}, ensure_ascii=False).encode()
        if kind in ENCRYPTED_KINDS:
            raw = store.cipher.encrypt(raw, context=f"reference:{kind}".encode())
        _write_atomic(reference_path(data_root, kind), raw)
        if apply is not None:
            try:
                apply(kind, body)
            except NotAccepted as exc:
                log.warning("reference data %s v%d refused: %s", kind, got_version, exc)
                continue
            except Exception as exc:
                log.warning("reference data %s v%d not applied: %s", kind, got_version, exc)
        with store.unit_of_work() as uow:
            uow.meta.set(key, str(got_version))
            uow.commit()
        updated.append(kind)
        log.info("reference data %s now version %d", kind, got_version)
    return tuple(updated)


def read_reference(store: Store, data_root: Path, kind: str) -> tuple[int, Any] | None:
    """The last reference data of a kind this kiosk pulled: (version, body), or None."""
    path = reference_path(data_root, kind)
    if not path.exists():
        return None
    raw = path.read_bytes()
    if kind in ENCRYPTED_KINDS:
        raw = store.cipher.decrypt(raw, context=f"reference:{kind}".encode())
    data = json.loads(raw)
    return int(data["version"]), data["body"]


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
