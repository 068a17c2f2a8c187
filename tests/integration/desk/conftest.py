"""Fixtures of the desk console tests: the town server app in process on SQLite and on
PostgreSQL (KIOSK_TEST_PG_URL), a kiosk with real cases."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))

from desk_helpers import DeskServer, desk_server


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DeskServer]:
    monkeypatch.setenv("KIOSK_SERVER_HOME", str(tmp_path / "server-home"))
    if request.param == "sqlite":
        with desk_server(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path) as server:
            yield server
        return
    from server_process import postgres_database

    try:
        database = postgres_database()
        url = database.__enter__()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    try:
        with desk_server(url, tmp_path) as server:
            yield server
    finally:
        database.__exit__(None, None, None)
