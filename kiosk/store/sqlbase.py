"""What the kiosk's store and the town server's database share: constraint names, UTC
times, and how a SQLite connection is set up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event

# Named constraints so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Execution option: this connection only reads, so it takes no write lock.
READ_ONLY = "kiosk_read_only"


def utcnow() -> datetime:
    """Naive UTC: both databases store times without a zone."""
    return datetime.now(UTC).replace(tzinfo=None)


def configure_sqlite(
    engine: Engine, *, busy_timeout_ms: int = 10000, secure_delete: bool = False
) -> None:
    """WAL, full durability, foreign keys, and the write lock taken at BEGIN.

    ``secure_delete`` (the kiosk): SQLite overwrites deleted and replaced content with
    zeros instead of leaving it in free pages, so a purged ciphertext is gone from the
    file once the WAL is checkpointed (kiosk.sync.retention)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit survives power loss, not only a killed process. On the kiosk a
        # saved case must never vanish; on the server an acknowledged case must not
        # either, since the kiosk stops sending what the server acknowledged.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if secure_delete:
            cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock up front: no read-then-upgrade deadlocks between two
        # writers (the UI's operations and the sync worker; two server requests).
        # A connection marked read-only (registry prefill lookups made while a unit
        # of work holds the lock) reads the last committed snapshot instead.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
