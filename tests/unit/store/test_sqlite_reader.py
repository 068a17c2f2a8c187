"""The sqlite3 read path (kiosk.store.sqlite_reader) against the one schema, the ORM models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.store.models import Base
from kiosk.store.schema_stamp import DB_FILE, file_is_at_head, head_revision
from kiosk.store.sqlite_reader import TABLES, QuickReadUnavailable, SqliteReader
from kiosk.store.uow import Store


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_column_read_is_a_column_of_the_orm_model(table: str) -> None:
    model_columns = set(Base.metadata.tables[table].columns.keys())
    missing = set(TABLES[table]) - model_columns
    assert not missing, f"{table}: the sqlite3 path names {missing}, not in kiosk.store.models"


def test_the_reader_opens_only_a_checked_store_at_the_head(tmp_path: Path) -> None:
    with pytest.raises(QuickReadUnavailable):
        SqliteReader(tmp_path)  # nothing there: the store creates it, not the reader
    assert not (tmp_path / DB_FILE).exists()
    Store.open(tmp_path).close()
    assert file_is_at_head(tmp_path / DB_FILE)
    with SqliteReader(tmp_path) as reader:
        assert reader.meta("device_id")
        assert reader.case("no-such-case") is None
    db = sqlite3.connect(tmp_path / DB_FILE)
    db.execute("UPDATE alembic_version SET version_num = 'older'")
    db.commit()
    db.close()
    assert not file_is_at_head(tmp_path / DB_FILE)
    with pytest.raises(QuickReadUnavailable):
        SqliteReader(tmp_path)


def test_a_key_that_did_not_write_the_store_is_not_used(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    (tmp_path / "keys" / "device.key").write_bytes(b"\x07" * 32)
    with pytest.raises(QuickReadUnavailable):
        SqliteReader(tmp_path)


def test_a_file_that_is_no_database_is_not_at_head(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE
    path.write_bytes(b"not a database at all" * 100)
    assert head_revision() is not None
    assert not file_is_at_head(path)


def test_the_head_is_read_from_the_revision_lines(tmp_path: Path) -> None:
    """Typed or not, a merge's tuple, a comment: the head Alembic would find."""
    files = {
        "a.py": 'revision = "a"\ndown_revision = None\n',
        "b.py": 'revision: str = "b"  # second\ndown_revision: str | None = "a"\n',
        "c.py": '"""c"""\nrevision = "c"\ndown_revision = "a"\n',
        "m.py": 'revision = "m"\ndown_revision = ("b", "c")\n',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert head_revision(tmp_path) == "m"
    (tmp_path / "m.py").unlink()
    assert head_revision.__wrapped__(tmp_path) is None  # two heads: Alembic decides
