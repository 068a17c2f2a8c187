"""Service calls run off the GUI thread and report back on it; a wipe drops late results;
Python's garbage collector runs only on the GUI thread while the window lives."""

from __future__ import annotations

import gc
import threading
import time

from pytestqt.qtbot import QtBot
from ui_driver import settle

from kiosk.ui.main_window import MainWindow


def test_operations_run_on_the_worker_and_answer_on_the_gui(
    qtbot: QtBot, window: MainWindow
) -> None:
    gui = threading.get_ident()
    seen: dict[str, int] = {}

    def work() -> str:
        seen["work"] = threading.get_ident()
        time.sleep(0.2)  # the screen keeps responding meanwhile
        return "done"

    results: list[str] = []
    window.op(work, lambda r: (results.append(r), seen.setdefault("done", threading.get_ident())))
    assert window.runner.busy and results == []
    settle(qtbot, window)
    assert results == ["done"]
    assert seen["work"] != gui and seen["done"] == gui


def test_a_wipe_drops_results_still_on_their_way(qtbot: QtBot, window: MainWindow) -> None:
    results: list[str] = []
    window.op(lambda: time.sleep(0.2) or "old person", results.append)
    window.wipe()
    settle(qtbot, window)
    assert results == [] and window.page.page_name == "home"


def test_garbage_is_collected_on_the_gui_thread_only(qtbot: QtBot, window: MainWindow) -> None:
    assert not gc.isenabled()  # the window's timer collects instead
    window.close()
    assert gc.isenabled()


def test_slow_operations_say_please_wait(qtbot: QtBot, window: MainWindow) -> None:
    results: list[str] = []
    window.op(lambda: time.sleep(0.2) or "quick", results.append)
    settle(qtbot, window)
    assert not window.page.status.isVisible()  # no flash for quick work
    window.op(lambda: time.sleep(1.0) or "slow", results.append)
    qtbot.waitUntil(window.page.status.isVisible, timeout=900)
    assert window.page.status.text() == "请稍等……"
    settle(qtbot, window)
    assert results == ["quick", "slow"] and not window.page.status.isVisible()
