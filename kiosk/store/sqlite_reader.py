"""The kiosk store read with the standard sqlite3 module, for quick CLI commands (issue 19).

``kiosk print N --out`` reads one case and adds one audit entry; through SQLAlchemy
that cost ~0.3 s of imports before a row was read. This path opens the same SQLite file
with sqlite3, only when the file is there, its schema stamp is the head of the migration
files and the device key is the one that wrote it; else :class:`QuickReadUnavailable`
tells the caller to use the store (kiosk.store.uow.Store), which creates, migrates and
checks as always. Personal fields are decrypted exactly as the repositories do
(kiosk.store.crypto.FieldCipher, the same contexts). The ORM models stay the one schema:
every column named here is listed in the ``*_COLUMNS`` tuples, which
tests/unit/store/test_sqlite_reader.py checks against kiosk.store.models.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.store.crypto import KEY_CHECK_TEXT, KEY_FILE, FieldCipher
from kiosk.store.schema_stamp import DB_FILE, file_is_at_head

# table → the columns this module reads or writes (checked against the ORM models).
CASE_COLUMNS = (
    "id",
    "number",
    "form_id",
    "form_version",
    "state",
    "bundle_id",
    "volunteer_id",
    "device_id",
    "personal",
    "content_hash",
    "identity_code",
    "server_note",
    "consent",
    "finalized_at",
    "release",
    "policy_version",
    "print_plan",
)
ATTACHMENT_COLUMNS = ("id", "case_id", "material_id", "page", "sync_state", "purged_at")
AUDIT_COLUMNS = ("id", "case_id", "at", "actor", "action", "detail")
META_COLUMNS = ("key", "value")
OUTBOX_COLUMNS = ("state",)
ACCOUNT_COLUMNS = ("id", "name")
RENUMBER_COLUMNS = ("print_problem",)  # of cases, beside CASE_COLUMNS
TABLES = {
    "cases": CASE_COLUMNS + RENUMBER_COLUMNS,
    "outbox": OUTBOX_COLUMNS,
    "accounts": ACCOUNT_COLUMNS,
    "attachments": ATTACHMENT_COLUMNS,
    "audit_entries": AUDIT_COLUMNS,
    "meta": META_COLUMNS,
}
# How SQLAlchemy's SQLite DateTime type writes a time (naive UTC, microseconds always).
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class QuickReadUnavailable(Exception):
    """The quick path cannot open this store (missing, not at head, key unchecked):
    open it through kiosk.store.uow.Store instead. Not an error for the user."""


def parse_time(value: str | None) -> datetime | None:
    """A stored time as SQLAlchemy reads it back (naive UTC)."""
    return datetime.fromisoformat(value) if value else None


class SqliteReader:
    """One data root's database, opened with sqlite3 (busy timeout and pragmas as the
    store's engine sets them). Rows come back as dicts of the named columns; times stay
    text (see :func:`parse_time`). Close it, or use it as a context manager."""

    def __init__(self, data_root: Path) -> None:
        path = data_root / DB_FILE
        key_file = data_root / KEY_FILE
        if not key_file.is_file() or not file_is_at_head(path):
            raise QuickReadUnavailable("store missing or not at the schema head")
        key = key_file.read_bytes()
        if len(key) != 32:
            raise QuickReadUnavailable("device key unreadable")  # the store says why
        self.cipher = FieldCipher(key)
        # autocommit mode: each statement commits alone; writes take the lock when needed
        self._db = sqlite3.connect(path, timeout=10, isolation_level=None)
        for pragma in ("synchronous=FULL", "foreign_keys=ON", "secure_delete=ON"):
            self._db.execute(f"PRAGMA {pragma}")
        stored = self.meta("key_check")
        if stored is None or not hmac.compare_digest(
            stored, self.cipher.blind_index(KEY_CHECK_TEXT)
        ):
            self.close()
            raise QuickReadUnavailable("device key not checked against this database")

    def __enter__(self) -> SqliteReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def case(self, key: str) -> dict[str, Any] | None:
        """A case by UUID, else by its human number (as CaseRepository.require finds it)."""
        columns = ", ".join(CASE_COLUMNS)
        for where in ("id", "number"):
            found = self._db.execute(
                f"SELECT {columns} FROM cases WHERE {where} = ?", (key,)
            ).fetchone()
            if found is not None:
                return dict(zip(CASE_COLUMNS, found, strict=True))
        return None

    def personal(self, case: dict[str, Any]) -> dict[str, Any]:
        """The decrypted personal data (answers, prefilled, names) as the repository's
        PersonalData holds it; {} when purged. Raises CryptoError for a foreign key."""
        if case["personal"] is None:
            return {}
        raw = self.cipher.decrypt(case["personal"], context=case["id"].encode())
        data: dict[str, Any] = json.loads(raw)
        return data

    def print_plan(self, case: dict[str, Any]) -> bytes | None:
        """The case's stored print plan decrypted (kiosk.printing.print_plan), None when
        there is none. Raises CryptoError for a foreign key or damaged bytes."""
        if not case["print_plan"]:
            return None
        return self.cipher.decrypt(case["print_plan"], context=f"plan:{case['id']}".encode())

    def store_print_plan(self, case_id: str, plan: bytes) -> None:
        """Keep a case's print plan, encrypted, committed; only while its personal data is
        there (a case purged meanwhile keeps none)."""
        sealed = self.cipher.encrypt(plan, context=f"plan:{case_id}".encode())
        self._db.execute(
            "UPDATE cases SET print_plan = ? WHERE id = ? AND personal IS NOT NULL",
            (sealed, case_id),
        )

    def note(self, case: dict[str, Any]) -> str | None:
        """The desk's note on the case in clear (as kiosk.store.repositories.open_note)."""
        if not case["server_note"]:
            return None
        context = f"note:{case['id']}".encode()
        return self.cipher.decrypt(case["server_note"], context=context).decode("utf-8")

    def photographed_pages(self, case_id: str) -> dict[str, int]:
        """Material id → pages photographed and not purged."""
        rows = self._db.execute(
            "SELECT material_id, COUNT(*) FROM attachments "
            "WHERE case_id = ? AND purged_at IS NULL GROUP BY material_id ORDER BY material_id",
            (case_id,),
        ).fetchall()
        return {str(material): int(count) for material, count in rows}

    def pending_pages(self, case_id: str | None = None) -> int:
        """Pages not yet complete on the server, of one case or of all
        (kiosk.sync.attachments_push.pending_count)."""
        query = (
            "SELECT COUNT(*) FROM attachments WHERE sync_state = 'pending' AND purged_at IS NULL"
        )
        if case_id is None:
            row = self._db.execute(query).fetchone()
        else:
            row = self._db.execute(query + " AND case_id = ?", (case_id,)).fetchone()
        return int(row[0])

    def account_name(self, account_id: str) -> str | None:
        """The decrypted display name of a volunteer or staff account (the id normalised
        as kiosk.services.accounts.normalize_id does); None when there is no such account
        or its name does not read as text. Raises CryptoError for a foreign key."""
        wanted = unicodedata.normalize("NFKC", account_id).strip().upper()
        row = self._db.execute("SELECT id, name FROM accounts WHERE id = ?", (wanted,)).fetchone()
        if row is None:
            return None
        name = self.cipher.decrypt(row[1], context=f"account:{row[0]}".encode())
        try:
            return name.decode("utf-8")
        except ValueError:
            return None

    def outbox_counts(self) -> dict[str, int]:
        """Outbox entries by state (pending, sent, quarantined ...)."""
        rows = self._db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall()
        return {str(state): int(count) for state, count in rows}

    def renumbered(self, action: str) -> list[tuple[str, str, str]]:
        """(case id, number, audit detail) of the cases with an audit entry ``action`` and
        a print problem still set, newest entry first (kiosk.sync.renumber.needs_reprint)."""
        rows = self._db.execute(
            "SELECT cases.id, cases.number, audit_entries.detail FROM cases "
            "JOIN audit_entries ON audit_entries.case_id = cases.id "
            "WHERE audit_entries.action = ? AND cases.print_problem IS NOT NULL "
            "ORDER BY audit_entries.id DESC",
            (action,),
        ).fetchall()
        return [(str(a), str(b), str(c)) for a, b, c in rows]

    def add_audit(
        self, case_id: str, *, actor: str, action: str, at: datetime, detail: str = ""
    ) -> None:
        """One audit entry of a case, committed (as CaseRepository.audit + commit)."""
        self._db.execute(
            f"INSERT INTO audit_entries ({', '.join(AUDIT_COLUMNS[1:])}) VALUES (?, ?, ?, ?, ?)",
            (case_id, at.strftime(TIME_FORMAT), actor, action, detail[:200]),
        )
