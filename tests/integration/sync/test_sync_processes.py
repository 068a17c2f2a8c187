"""Processes: a dripping server costs at most the timeout; one sync process per data root;
many server processes starting on a fresh database migrate it once."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from server_process import ServerProcess
from sqlalchemy import create_engine, text
from sync_helpers import KioskFactory, add_cases, assert_exactly_once, enroll_raw

from kiosk.config import save_settings
from kiosk.services.sync import sync_once
from kiosk.sync.rounds import SyncOptions

RUN_CLI = "import sys; from kiosk.cli import main; sys.exit(main())"


class DripServer:
    """Answers every connection with a status line, then one byte every ``every_s``."""

    def __init__(self, every_s: float = 0.3, *, headers_done: bool = False) -> None:
        self.every_s = every_s
        self.headers_done = headers_done
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()

    def __enter__(self) -> DripServer:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        # MSG_NOSIGNAL: a client that hung up must not SIGPIPE the test process (the kiosk
        # CLI, run in-process by other tests, restores SIGPIPE's default action).
        def send(data: bytes) -> None:
            conn.sendall(data, socket.MSG_NOSIGNAL)

        with conn, contextlib.suppress(OSError):
            conn.recv(65536)
            head = b"HTTP/1.1 200 OK\r\n"
            if self.headers_done:
                head += b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
            send(head)
            # Inside the headers: a header line that never ends; after them: body bytes.
            send(b"" if self.headers_done else b"X-Drip: ")
            while not self._stop.wait(self.every_s):
                send(b"a" if not self.headers_done else b" ")


@pytest.mark.parametrize("headers_done", [False, True], ids=["headers", "body"])
def test_a_dripping_server_costs_at_most_the_timeout(
    headers_done: bool, sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server)
    add_cases(ctx, 2)
    with DripServer(headers_done=headers_done) as drip:
        ctx.settings = ctx.settings.model_copy(update={"server_url": drip.url})
        started = time.monotonic()
        report = sync_once(ctx, SyncOptions(timeout_s=2.0))
        took = time.monotonic() - started
        assert report.error and report.sent == 0
        # One request's total deadline (2 s), plus slack for a loaded machine; before the
        # total deadline this took as long as the server kept dripping (362 s seen).
        assert took < 6, took
        # The same through the command line, as the issue ran it.
        save_settings(ctx.data_root, ctx.settings)
        started = time.monotonic()
        args = ["--data-dir", str(ctx.data_root), "sync", "--once", "--timeout", "2"]
        cli = subprocess.run(
            [sys.executable, "-c", RUN_CLI, *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        took = time.monotonic() - started
    assert cli.returncode == 1, cli.stderr
    assert took < 20, took  # 2 s of network plus the interpreter's start-up


def test_one_sync_process_per_data_root(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server)
    ids = add_cases(ctx, 3)
    save_settings(ctx.data_root, ctx.settings)
    first = subprocess.Popen(
        [sys.executable, "-c", RUN_CLI, "--data-dir", str(ctx.data_root), "sync"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout is not None
        line = first.stdout.readline()  # the worker runs (and holds the lock)
        assert "pending" in line, line
        second = subprocess.run(
            [sys.executable, "-c", RUN_CLI, "--data-dir", str(ctx.data_root), "sync", "--once"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert second.returncode == 1
        assert "another process is already syncing" in second.stderr, second.stderr
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(30)
    report = sync_once(ctx)  # the lock went with the process
    assert report.error is None, report
    assert_exactly_once(sqlite_server, ctx, ids)


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_many_server_processes_on_a_fresh_database_migrate_it_once(
    database_url: str, tmp_path: Path
) -> None:
    servers = [ServerProcess(database_url, _home(tmp_path, i)) for i in range(4)]
    errors: list[BaseException] = []

    def start(server: ServerProcess) -> None:
        try:
            server.start(timeout=60)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        assert not errors, errors
        assert all(s.proc is not None and s.proc.poll() is None for s in servers)
        for server in servers:
            enroll_raw(server)  # each one serves, on the one schema
    finally:
        for s in servers:
            s.stop()
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM server_alembic_version")).all()
        epochs = conn.execute(text("SELECT value FROM server_meta WHERE key = 'epoch'")).all()
    engine.dispose()
    assert len(versions) == 1 and len(epochs) == 1
    for s in servers:
        assert "Traceback" not in s.log.read_text(errors="replace")


def _home(tmp_path: Path, i: int) -> Path:
    home = tmp_path / f"home{i}"
    home.mkdir()
    return home


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_kiosk_server_run_with_several_workers_on_a_fresh_database(
    database_url: str, tmp_path: Path, make_kiosk: KioskFactory
) -> None:
    server = ServerProcess(database_url, _home(tmp_path, 9), extra_args=("--workers", "3"))
    server.start(timeout=60)
    try:
        ctx = make_kiosk(server)
        ids = add_cases(ctx, 6)
        report = sync_once(ctx, SyncOptions(batch_size=2))
        assert report.error is None and report.sent == 6, report
        assert_exactly_once(server, ctx, ids)
    finally:
        server.stop()
    assert "Traceback" not in server.log.read_text(errors="replace")
