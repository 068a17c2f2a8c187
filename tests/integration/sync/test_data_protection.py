"""Personal data at rest and in logs: after the retention purge nothing of the example's
people is left in the data root (database, WAL, free pages, other files), not even a
ciphertext that the device key would still open; notes are encrypted; a server error logs
no data; files are owner-only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from server_process import ServerProcess
from sqlalchemy import create_engine, select, text
from sync_helpers import KioskFactory, add_cases, clone_cases, outbox_states, poison_case

from kiosk.services.cases import show_case
from kiosk.services.sync import purge_expired, sync_once
from kiosk.store.models import CaseRow, OutboxEntry, utcnow

BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def _secrets() -> list[bytes]:
    from helpers import APPLICANT_ID, APPLICANT_NAME, DECEASED_ID, DECEASED_NAME, example

    answers = example()
    values = [APPLICANT_ID, APPLICANT_NAME, DECEASED_ID, DECEASED_NAME, answers["bank_account"]]
    values += [h["heir_name"] for h in answers["heirs"]] + [h["heir_id"] for h in answers["heirs"]]
    found = [v.encode() for v in values]
    # Also as the JSON escapes a careless writer might produce.
    found += [v.encode("unicode_escape") for v in values if not v.isascii()]
    return found


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_after_the_purge_nothing_personal_is_left_in_the_data_root(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server)
    ids = add_cases(ctx, 1)
    ids += clone_cases(ctx, ids[0], 49)
    assert sync_once(ctx).sent == 50
    # A desk's note naming the applicant comes back with the status.
    with sqlite_server.staff() as staff:
        r = staff.post(
            f"/staff/cases/{ids[0]}/advance",
            json={"step": "社保所", "note": "请张秀英补交火化证明", "outcome": "needs_materials"},
        )
        assert r.status_code == 200, r.text
    assert sync_once(ctx).changes == 1
    assert show_case(ctx, ids[0]).summary.server_note == "请张秀英补交火化证明"
    with ctx.store.unit_of_work() as uow:
        blobs = [
            blob
            for blob in uow.session.scalars(select(CaseRow.personal).where(CaseRow.id.in_(ids)))
            if blob
        ]
        note = uow.session.scalar(select(CaseRow.server_note).where(CaseRow.id == ids[0]))
    assert len(blobs) == 50 and note and "张秀英".encode() not in note
    # A print stores the paper as data (kiosk.printing.print_plan): purged with the rest.
    from kiosk.cli.print_quick import quick_export_pdf

    assert quick_export_pdf(str(ctx.data_root), ids[0], actor="cli:tester") is not None
    with ctx.store.unit_of_work() as uow:
        plan = uow.session.scalar(select(CaseRow.print_plan).where(CaseRow.id == ids[0]))
    assert plan
    blobs.append(plan)
    before = b"".join(p.read_bytes() for p in _files(ctx.data_root))
    assert any(blob[13:45] in before for blob in blobs)  # the scan below can see them

    purged = purge_expired(ctx, now=utcnow().replace(year=utcnow().year + 1))
    assert purged == 50
    everything = {p: p.read_bytes() for p in _files(ctx.data_root)}
    for path, data in everything.items():
        for secret in _secrets():
            assert secret not in data, f"{secret!r} in {path.name}"
        for blob in blobs:  # no purged ciphertext left anywhere (free pages, WAL)
            assert blob[13:45] not in data, f"a purged ciphertext is still in {path.name}"
        assert note[13:45] not in data
    wal = ctx.data_root / "kiosk.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    detail = show_case(ctx, ids[0])
    assert detail.purged and detail.summary.server_note is None
    with ctx.store.unit_of_work() as uow:
        assert uow.session.scalar(select(CaseRow.print_plan).where(CaseRow.id == ids[0])) is None
    assert detail.summary.state == "needs_materials"  # the stub still tells the status
    with ctx.store.engine.connect() as conn:  # on every build, not only Debian's default
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_the_scan_finds_a_ciphertext_that_sqlite_leaves_behind(tmp_path: Path) -> None:
    """Control for the test above: without secure_delete the old bytes stay in the file."""
    import sqlite3

    blob = os.urandom(1200)
    path = tmp_path / "control.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA secure_delete=OFF")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, personal BLOB)")
        conn.execute("INSERT INTO t (personal) VALUES (?)", (blob,))
        conn.commit()
        conn.execute("UPDATE t SET personal = NULL")
        conn.commit()
    assert blob[13:45] in path.read_bytes()


def test_quarantined_cases_are_purged_after_their_own_retention(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:

    ctx = make_kiosk(sqlite_server, quarantine_retention_days=90)
    bad = poison_case(ctx)
    assert sync_once(ctx).quarantined == 1
    assert purge_expired(ctx, now=utcnow()) == 0
    later = utcnow().replace(year=utcnow().year + 1)
    assert purge_expired(ctx, now=later) == 1
    assert outbox_states(ctx) == {"expired": 1}
    assert show_case(ctx, bad).purged


def test_files_of_kiosk_and_server_are_owner_only(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    ctx = make_kiosk(sqlite_server, retention_days=30)
    add_cases(ctx, 1)
    assert sync_once(ctx).error is None
    root = ctx.data_root
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    for name in ("kiosk.sqlite3", "kiosk.sqlite3-wal", "settings.toml", "keys/device.key"):
        path = root / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    for path in _files(root):
        assert not stat.S_IMODE(path.stat().st_mode) & 0o077, path
    server_db = Path(sqlite_server.db_url.removeprefix("sqlite:///"))
    assert stat.S_IMODE(server_db.stat().st_mode) == 0o600
    for mark in sqlite_server.home.glob("watermark-*/*"):
        assert stat.S_IMODE(mark.stat().st_mode) == 0o600


@BOTH
def test_a_server_error_logs_no_personal_data(
    own_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(own_server)
    add_cases(ctx, 3)
    engine = create_engine(own_server.db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:  # an accident: a table gone from under the server
        conn.execute(text("ALTER TABLE tasks RENAME TO tasks_gone"))
    try:
        report = sync_once(ctx)
        assert report.sent == 0 and report.quarantined == 0 and "500" in str(report.error)
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE tasks_gone RENAME TO tasks"))
        engine.dispose()
    log = own_server.log.read_bytes()
    assert b"internal error" in log and b"message withheld" in log
    for secret in _secrets():
        assert secret not in log, secret
    assert b"[parameters:" not in log  # SQLAlchemy quotes them so when not hidden
    with ctx.store.unit_of_work() as uow:
        errors = list(uow.session.scalars(select(OutboxEntry.last_error)))
    assert all(e and "500" in e for e in errors)
