"""What the real app has loaded when the first form can open (issue 19): the form
screens and home's market-day banner, but not yet the sync worker's HTTP client nor the
staff screens, which the background thread loads only after the window has the kiosk;
both are there once the window hears that the worker was started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Runs the kiosk's own entry (kiosk.ui.app.main) with its start-up marks on, prints at
# each mark which of the watched modules are loaded, then again when the window hears
# that the sync worker was started, and quits.
PROBE = """
import sys
import kiosk.ui.app as app
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QApplication

WATCHED = ("httpx", "kiosk.ui.staff_flow", "kiosk.ui.form_flow", "kiosk.services.market_days")
mark = app._print_mark
sync_started = MainWindow.sync_started


def loaded():
    return ",".join(m for m in WATCHED if m in sys.modules)


def print_mark(name):
    mark(name)
    print("LOADED", name, loaded(), flush=True)


def synced(window):
    sync_started(window)
    print("LOADED SYNC", loaded(), flush=True)
    QApplication.instance().quit()  # all seen: no need to wait for --quit-after-ms


app._print_mark = print_mark
MainWindow.sync_started = synced
sys.exit(app.main(sys.argv[1:]))
"""


def test_sync_and_staff_screens_load_after_the_first_form_can_open(tmp_path: Path) -> None:
    env = dict(os.environ, KIOSK_STARTUP_MARK="1", KIOSK_SPEECH="record")
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    args = ["--data-dir", str(tmp_path), "--demo", "--quit-after-ms", "90000"]  # a bound
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = {
        line.split()[1]: set(filter(None, [*line.split(), ""][2].split(",")))
        for line in done.stdout.splitlines()
        if line.startswith("LOADED")
    }
    assert list(loaded) == ["KIOSK_STARTUP_MARK", "KIOSK_READY_MARK", "SYNC"], done.stdout
    assert loaded["KIOSK_STARTUP_MARK"] == set()  # the home screen: none of them
    ready = {"kiosk.ui.form_flow", "kiosk.services.market_days"}  # the screens, home's banner
    assert loaded["KIOSK_READY_MARK"] == ready
    assert loaded["SYNC"] == {"httpx", "kiosk.ui.staff_flow"} | ready
