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
