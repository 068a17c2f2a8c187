"""``kiosk-server run`` as a fresh tester ran it: ``--workers 2`` must serve (it never did:
uvicorn's supervisor killed each worker before it had started), migrating once; a staff
token that could never be presented must stop the start with the rule, and the staff
API's 401 must say the rule. Real server processes, SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from server_process import ServerProcess

MIGRATED = "database migrated to head"  # kiosk.server.db.migrate_to_head says it once


def _health(url: str, timeout: float) -> httpx.Response:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            return httpx.get(url + "/api/v1/health", timeout=5)
        except httpx.HTTPError as exc:
            last = exc
            time.sleep(0.5)
    raise AssertionError(f"no answer from {url} in {timeout} s: {last!r}")


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_two_workers_serve_and_migrate_once(database_url: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    server = ServerProcess(database_url, home, extra_args=("--workers", "2"))
    server.start(timeout=240)
    try:
        answer = _health(server.url, timeout=240)
        assert answer.status_code == 200 and answer.json()["status"] == "ok", answer.text
        # Every request answered, whichever worker takes it.
        for _ in range(10):
            assert httpx.get(server.url + "/api/v1/health", timeout=10).status_code == 200
        assert server.admin("devices", "list") is not None  # the schema is there
    finally:
        server.stop()
    log = server.log.read_text(errors="replace")
    assert log.count(MIGRATED) == 1, log
    assert "Traceback" not in log, log


def test_a_staff_token_too_short_to_present_stops_the_start(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "kiosk.server.cli", "--db", f"sqlite:///{tmp_path / 'db'}"]
    run = subprocess.run(
        [*cmd, "run", "--port", "1", "--staff-token", "stafftok123"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"KIOSK_SERVER_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "16-128 characters" in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_the_staff_401_says_the_rule(sqlite_server: ServerProcess) -> None:
    answer = httpx.get(
        sqlite_server.url + "/api/v1/staff/cases",
        headers={"Authorization": "Bearer stafftok123"},
        timeout=30,
    )
    assert answer.status_code == 401
    assert "16-128 characters" in answer.json()["error"], answer.text
