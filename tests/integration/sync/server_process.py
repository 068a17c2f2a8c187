"""A real town server process (uvicorn) on 127.0.0.1 for the sync tests and benches."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

STAFF_TOKEN = "staff-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ServerProcess:
    def __init__(
        self,
        db_url: str,
        home: Path,
        *,
        ssl: tuple[Path, Path] | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.db_url = db_url
        self.extra_args = extra_args
        self.home = home
        self.port = free_port()
        scheme = "https" if ssl else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.ssl = ssl
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = home / f"server-{self.port}.log"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        cmd = [sys.executable, "-m", "kiosk.server.cli", "--db", self.db_url, "run"]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port), "--staff-token", STAFF_TOKEN]
        if self.ssl:
            cmd += ["--ssl-cert", str(self.ssl[0]), "--ssl-key", str(self.ssl[1])]
        cmd += list(self.extra_args)
        env = {**os.environ, "KIOSK_SERVER_HOME": str(self.home)}
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start in time")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def admin(self, *args: str) -> str:
        """Run ``kiosk-server`` (in this process) against the same database; return stdout."""
        from kiosk.server.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--db", self.db_url, *args])
        if code != 0:
            raise RuntimeError(f"kiosk-server {' '.join(args)}: {err.getvalue()}")
        return out.getvalue()

    def staff(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url + "/api/v1",
            headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
            timeout=30,
            verify=False,
        )


@contextmanager
def running_server(db_url: str, home: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(db_url, home).start()
    try:
        yield server
    finally:
        server.stop()


# scripts/services.sh exports KIOSK_TEST_PG_URL (a role that may create databases); the
# default suits a machine whose PostgreSQL trusts local connections.
PG_ADMIN = os.environ.get("KIOSK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards."""
    import psycopg

    name = f"kiosk_sync_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        where = urlsplit(PG_ADMIN).hostname
        message = f"PostgreSQL is not reachable at {where} (KIOSK_TEST_PG_URL): {exc}"
        raise RuntimeError(message) from exc
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(PG_ADMIN, name)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
