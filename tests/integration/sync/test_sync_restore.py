"""Restores: a server database put back from a backup, a kiosk data root put back from an
older copy. No case may be lost, no case number handed out twice."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from server_process import PG_ADMIN, ServerProcess
from sync_helpers import KioskFactory, add_cases, assert_exactly_once, server_counts

from kiosk.services.cases import fill_case
from kiosk.services.context import open_kiosk
from kiosk.services.sync import sync_once

BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def _restart(server: ServerProcess) -> ServerProcess:
    server.stop()
    return ServerProcess(server.db_url, server.home).start()


def _backup_and_restore(url: str, tmp_path: Path) -> tuple[Callable[[], None], Callable[[], None]]:
    """(take a backup, put it back) for the server's database, server stopped."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        copy = tmp_path / "backup.sqlite3"

        def backup() -> None:
            with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
                src.backup(dst)

        def restore() -> None:
            # SQLite's online backup writes the copy back through the database's own
            # pager (its WAL included), as `sqlite3 server.sqlite3 ".restore backup"`.
            with sqlite3.connect(copy) as src, sqlite3.connect(path) as dst:
                src.backup(dst)

        return backup, restore
    import psycopg

    name = url.rsplit("/", 1)[1]

    def admin(sql: str) -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname IN (%s, %s) AND pid <> pg_backend_pid()",
                (name, f"{name}_bak"),
            )
            conn.execute(sql)

    def backup_pg() -> None:
        admin(f'CREATE DATABASE "{name}_bak" TEMPLATE "{name}"')

    def restore_pg() -> None:
        admin(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin(f'CREATE DATABASE "{name}" TEMPLATE "{name}_bak"')
        admin(f'DROP DATABASE "{name}_bak"')

    return backup_pg, restore_pg


@BOTH
def test_a_server_restored_from_a_backup_gets_every_case_again_in_one_sync(
    own_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    ctx = make_kiosk(own_server)
    first = add_cases(ctx, 10)
    assert sync_once(ctx).sent == 10
    backup, restore = _backup_and_restore(own_server.db_url, tmp_path)
    own_server.stop()
    backup()
    server = ServerProcess(own_server.db_url, own_server.home).start()
    ctx.settings = ctx.settings.model_copy(update={"server_url": server.url})
    second = add_cases(ctx, 10)
    assert sync_once(ctx).sent == 10
    server.stop()
    restore()  # 10 of the 20 cases are gone from the server
    server = ServerProcess(own_server.db_url, own_server.home).start()
    try:
        ctx.settings = ctx.settings.model_copy(update={"server_url": server.url})
        assert sum(server_counts(server).values()) == 10
        report = sync_once(ctx)
        assert report.error is None and report.sent == 10, report
        assert_exactly_once(server, ctx, first + second)
        assert "new epoch" in server.log.read_text()
    finally:
        server.stop()


def test_a_restore_nobody_announced_is_found_by_the_count_check(
    own_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    ctx = make_kiosk(own_server)
    first = add_cases(ctx, 4)
    assert sync_once(ctx).sent == 4
    backup, restore = _backup_and_restore(own_server.db_url, tmp_path)
    own_server.stop()
    backup()
    server = ServerProcess(own_server.db_url, own_server.home).start()
    ctx.settings = ctx.settings.model_copy(update={"server_url": server.url})
    second = add_cases(ctx, 4)
    assert sync_once(ctx).sent == 4
    server.stop()
    restore()
    # The watermark beside the data is gone too (the whole home restored): same epoch.
    for mark in own_server.home.glob("watermark-*"):
        shutil.rmtree(mark)
    server = ServerProcess(own_server.db_url, own_server.home).start()
    try:
        ctx.settings = ctx.settings.model_copy(update={"server_url": server.url})
        report = sync_once(ctx)
        assert report.error is None and report.sent == 4, report
        assert_exactly_once(server, ctx, first + second)
    finally:
        server.stop()


def test_a_kiosk_restored_from_an_older_root_does_not_reissue_numbers(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    from helpers import FORM_ID, catalogue, example, fixed_clock

    ctx = make_kiosk(sqlite_server)
    add_cases(ctx, 2)
    assert sync_once(ctx).sent == 2
    root = ctx.data_root
    ctx.store.close()
    old_copy = tmp_path / "old-root"
    shutil.copytree(root, old_copy)
    ctx = open_kiosk(root, catalogue=catalogue(), clock=fixed_clock)
    try:
        later = [fill_case(ctx, FORM_ID, example(), volunteer_id="V001") for _ in range(3)]
        assert sync_once(ctx).sent == 3
    finally:
        ctx.close()
    shutil.rmtree(root)
    shutil.copytree(old_copy, root)  # the PC's disk came back from last week's copy
    restored = open_kiosk(root, catalogue=catalogue(), clock=fixed_clock)
    try:
        assert sync_once(restored).error is None  # learns the numbers the server holds
        fresh = fill_case(restored, FORM_ID, example(), volunteer_id="V001")
        assert fresh.number not in {c.number for c in later}
        assert int(fresh.number.rsplit("-", 1)[1]) == int(later[-1].number.rsplit("-", 1)[1]) + 1
    finally:
        restored.close()
