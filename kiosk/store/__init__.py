"""Local case store: SQLite (WAL) through SQLAlchemy 2.0, Alembic migrations, field encryption."""
