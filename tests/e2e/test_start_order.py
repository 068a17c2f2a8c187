"""The real app's start order (issue 19). When the store is open (KIOSK_READY_MARK) the
form screens and home's market-day banner are loaded, but not yet the staff screens, which
the background thread loads only after the window has the kiosk; they are there once the
window hears that the sync worker was started. The worker's HTTP client (httpx) is not
loaded at all: the demo kiosk is not enrolled, so it never makes a request. Before the
store is open, 办事 already shows the identify page, which takes a whole ID number; its
look-up waits for the store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import ui_env

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
    env = ui_env(KIOSK_STARTUP_MARK="1")
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
        if line.startswith("LOADED") and "KIOSK_HOME_FULL_MARK" not in line  # home redrawn
    }
    assert list(loaded) == ["KIOSK_STARTUP_MARK", "KIOSK_READY_MARK", "SYNC"], done.stdout
    assert loaded["KIOSK_STARTUP_MARK"] == set()  # the home screen: none of them
    ready = {"kiosk.ui.form_flow", "kiosk.services.market_days"}  # the screens, home's banner
    assert loaded["KIOSK_READY_MARK"] == ready
    assert loaded["SYNC"] == {"kiosk.ui.staff_flow"} | ready  # no httpx: not enrolled


# The same entry, with the store's opening held back (the background thread waits after
# warming the identify page) until a person has tapped 办事 and typed a whole ID number on
# the identify page; then it goes on, and the probe quits once the look-up has answered.
FIRST_FORM_PROBE = """
import sys
import threading
import kiosk.ui.app as app
from kiosk.ui.main_window import FIRST_MODULES, MainWindow
from kiosk.ui.qt import QApplication, QPushButton, QTimer

NUMBER = "50011119681002024X"
typed = threading.Event()
warm, mark = app.warm_modules, app._print_mark


def held(names):
    warm(names)
    if names == FIRST_MODULES:
        typed.wait(60)


def tap(window, name):
    window.page.findChild(QPushButton, name).click()


def person():
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    tap(window, "tile-services")
    page = window.page
    for ch in NUMBER:
        tap(window, "key-" + ch)
    store = "sqlalchemy" in sys.modules
    print("IDENTIFY", page.page_name, page.line.text(), window.ready, store, flush=True)
    print("STATUS", page.status.text(), flush=True)
    typed.set()

    def answered():
        if page.person.isVisible():
            print("ANSWERED", window.page is page, page.line.text(), page.status.text(), flush=True)
            QApplication.instance().quit()
        else:
            QTimer.singleShot(20, answered)

    answered()


def print_mark(name):
    mark(name)
    if name == "KIOSK_STARTUP_MARK":
        QTimer.singleShot(0, person)


app.warm_modules, app._print_mark = held, print_mark
sys.exit(app.main(sys.argv[1:]))
"""


def test_the_identify_page_takes_a_number_before_the_store_is_open(tmp_path: Path) -> None:
    """办事 on the real app before the store opens (issue 19): the identify page shows and
    takes all 18 digits with no database library loaded; the look-up says 请稍候, and
    answers once the store is open, on the same page, with the number as typed."""
    env = ui_env(KIOSK_STARTUP_MARK="1")
    args = ["--data-dir", str(tmp_path), "--demo", "--quit-after-ms", "90000"]  # a bound
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FORM_PROBE, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line.split() for line in done.stdout.splitlines()]
    said = {line[0]: line[1:] for line in lines if line}
    number = "50011119681002024X"
    assert said["IDENTIFY"] == ["identify", number, "False", "False"], done.stdout
    assert said["STATUS"] == ["请稍候，正在准备……"]
    assert said["ANSWERED"] == ["True", number], done.stdout  # the status line cleared
    order = [line[0] for line in lines if line]
    assert order.index("IDENTIFY") < order.index("KIOSK_READY_MARK") < order.index("ANSWERED")
