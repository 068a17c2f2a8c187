"""Open the kiosk's SQLite database: WAL, full durability, foreign keys, migrations to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine

from kiosk.store.sqlbase import READ_ONLY, configure_sqlite

__all__ = ["READ_ONLY", "create_sqlite_engine", "migrate_to_head"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DB_FILE = "kiosk.sqlite3"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def create_sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    configure_sqlite(engine)
    return engine


def migrate_to_head(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
