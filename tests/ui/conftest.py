"""Fixtures for the pytest-qt tests: a real MainWindow on a temporary kiosk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.context import KioskContext, open_kiosk
from kiosk.ui.look import apply_look
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QApplication
from kiosk.ui.speech import Speaker


@pytest.fixture
def ui_ctx(tmp_path: Path) -> Iterator[KioskContext]:
    from helpers import catalogue, fixed_clock

    context = open_kiosk(tmp_path / "ui-home", catalogue=catalogue(), clock=fixed_clock)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def window(qtbot: QtBot, qapp: QApplication, ui_ctx: KioskContext) -> Iterator[MainWindow]:
    apply_look(qapp, ui_ctx.settings.font_scale)
    win = MainWindow(ui_ctx, speaker=Speaker(backend="record"))
    win.tap_guard.ms = 0  # the driver taps at machine speed; test_tap_guard.py tests it
    qtbot.addWidget(win)
    win.resize(1280, 1000)
    win.show()
    qtbot.waitExposed(win)
    from ui_driver import settle

    settle(qtbot, win)
    yield win
    win.runner.forget()
    win.runner.wait()
    qapp.removeEventFilter(win.idle)
