"""Fixtures of the sync tests: real town server processes (SQLite, PostgreSQL), enrolled
kiosks, real cases from the shipped example answers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from server_process import ServerProcess, postgres_database
from sync_helpers import KioskFactory

from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.sync import enroll_device


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("server")
    server = ServerProcess(f"sqlite:///{home / 'server.sqlite3'}", home).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("pgserver")
    try:
        database = postgres_database()
        url = database.__enter__()
    except RuntimeError as exc:
        # scripts/services.sh installs and starts PostgreSQL where it can; where it could
        # not (no root), the PostgreSQL half of these tests says why and skips.
        pytest.skip(str(exc))
    server = ServerProcess(url, home).start()
    try:
        yield server
    finally:
        server.stop()
        database.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest) -> ServerProcess:
    return request.getfixturevalue(f"{request.param}_server".replace("postgresql", "pg"))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the kind the test is parametrized with (``db`` param:
    "sqlite" or "postgresql"), dropped afterwards."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'own-server.sqlite3'}"
        return
    database = postgres_database()
    try:
        url = database.__enter__()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        database.__exit__(None, None, None)


@pytest.fixture
def own_server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server process of this test alone (its throttling state, its restarts)."""
    home = tmp_path / "own-server-home"
    home.mkdir()
    server = ServerProcess(database_url, home).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_kiosk(tmp_path: Path) -> Iterator[KioskFactory]:
    """Open a kiosk on its own data root and enroll it with ``server`` (URL may be a proxy)."""
    from helpers import catalogue, fixed_clock

    opened: list[KioskContext] = []

    def make(server: ServerProcess, *, url: str | None = None, **settings: Any) -> KioskContext:
        root = tmp_path / f"kiosk{len(opened)}"
        ctx = open_kiosk(root, catalogue=catalogue(), clock=fixed_clock, **settings)
        opened.append(ctx)
        code = server.admin("enroll", "--name", "石马镇大厅1号机").strip()
        enroll_device(ctx, server.url, code)
        if url:
            ctx.settings = ctx.settings.model_copy(update={"server_url": url})
        return ctx

    yield make
    for ctx in opened:
        ctx.close()
