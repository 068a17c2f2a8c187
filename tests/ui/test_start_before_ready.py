"""Home screen first (issue 19): the window shows the home screen from the settings alone;
a tap before the kiosk is open says 请稍候 and runs once it is; a kiosk that cannot open
says so in Chinese instead of freezing or crashing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from ui_driver import click, settle

from kiosk.config import ConfigError
from kiosk.services.context import KioskContext
from kiosk.ui.home_page import HomePage
from kiosk.ui.identify_page import IdentifyPage
from kiosk.ui.look import apply_look
from kiosk.ui.main_window import OPEN_FAILED, OPENING, MainWindow
from kiosk.ui.qt import QApplication
from kiosk.ui.speech import Speaker


@pytest.fixture
def early(qtbot: QtBot, qapp: QApplication, ui_ctx: KioskContext) -> Iterator[MainWindow]:
    """A window made before the kiosk is open (as kiosk/ui/app.py makes it)."""
    apply_look(qapp, ui_ctx.settings.font_scale)
    win = MainWindow(settings=ui_ctx.settings, speaker=Speaker(backend="record"))
    win.tap_guard.ms = 0  # the driver taps at machine speed; test_tap_guard.py tests it
    qtbot.addWidget(win)
    win.resize(1280, 1000)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.runner.forget()
    win.runner.wait()
    qapp.removeEventFilter(win.idle)


def test_a_tap_before_ready_waits_then_runs(
    qtbot: QtBot, early: MainWindow, ui_ctx: KioskContext
) -> None:
    assert isinstance(early.page, HomePage) and not early.ready
    with pytest.raises(RuntimeError):
        early.ctx  # noqa: B018 — the screens behind home cannot reach a kiosk not open
    click(qtbot, early, "tile-services")
    assert isinstance(early.page, HomePage)  # still home, not frozen: it says 请稍候
    assert early.page.status.isVisible() and early.page.status.text() == OPENING
    early.attach(ui_ctx)
    settle(qtbot, early)
    assert early.ready
    assert isinstance(early.page, IdentifyPage)  # the waiting tap ran


def test_ready_without_a_tap_redraws_home(
    qtbot: QtBot, early: MainWindow, ui_ctx: KioskContext
) -> None:
    first = early.page
    early.attach(ui_ctx)
    settle(qtbot, early)
    assert isinstance(early.page, HomePage) and early.page is not first
    click(qtbot, early, "tile-my_cases")
    assert isinstance(early.page, IdentifyPage)


def test_a_kiosk_that_cannot_open_says_so(qtbot: QtBot, early: MainWindow) -> None:
    early.open_failed(ConfigError("settings.toml: idle_timeout_s: out of bounds"))
    assert OPEN_FAILED in early.page.errors.messages
    click(qtbot, early, "tile-services")
    assert isinstance(early.page, HomePage)
    assert OPEN_FAILED in early.page.errors.messages


def test_the_sync_indicator_waits_for_the_sync_worker(
    qtbot: QtBot, early: MainWindow, ui_ctx: KioskContext
) -> None:
    """Opened, the window reads no sync status (the sync service and its HTTP client are
    loaded after the first form can open, issue 19) until the sync worker was started."""
    early.attach(ui_ctx)
    settle(qtbot, early)
    early.sync.refresh()
    settle(qtbot, early)
    assert early.sync.status is None
    early.sync_started()
    qtbot.waitUntil(lambda: early.sync.status is not None, timeout=10_000)
    assert early.sync.status.pending == 0  # type: ignore[union-attr]
