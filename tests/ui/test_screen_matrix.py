"""Every screen at every size (issue 15 point 3): the screen tour at 1024×768, 1280×800,
1366×768, 1920×1080 and portrait 1080×1920, at 100 %, 150 % and 200 % text, each screen
measured by ``screen_measure.problems`` (clipped text, overlapping widgets, controls outside
the window, targets under 72 px, text under 24 px, content below the fold without a cue).
One window per text scale, resized through the sizes. The pictures of the same matrix are
made by ``scripts/screens.py --matrix`` (docs/screens/). Any fault fails the
test (the allow-list it had while faults were being fixed is gone)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from screen_measure import problems

from kiosk.services.context import KioskContext, open_kiosk
from kiosk.ui.look import apply_look
from kiosk.ui.main_window import MainWindow
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QApplication
from kiosk.ui.screen_tour import settle, tour
from kiosk.ui.speech import Speaker

SIZES = [(1024, 768), (1280, 800), (1366, 768), (1920, 1080), (1080, 1920)]
SCALES = [1.0, 1.5, 2.0]


@pytest.fixture
def matrix_ctx(tmp_path: Path) -> Iterator[KioskContext]:
    from helpers import fixed_clock

    from kiosk.services.startup import load_demo

    ctx = open_kiosk(tmp_path / "matrix", clock=fixed_clock, market_days="2,5,8", demo_data=True)
    load_demo(ctx)
    try:
        yield ctx
    finally:
        ctx.close()


def screen_faults(window: MainWindow) -> list[str]:
    page = window.page
    cue = page.more_below if isinstance(page, BasePage) else None
    return problems(window, more_below=cue)


@pytest.mark.parametrize("scale", SCALES)
def test_every_screen_at_every_size(
    qtbot: QtBot, qapp: QApplication, matrix_ctx: KioskContext, scale: float
) -> None:
    apply_look(qapp, scale)
    window = MainWindow(matrix_ctx, speaker=Speaker(backend="record"))
    window.idle.configure(24 * 3600, 60)  # a slow machine never meets the idle warning
    qtbot.addWidget(window)
    window.resize(*SIZES[0])
    window.show()
    qtbot.waitExposed(window)
    settle(window)
    faults: list[str] = []
    seen = []
    try:
        for name in tour(window):
            seen.append(name)
            window.speaker.stop()  # the resting screen: not the 正在朗读 moment after arrival
            for w, h in SIZES:
                window.resize(w, h)
                QApplication.processEvents()
                if window.size().toTuple() != (w, h):  # the page needs more than the screen
                    faults.append(
                        f"{name}-{w}x{h}-{round(scale * 100)}: does not fit: window: "
                        f"{window.size().toTuple()}"
                    )
                faults += [
                    f"{name}-{w}x{h}-{round(scale * 100)}: {p}" for p in screen_faults(window)
                ]
            window.resize(*SIZES[0])
            QApplication.processEvents()
    finally:
        window.runner.forget()
        window.runner.wait()
        qapp.removeEventFilter(window.idle)
        apply_look(qapp, 1.0)
    assert len(seen) > 30
    assert not faults, f"{len(faults)} faults:\n" + "\n".join(faults)
