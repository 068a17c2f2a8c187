"""The SQLite store: WAL, migrations that match the models, units of work, case numbers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from helpers import CST, FORM_ID, catalogue, example
from sqlalchemy import text

from kiosk.domain.case_numbers import DEVICE_NO_KEY, TAG_ALPHABET, device_part, unenrolled_tag
from kiosk.services.cases import fill_case, start_case
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.store.database import alembic_config, create_sqlite_engine, migrate_to_head
from kiosk.store.models import Base, CaseRow
from kiosk.store.uow import Store


def test_alembic_head_matches_the_models(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "db.sqlite3")
    migrate_to_head(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert context.get_current_revision() == head
    engine.dispose()


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "db.sqlite3")
    migrate_to_head(engine)
    migrate_to_head(engine)
    with engine.connect() as conn:
        tables = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type='table'")).all())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    engine.dispose()


def test_the_database_runs_in_wal_mode_with_full_durability(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_leaving_a_unit_of_work_without_commit_keeps_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with store.unit_of_work() as uow:
        uow.meta.set("k", "v")
        uow.cases.next_number(day=date(2026, 11, 20), device="01")
    with store.unit_of_work() as uow:
        assert uow.meta.get("k") is None
        # An abandoned number is not used up.
        assert uow.cases.next_number(day=date(2026, 11, 20), device="01") == "261120-01-001"
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.meta.set("k", "v")
        raise RuntimeError("boom")
    with store.unit_of_work() as uow:
        assert uow.meta.get("k") is None
    store.close()


def test_the_device_id_is_made_once_per_store(tmp_path: Path) -> None:
    first = Store.open(tmp_path)
    device = first.device_id
    first.close()
    again = Store.open(tmp_path)
    assert again.device_id == device
    again.close()


def test_case_numbers_are_sequential_per_day_and_unique(ctx: KioskContext) -> None:
    numbers = [fill_case(ctx, FORM_ID, example()).number for _ in range(3)]
    numbers.append(start_case(ctx, FORM_ID).case.number)  # drafts take a number too
    assert numbers == [f"261120-01-00{i}" for i in range(1, 5)]
    ctx.clock = lambda: datetime(2026, 11, 21, 8, 0, tzinfo=CST)
    assert fill_case(ctx, FORM_ID, example()).number == "261121-01-001"
    with ctx.store.unit_of_work() as uow:
        all_numbers = [row.number for row in uow.session.query(CaseRow)]
    assert len(all_numbers) == len(set(all_numbers)) == 5


def test_the_device_number_is_part_of_the_case_number(tmp_path: Path) -> None:
    """Before enrollment: the tag of the device UUID; after: the number the server gave."""
    ctx = open_kiosk(
        tmp_path / "home",
        catalogue=catalogue(),
        clock=lambda: datetime(2026, 11, 20, 9, 0, tzinfo=CST),
    )
    try:
        tag = unenrolled_tag(ctx.store.device_id)
        assert len(tag) == 8 and set(tag) <= set(TAG_ALPHABET)
        assert fill_case(ctx, FORM_ID, example()).number == f"261120-{tag}-001"
        with ctx.store.unit_of_work() as uow:
            uow.meta.set(DEVICE_NO_KEY, "7")  # what enroll_device stores
            uow.commit()
        assert fill_case(ctx, FORM_ID, example()).number == "261120-07-002"
    finally:
        ctx.close()


def test_unenrolled_tags_differ_between_devices() -> None:
    import uuid

    tags = {unenrolled_tag(str(uuid.uuid4())) for _ in range(2000)}
    assert len(tags) == 2000
    assert device_part(3, str(uuid.uuid4())) == "03" and device_part(120, "") == "120"


def test_two_stores_on_one_file_share_the_sequence(tmp_path: Path) -> None:
    """The UI and a second process (sync, CLI) never hand out the same number."""
    a, b = Store.open(tmp_path), Store.open(tmp_path)
    day = date(2026, 11, 20)
    got = []
    for store in (a, b, a, b):
        with store.unit_of_work() as uow:
            got.append(uow.cases.next_number(day=day, device="01"))
            uow.commit()
    assert got == [f"261120-01-00{i}" for i in range(1, 5)]
    a.close()
    b.close()


def test_open_at_head_skips_alembic(tmp_path: Path) -> None:
    """A database stamped at the head opens without importing Alembic (issue 19)."""
    import subprocess
    import sys

    from kiosk.store.database import head_revision
    from kiosk.store.uow import Store

    Store.open(tmp_path).close()  # creates and migrates
    code = (
        "import sys; from pathlib import Path; from kiosk.store.uow import Store; "
        f"Store.open(Path({str(tmp_path)!r})).close(); "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    # the head read from the files is Alembic's own
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
