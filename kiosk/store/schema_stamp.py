"""Is a kiosk database at the schema head? Answered with the standard sqlite3 module.

The head is read from the migration files' ``revision``/``down_revision`` lines (no
constant to forget when a migration is added); the stamp is the one row of Alembic's
``alembic_version`` table. Neither Alembic nor SQLAlchemy is imported here, so the store
(kiosk.store.database) and the quick read path (kiosk.store.sqlite_reader) only load
Alembic when the stamp differs from the head (issue 19: the CLI answers at once).
"""

from __future__ import annotations

import ast
import os
import re
import sqlite3
from functools import cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DB_FILE = "kiosk.sqlite3"  # the kiosk's database, in its data root
# Written beside the device key once the store was made and migrated: from then on a
# missing or empty database file is a loss to restore from backup, never a new kiosk
# (break19c #5). Not beside the database: ``rm kiosk.sqlite3*`` would take it too (b19d #7).
STORE_MADE = "keys/store.made"


# ``revision = "0009_i15b"``, ``down_revision: str | None = "0008_i16"`` (a tuple for a
# merge), each at the start of a line as Alembic's template writes them.
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*(?:#.*)?$", re.M)


@cache
def head_revision(versions: Path = MIGRATIONS_DIR / "versions") -> str | None:
    """The one head of the migration files (the revision no other names as its
    ``down_revision``); None when there are several heads or a file cannot be read,
    so that Alembic decides. The two lines are found with a regular expression and their
    values read with ``ast.literal_eval``: ~1 ms for the files, where parsing each whole
    file took ~10 ms of every quick command; cached for the process."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        try:
            text = path.read_text(encoding="utf-8")
            found = [(name, ast.literal_eval(value)) for name, value in _ASSIGNMENT.findall(text)]
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            return None
        for name, value in found:
            if name == "revision" and isinstance(value, str):
                revisions.add(value)
            elif name == "down_revision" and isinstance(value, str | tuple):
                parents |= {str(v) for v in (value if isinstance(value, tuple) else [value])}
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def require_store(data_root: Path) -> Path:
    """The database file of ``data_root`` for a command that only reads or changes what
    is there (``kiosk print``, ``cases list``, ``status`` ...): nothing is created.
    Raises DataRootError naming the file when there is none (a mistyped ``--data-dir``
    would otherwise leave a new store and device key behind: break19 #5, break19c #4) or
    when it was lost (``lost_store``)."""
    from kiosk.config import DataRootError

    if data_root.exists() and not data_root.is_dir():  # as make_private_root says it
        raise DataRootError(f"data folder {data_root} is a file, not a folder (check --data-dir)")
    lost = lost_store(data_root)
    if lost is not None:
        raise DataRootError(lost)
    path = data_root / DB_FILE
    if not path.is_file():
        raise DataRootError(
            f"no kiosk store at {path}: check --data-dir "
            "(the kiosk makes its store when it first starts)"
        )
    return path


def lost_store(data_root: Path) -> str | None:
    """Why the store of ``data_root`` must be restored rather than made anew, or None.

    A data root whose store was made once (``STORE_MADE`` beside it) but whose database
    file is now missing or empty lost its cases: opening it would silently start an empty
    store under the same device key and enrolment."""
    made = data_root / STORE_MADE
    path = data_root / DB_FILE
    if not made.is_file():
        return None
    if path.is_file() and path.stat().st_size > 0:
        if _has_stamp(path) is not False:
            return None  # a store (or a damaged file, which opening reports)
        state = "has no tables (emptied?)"  # break19e D2: a valid, empty SQLite file
    else:
        state = "is empty" if path.is_file() else "is missing"
    return (
        f"{path} {state}, but this kiosk had a store ({made}): restore it from backup "
        f"(docs/deployment.md); to start this kiosk over with no cases, delete {made} too"
    )


def _has_stamp(path: Path) -> bool | None:
    """Whether the SQLite file holds any table (False: a valid but emptied database);
    None when it cannot be read (busy, not a database: opening it says which)."""
    try:
        # A short wait: a store held by another program is not lost (opening says busy).
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return None
    try:
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return bool(tables)  # tables without a stamp: opening reports the damage
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def mark_store_made(data_root: Path, device_id: str) -> None:
    """Write ``STORE_MADE`` once (the store is made and migrated); a data root that
    cannot be written keeps working without it."""
    made = data_root / STORE_MADE
    if made.is_file():
        return
    from datetime import UTC, datetime

    made.parent.mkdir(mode=0o700, exist_ok=True)
    partial = made.with_suffix(".part")
    line = f"made {datetime.now(UTC).isoformat(timespec='seconds')} device {device_id}\n"
    try:
        # owner-only like every file of the data root (docs/data-protection.md)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as f:
            f.write(line)
        partial.replace(made)
    except OSError:
        pass


def sqlite_stamp(connection: sqlite3.Connection) -> str | None:
    """The revision stamped in ``alembic_version`` (None: no such table, or not one row)."""
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:  # a new database: no table yet
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def is_lock_error(exc: BaseException) -> bool:
    """SQLite said another connection holds the database (not that it is damaged)."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def is_locked(path: Path, wait_s: float) -> bool:
    """True when ``path`` cannot be read within ``wait_s`` seconds because another
    program holds it (an exclusive transaction in rollback-journal mode; WAL readers are
    never blocked). Read-only, never creates the file; anything else is False."""
    if not path.is_file():
        return False
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=wait_s)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return is_lock_error(exc)
    return False


def file_is_at_head(path: Path) -> bool:
    """True when the SQLite file ``path`` exists and its stamp is the head of the files.
    Opens it read-only (never creates it); False for anything else, including a file that
    is not a database or is locked beyond the wait."""
    if not path.is_file():
        return False
    head = head_revision()
    if head is None:
        return False
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return False
    try:
        return sqlite_stamp(connection) == head
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()
