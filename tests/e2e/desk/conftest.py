"""Fixtures of the desk console's browser tests: Debian's Chromium driven by Playwright
(never a downloaded browser), a real town server process on 127.0.0.1 (SQLite and
PostgreSQL), and an enrolled kiosk."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "integration" / "sync"))

from server_process import ServerProcess, postgres_database

from kiosk.services.context import KioskContext, open_kiosk

CHROMIUM = os.environ.get("KIOSK_TEST_CHROMIUM", "/usr/bin/chromium")
# Quiet and reproducible: no first-run UI, no network of its own, no updates, no sync.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (scripts/setup.sh installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def town_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp(f"desk-{request.param}")
    if request.param == "sqlite":
        server = ServerProcess(f"sqlite:///{home / 'server.sqlite3'}", home).start()
        try:
            yield server
        finally:
            server.stop()
        return
    try:
        database = postgres_database()
        url = database.__enter__()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    server = ServerProcess(url, home).start()
    try:
        yield server
    finally:
        server.stop()
        database.__exit__(None, None, None)


@pytest.fixture
def kiosk(town_server: ServerProcess, tmp_path: Path) -> Iterator[KioskContext]:
    """A kiosk enrolled with the town server (its cases sync, its codes verify)."""
    from helpers import catalogue, fixed_clock

    from kiosk.services.sync import enroll_device

    ctx = open_kiosk(tmp_path / "kiosk", catalogue=catalogue(), clock=fixed_clock)
    code = town_server.admin("enroll", "--name", "石马镇大厅1号机").strip()
    enroll_device(ctx, town_server.url, code)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desk PC's browser tab: 1366×768, Chinese."""
    from browser_helpers import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()
