"""The town server's database: SQLite under KIOSK_SERVER_HOME by default, PostgreSQL by URL.

The same code runs on both; Alembic migrations (kiosk/server/migrations) bring either to head.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store.sqlbase import configure_sqlite

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DB_FILE = "server.sqlite3"


def server_home() -> Path:
    """``KIOSK_SERVER_HOME``, else the platform's data folder for the town server."""
    env = os.environ.get("KIOSK_SERVER_HOME")
    root = Path(env) if env else Path(platformdirs.user_data_dir("bangban-server", appauthor=False))
    return root.expanduser().resolve()


def default_url() -> str:
    home = server_home()
    private_dir(home)
    return f"sqlite:///{home / DB_FILE}"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) owner-only (0700); tighten it if it exists."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only (0600) unless it exists; tighten it if it does.

    SQLite creates its -wal and -shm files with the database file's permissions, so a
    database file made here keeps all three private."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)


def normalise_url(url: str) -> str:
    # "postgresql://" would pick psycopg2, which we do not ship; psycopg 3 is the driver.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def create_server_engine(url: str | None = None) -> Engine:
    """An engine that never logs SQL parameters (they hold whole cases: ID and bank
    numbers) — not in its own log, not in the text of the errors it raises."""
    url = normalise_url(url or default_url())
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        database = engine.url.database
        if database and database != ":memory:":
            private_file(Path(database))
        configure_sqlite(engine, busy_timeout_ms=15000)
        return engine
    return create_engine(
        url, pool_size=10, max_overflow=10, pool_pre_ping=True, hide_parameters=True
    )


def is_postgres(conn: Connection | Session) -> bool:
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    return bind.dialect.name == "postgresql"


def lock_changes(session: Session) -> None:
    """Serialise writers of status changes so the cursor never skips a late commit.

    With concurrent transactions a sequence can commit 7 before 6; a kiosk that
    already read up to 7 would never see 6. SQLite has one writer anyway; on
    PostgreSQL a transaction-scoped advisory lock gives the same guarantee.
    """
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(61061)"))


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


# Set by ``kiosk-server run --workers N`` after it migrated: its workers skip migrating.
MIGRATED_ENV = "KIOSK_SERVER_MIGRATED"
# Key of the PostgreSQL advisory lock held while migrating (any constant shared by all).
MIGRATION_LOCK = 61062


def _heads(connection: Connection) -> tuple[str, ...]:
    """The database's current revisions (the version table of migrations/env.py)."""
    context = MigrationContext.configure(
        connection, opts={"version_table": "server_alembic_version"}
    )
    return tuple(context.get_current_heads())


def migrate_to_head(engine: Engine) -> None:
    """Bring the database to head, once however many server processes start together.

    On PostgreSQL every process takes the same session advisory lock first, so one
    migrates and the others wait, then find head and do nothing. On SQLite the migration
    is one ``BEGIN IMMEDIATE`` transaction: the write lock serialises them the same way.
    """
    config = alembic_config()
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
        try:
            with connection.begin():
                before = _heads(connection)
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                after = _heads(connection)
            if before != after:
                log.warning(
                    "database migrated to head (%s -> %s)",
                    ",".join(before) or "empty",
                    ",".join(after),
                )
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
