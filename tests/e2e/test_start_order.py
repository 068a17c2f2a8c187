"""What the real app has loaded when the first form can open (issue 19): the form
screens and the store, but not yet the sync worker's HTTP client nor the staff screens,
which the background thread loads only after the window has the kiosk; both are there
once it has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Runs the kiosk's own entry (kiosk.ui.app.main) with its start-up marks on, and prints
# at each mark which of the watched modules are loaded, then again when the sync worker
# is started. (Importing kiosk.services.startup here loads the store before the home
# screen, so the store is not watched: test_cli_imports.py holds home's import set.)
PROBE = """
import sys
import kiosk.services.startup as startup
import kiosk.ui.app as app

WATCHED = ("httpx", "kiosk.ui.staff_flow", "kiosk.ui.form_flow", "kiosk.services.market_days")
mark = app._print_mark


def loaded(name):
    return ",".join(m for m in WATCHED if m in sys.modules)


def print_mark(name):
    mark(name)
    print("LOADED", name, loaded(name), flush=True)


start_sync = startup.start_sync


def sync_started(ctx):
    print("LOADED SYNC", loaded("SYNC"), flush=True)
    return start_sync(ctx)


app._print_mark = print_mark
startup.start_sync = sync_started
sys.exit(app.main(sys.argv[1:]))
"""


def test_sync_and_staff_screens_load_after_the_first_form_can_open(tmp_path: Path) -> None:
    env = dict(os.environ, KIOSK_STARTUP_MARK="1", KIOSK_SPEECH="record")
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    args = ["--data-dir", str(tmp_path), "--demo", "--quit-after-ms", "6000"]
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
    assert {"kiosk.ui.staff_flow"} <= loaded["SYNC"]  # warmed before the worker starts
