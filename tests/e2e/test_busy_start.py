"""A store another program holds locked when the kiosk starts (a backup, a ``kiosk``
command) is waited for: the kiosk opens once the lock is gone, instead of saying
本机暂时无法办理 until someone restarts it (issue 19's breaker, defect 1)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from helpers import ui_env

REPO = Path(__file__).resolve().parents[2]
HOLD = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
# Rollback-journal mode, so the exclusive lock keeps readers out too: in WAL mode (the
# kiosk's own) a writer no longer delays the start at all, as opening only reads.
c.execute("pragma journal_mode=delete")
c.execute("begin exclusive")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
c.execute("commit")
"""
LOCK_S = 25  # longer than the store's busy timeout (10 s), twice: a try gives up


def _kiosk(data: Path, quit_ms: int) -> subprocess.Popen[str]:
    env = ui_env(KIOSK_STARTUP_MARK="1")
    args = ["--data-dir", str(data), "--demo", "--quit-after-ms", str(quit_ms)]
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk.ui.app", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_store_locked_at_start_opens_once_the_lock_is_gone(tmp_path: Path) -> None:
    first = _kiosk(tmp_path, 1500)  # makes the data root, its store and key
    first.communicate(timeout=120)
    assert (tmp_path / "kiosk.sqlite3").is_file()
    hold = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "kiosk.sqlite3"), str(LOCK_S)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert hold.stdout is not None and hold.stdout.readline().strip() == "locked"
    locked_at = time.monotonic()
    kiosk = _kiosk(tmp_path, 60_000)
    assert kiosk.stdout is not None
    ready_at = None
    for line in kiosk.stdout:
        if line.startswith("KIOSK_READY_MARK"):
            ready_at = time.monotonic()
            break
    kiosk.terminate()
    _, err = kiosk.communicate(timeout=60)
    hold.communicate(timeout=60)
    assert ready_at is not None, err[-2000:]
    assert ready_at - locked_at >= LOCK_S - 1  # it did wait for the lock
    assert "is busy" in err and "trying again" in err  # said so in the log, in English
    assert "could not open" not in err and "Traceback" not in err
