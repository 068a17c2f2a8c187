"""Helpers of the published-definitions tests (issue 16): a draft folder with the 高龄津贴
age changed, publishing with the real CLI, and changing what the server serves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from server_process import ServerProcess
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kiosk.server import refdata


def publish(server: ServerProcess, folder: Path, effective: str) -> str:
    """The real CLI, in its own process, with the server's home (its signing key)."""
    cmd = [sys.executable, "-m", "kiosk.server.cli", "--db", server.db_url, "forms", "publish"]
    env = {**os.environ, "KIOSK_SERVER_HOME": str(server.home)}
    done = subprocess.run(
        [*cmd, str(folder), "--effective", effective],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def served(server: ServerProcess) -> tuple[int, dict[str, Any]]:
    """The definitions the server serves now: (version, body)."""
    engine = create_engine(server.db_url)
    with Session(engine) as session:
        row = refdata.get(session, "definitions")
        assert row is not None
        out = row.version, dict(row.body)
    engine.dispose()
    return out


def serve(server: ServerProcess, body: dict[str, Any], version: int | None = None) -> None:
    """Put ``body`` where kiosks pull definitions from (an attacker's or a restore's doing);
    ``version``: the number it is served under (else the next)."""
    engine = create_engine(server.db_url)
    with Session(engine) as session:
        row = refdata.get(session, "definitions")
        if version is not None and row is not None:
            row.version, row.body = version, body
        else:
            refdata.put(session, "definitions", body, version=version)
        session.commit()
    engine.dispose()


def tamper(server: ServerProcess, path: str, old: str, new: str) -> None:
    """What an attacker between publishing and the kiosk could do: change one file's text
    in the served release (its signature left as it was)."""
    _, body = served(server)
    files = [dict(f) for f in body["files"]]
    for f in files:
        if f["path"] == path:
            f["text"] = f["text"].replace(old, new)
    body["files"] = files
    serve(server, body)
