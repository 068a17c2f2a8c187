"""Open the kiosk's SQLite database: WAL, full durability, foreign keys, migrations to head.

Alembic is imported only when the database is not at head: the head revision is read
from the migration files' ``revision``/``down_revision`` lines (no constant to forget
when a migration is added) and compared with the stamp in ``alembic_version``.
"""

from __future__ import annotations

import ast
import os
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from kiosk.store.sqlbase import READ_ONLY, configure_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["READ_ONLY", "checkpoint", "create_sqlite_engine", "head_revision", "migrate_to_head"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DB_FILE = "kiosk.sqlite3"


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


@cache
def head_revision(versions: Path = MIGRATIONS_DIR / "versions") -> str | None:
    """The one head of the migration files (the revision no other names as its
    ``down_revision``); None when there are several heads or a file cannot be read,
    so that Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            return None
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                name = getattr(target, "id", None)
                value = node.value
                if name == "revision" and isinstance(value, ast.Constant):
                    revisions.add(str(value.value))
                elif name == "down_revision" and isinstance(value, ast.Constant | ast.Tuple):
                    found = value.elts if isinstance(value, ast.Tuple) else [value]
                    parents |= {str(v.value) for v in found if isinstance(v, ast.Constant)}
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def stamped_revision(engine: Engine) -> str | None:
    """The revision stamped in ``alembic_version`` (None: no table, or not one row)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except OperationalError:  # a new database: no table yet
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
