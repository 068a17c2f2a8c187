"""Alembic environment: runs on the connection handed in by kiosk.store.database."""

from alembic import context
from sqlalchemy import create_engine

from kiosk.store.models import Base

config = context.config
connection = config.attributes.get("connection")


def run(conn: object) -> None:
    context.configure(
        connection=conn,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copy-and-move
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:  # `alembic -x url=...` from a shell, for developers writing a migration
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///kiosk.sqlite3")
    with create_engine(url).begin() as conn:
        run(conn)
