"""Alembic environment of the town server: runs on the connection kiosk.server.db hands in."""

from alembic import context
from sqlalchemy import create_engine

from kiosk.server.models import Base

config = context.config
connection = config.attributes.get("connection")


def run(conn: object) -> None:
    context.configure(
        connection=conn,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        version_table="server_alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:  # `alembic -x url=...` from a shell, for developers writing a migration
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///server.sqlite3")
    with create_engine(url).begin() as conn:
        run(conn)
