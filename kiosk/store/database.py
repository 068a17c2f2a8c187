"""Open the kiosk's SQLite database: WAL, full durability, foreign keys, migrations to head.

Alembic is imported only when the database is not at head: the head revision is read
from the migration files (kiosk.store.schema_stamp.head_revision, re-exported here) and
compared with the stamp in ``alembic_version``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from kiosk.store.schema_stamp import DB_FILE, MIGRATIONS_DIR, head_revision, is_lock_error
from kiosk.store.sqlbase import READ_ONLY, configure_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "DB_FILE",
    "READ_ONLY",
    "checkpoint",
    "create_sqlite_engine",
    "head_revision",
    "migrate_to_head",
]


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def create_sqlite_engine(path: Path) -> Engine:
    """The kiosk's engine: never logs SQL parameters, zeroes deleted content, and the
    database file (hence its -wal and -shm, which SQLite creates alike) owner-only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)
    engine = create_engine(f"sqlite:///{path}", future=True, hide_parameters=True)
    configure_sqlite(engine, secure_delete=True)
    return engine


def checkpoint(engine: Engine, attempts: int = 20) -> bool:
    """Copy the WAL into the database file and truncate it to zero bytes, so no old page
    (e.g. a purged ciphertext) stays in the -wal file. Outside any transaction; retried
    while another connection holds the WAL. True when the WAL was emptied."""
    raw = engine.raw_connection()
    try:
        for _ in range(attempts):
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            row = cursor.fetchone()
            busy = row[0] if row else 1
            cursor.close()
            if not busy:
                return True
            time.sleep(0.05)
        return False
    finally:
        raw.close()


def stamped_revision(engine: Engine) -> str | None:
    """The revision stamped in ``alembic_version`` (None: no table, or not one row)."""
    try:
        with engine.connect() as connection:
            connection.execution_options(**{READ_ONLY: True})  # no write lock to read it
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except OperationalError as exc:  # a new database: no table yet
        if exc.orig is not None and is_lock_error(exc.orig):
            raise  # busy is not new: Store.open says so
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def migrate_to_head(engine: Engine) -> None:
    """Upgrade the database to the head revision; nothing (and no Alembic import) when
    its stamp already is the head."""
    head = head_revision()
    if head is not None and stamped_revision(engine) == head:
        return
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
