"""The server's migrations at head create exactly the tables its models declare, desk
console tables (s0002_i17) included."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import kiosk.server.desk.models  # noqa: F401  (the desk tables on the server's Base)
from kiosk.server.db import create_server_engine, migrate_to_head
from kiosk.server.models import Base


def test_server_head_matches_the_models(tmp_path: Path) -> None:
    engine = create_server_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    migrate_to_head(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    # Alembic's own version table is not a model.
    diff = [
        d for d in diff if not (d[0] == "remove_table" and d[1].name == "server_alembic_version")
    ]
    assert diff == []
