"""``kiosk status`` without the store's SQLAlchemy nor the sync client (issue 19).

What the full path (kiosk.cli.sync_cmd.cmd_status through kiosk.sync.rounds,
kiosk.sync.renumber and kiosk.services.published) reports, read through
kiosk.store.sqlite_reader, when the kiosk runs on its shipped definitions (no release
pulled from the town server: then the catalogue in force, and what the status says of
it, need the release checks of the full path). tests/integration/test_cli_status_quick.py
compares both outputs, text and ``--json``, on the same data roots.

Returns None whenever the full path must answer: no store yet or not at the schema head,
a device key that does not fit, a release folder, refused definitions to explain.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from datetime import datetime
from typing import Any, NamedTuple

from kiosk.config import DataRootError, Settings, load_settings, resolve_data_root
from kiosk.forms.release_manifests import RELEASES_DIR
from kiosk.store.crypto import CryptoError
from kiosk.store.schema_stamp import DB_FILE, is_locked, require_store
from kiosk.store.sqlite_reader import QuickReadUnavailable, SqliteReader

# A writer holding the store longer than this (seconds) is reported busy by status.
STATUS_WAIT_S = 2.0
# = the meta keys of kiosk.sync.state and kiosk.services.published, and renumber's action
ONLINE, LAST_SUCCESS, LAST_ERROR = "sync.online", "sync.last_success_at", "sync.last_error"
DEVICE_ID, TOKEN, TOKEN_CONTEXT = "sync.device_id", "sync.token", b"sync bearer token"
REFUSED = "forms.refused"
RENUMBERED = "renumbered"
SHIPPED = "本机自带的版本（镇服务器还没有发布）"  # = services.published.status_lines


class StatusFacts(NamedTuple):
    """What ``kiosk status`` shows, as plain data (the status as SyncStatus's fields)."""

    status: dict[str, Any]
    definitions: list[str]
    refused: list[dict[str, Any]]
    reprint: list[dict[str, str]]
    settings: Settings


def quick_status(data_dir: str | None) -> StatusFacts | None:
    """The facts of ``kiosk status`` read with sqlite3; None: take the full path.

    Raises DataRootError when the data root has no store (nothing is created) or its
    store is busy."""
    root = resolve_data_root(data_dir)
    require_store(root)  # makes no store and no key; an emptied one is not "pending 0"
    if is_locked(root / DB_FILE, STATUS_WAIT_S):  # b19 #7: one line, not a 20 s wait
        raise DataRootError(
            f"{root / DB_FILE} is busy: another program holds a lock on it; "
            "kiosk status only reads it: try again in a moment"
        )
    if (root / RELEASES_DIR).is_dir():
        return None
    try:
        reader = SqliteReader(root)
    except (QuickReadUnavailable, OSError):
        return None
    try:
        with reader:
            status = _sync_status(reader)
            refused = _refused(reader.meta(REFUSED))
            reprint = _needs_reprint(reader)
    except (CryptoError, ValueError, sqlite3.Error):
        return None
    if refused:
        return None  # said in plain words by kiosk.services.published (its own table)
    settings = load_settings(root)
    return StatusFacts(status, _definition_lines(), refused, reprint, settings)


def _sync_status(reader: SqliteReader) -> dict[str, Any]:
    """kiosk.sync.rounds.current_status, field for field."""
    counts = reader.outbox_counts()
    online = reader.meta(ONLINE)
    device_id, token = reader.meta(DEVICE_ID), reader.meta(TOKEN)
    enrolled = False
    if device_id and token:  # load_credentials decrypts it: a foreign key raises there too
        reader.cipher.decrypt(base64.b64decode(token), context=TOKEN_CONTEXT)
        enrolled = True
    return {
        "pending": counts.get("pending", 0),
        "quarantined": counts.get("quarantined", 0),
        "online": None if online is None else online == "1",
        "last_success_at": _time(reader.meta(LAST_SUCCESS)),
        "last_error": reader.meta(LAST_ERROR) or None,
        "enrolled": enrolled,
        "pages_pending": reader.pending_pages(),
    }


def _time(value: str | None) -> datetime | None:
    """kiosk.sync.state.get_time: naive UTC, None when unset or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.removesuffix("Z")).replace(tzinfo=None)
    except ValueError:
        return None


def _refused(text: str | None) -> list[dict[str, Any]]:
    """kiosk.services.published.refused_definitions."""
    try:
        found = json.loads(text) if text else []
    except ValueError:
        return []
    return [r for r in found if isinstance(r, dict)]


def _needs_reprint(reader: SqliteReader) -> list[dict[str, str]]:
    """kiosk.sync.renumber.needs_reprint, as its Renumbered's fields."""
    seen: dict[str, dict[str, str]] = {}
    for case_id, number, detail in reader.renumbered(RENUMBERED):
        if case_id not in seen:
            seen[case_id] = {"case_id": case_id, "old": detail.split(" -> ", 1)[0], "new": number}
    return list(seen.values())


def _definition_lines() -> list[str]:
    """kiosk.services.published.status_lines for a kiosk with no release installed and
    nothing refused."""
    from kiosk.cli.forms_listing import shipped_listing

    listing = shipped_listing()  # the catalogue's policy, kept as plain text
    lines = [f"正在使用的表单：{SHIPPED}；{listing['district']}政策第{listing['policy_version']}版"]
    unconfirmed = listing["unconfirmed"]
    if unconfirmed:
        names = "、".join(unconfirmed[:6])
        more = "等" if len(unconfirmed) > 6 else ""
        lines.append(f"待核实参数 {len(unconfirmed)} 个：{names}{more}（kiosk forms policy）")
    return lines
