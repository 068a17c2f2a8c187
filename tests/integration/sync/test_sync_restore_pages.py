"""Photographed pages after the server's database is put back from a backup: a page the
backup lacks, and a page the backup holds only part-way, are both sent again (brk18b 1)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from fault_proxy import FaultProxy
from server_process import ServerProcess
from sync_helpers import KioskFactory, add_cases
from test_sync_attachments import OPTIONS, photo, server_bytes

from kiosk.server.attachments import case_attachments
from kiosk.server.db import create_server_engine, session_factory
from kiosk.services.attachments import add_attachment, list_attachments
from kiosk.services.sync import sync_once

MATERIAL = "applicant_id_card"


def _on_server(server: ServerProcess, case_id: str) -> dict[str, object]:
    engine = create_server_engine(server.db_url)
    try:
        with session_factory(engine)() as session:
            return case_attachments(session, case_id)
    finally:
        engine.dispose()


def test_pages_a_restored_server_lacks_or_holds_part_way_are_sent_again(
    own_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    proxy = FaultProxy(own_server.port, match="/attachments").start()
    try:
        ctx = make_kiosk(own_server, url=proxy.url)
        case_id = add_cases(ctx, 1)[0]
        cut = photo(0.7, seed=2)  # three chunks of 256 KiB
        first = add_attachment(ctx, case_id, material_id=MATERIAL, data=cut, source="camera")
        # The declaration and the first chunk pass, then the link refuses: part-way.
        proxy.script("pass", "pass", *["refuse"] * 20)
        assert sync_once(ctx, OPTIONS).error is not None
    finally:
        proxy.stop()
    own_server.stop()
    path = Path(own_server.db_url.removeprefix("sqlite:///"))
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(path) as src, sqlite3.connect(backup) as dst:
        src.backup(dst)  # the backup holds the first page part-way, not the second
    server = ServerProcess(own_server.db_url, own_server.home).start()
    ctx.settings = ctx.settings.model_copy(update={"server_url": server.url})
    later = photo(0.3, seed=3)
    second = add_attachment(ctx, case_id, material_id=MATERIAL, data=later, source="camera")
    report = sync_once(ctx, OPTIONS)
    assert report.error is None and report.attachments_pending == 0, report
    assert {p.sync_state for p in list_attachments(ctx, case_id)} == {"sent"}
    server.stop()
    with sqlite3.connect(backup) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    restored = ServerProcess(own_server.db_url, own_server.home).start()
    try:
        held = _on_server(restored, case_id)
        assert held["complete"] == 0  # the restore lost the second page, cut the first
        ctx.settings = ctx.settings.model_copy(update={"server_url": restored.url})
        report = sync_once(ctx, OPTIONS)
        assert report.error is None and report.attachments_pending == 0, report
        assert server_bytes(restored, first.id) == cut
        assert server_bytes(restored, second.id) == later
        held = _on_server(restored, case_id)
        assert held["expected"] == 2 and held["complete"] == 2, held
    finally:
        restored.stop()


def test_a_restore_that_keeps_the_epoch_is_found_by_the_changes_cursor(
    own_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    """The whole server home put back (no watermark left): same epoch, same case count;
    the page is still found because the server's status changes went back."""
    ctx = make_kiosk(own_server)
    case_id = add_cases(ctx, 1)[0]
    assert sync_once(ctx, OPTIONS).sent == 1
    own_server.stop()
    path = Path(own_server.db_url.removeprefix("sqlite:///"))
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(path) as src, sqlite3.connect(backup) as dst:
        src.backup(dst)  # the case is there, no page and no status change yet
    server = ServerProcess(own_server.db_url, own_server.home).start()
    ctx.settings = ctx.settings.model_copy(update={"server_url": server.url})
    data = photo(0.2, seed=4)
    page = add_attachment(ctx, case_id, material_id=MATERIAL, data=data, source="camera")
    with server.staff() as staff:
        r = staff.post(f"/staff/cases/{case_id}/advance", json={"step": "社保所"})
        assert r.status_code == 200, r.text
    report = sync_once(ctx, OPTIONS)
    assert report.error is None and report.changes == 1 and report.attachments_pending == 0
    server.stop()
    with sqlite3.connect(backup) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    for mark in own_server.home.glob("watermark-*"):
        shutil.rmtree(mark)
    restored = ServerProcess(own_server.db_url, own_server.home).start()
    try:
        ctx.settings = ctx.settings.model_copy(update={"server_url": restored.url})
        report = sync_once(ctx, OPTIONS)
        assert report.error is None and report.attachments_pending == 0, report
        assert server_bytes(restored, page.id) == data
    finally:
        restored.stop()
