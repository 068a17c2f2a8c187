"""Open the kiosk's SQLite database: WAL, full durability, foreign keys, migrations to head."""

from __future__ import annotations

import os
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine

from kiosk.store.sqlbase import READ_ONLY, configure_sqlite

__all__ = ["READ_ONLY", "checkpoint", "create_sqlite_engine", "migrate_to_head"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DB_FILE = "kiosk.sqlite3"


def alembic_config() -> Config:
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


def migrate_to_head(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
