"""The town server's database: SQLite under KIOSK_SERVER_HOME by default, PostgreSQL by URL.

The same code runs on both; Alembic migrations (kiosk/server/migrations) bring either to head.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store.sqlbase import configure_sqlite

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DB_FILE = "server.sqlite3"


def server_home() -> Path:
    """``KIOSK_SERVER_HOME``, else the platform's data folder for the town server."""
    env = os.environ.get("KIOSK_SERVER_HOME")
    root = Path(env) if env else Path(platformdirs.user_data_dir("bangban-server", appauthor=False))
    return root.expanduser().resolve()


def default_url() -> str:
    home = server_home()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / DB_FILE}"


def normalise_url(url: str) -> str:
    # "postgresql://" would pick psycopg2, which we do not ship; psycopg 3 is the driver.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def create_server_engine(url: str | None = None) -> Engine:
    url = normalise_url(url or default_url())
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        configure_sqlite(engine, busy_timeout_ms=15000)
        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


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


def migrate_to_head(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
