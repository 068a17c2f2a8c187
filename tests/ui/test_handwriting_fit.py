"""手写 at every matrix size and text scale (issue 15): the answer line, the whole writing
pad and the first row of candidates are in view together without scrolling (the pad and
candidates pinned beside the page, or under it in portrait, like the number keypad);
switching to 拼音 and back keeps it so; writing moves nothing under the finger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.context import KioskContext, open_kiosk
from kiosk.ui.handwriting_widget import PAD_MIN_PX, HandwritingInput
from kiosk.ui.look import apply_look
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QAbstractScrollArea, QApplication, QPoint, QPushButton, QRect, QWidget
from kiosk.ui.screen_tour import settle, tour
from kiosk.ui.speech import Speaker

SIZES = [(1024, 768), (1280, 800), (1366, 768), (1920, 1080), (1080, 1920)]
SCALES = [1.0, 1.5, 2.0]


@pytest.fixture
def hw_ctx(tmp_path: Path) -> Iterator[KioskContext]:
    from helpers import fixed_clock

    from kiosk.services.startup import load_demo

    ctx = open_kiosk(tmp_path / "hw", clock=fixed_clock, market_days="2,5,8", demo_data=True)
    load_demo(ctx)
    try:
        yield ctx
    finally:
        ctx.close()


def out_of_view(widget: QWidget, window: QWidget) -> str | None:
    """Why ``widget`` is not wholly in view (outside the window or a scrolled view), or
    None when it is."""
    if not widget.isVisible():
        return "hidden"
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    if not window.rect().contains(rect):
        return f"{rect.getRect()} outside the window {window.size().toTuple()}"
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is parent:
            view = QRect(parent.mapTo(window, QPoint(0, 0)), parent.size())
            if not view.contains(rect):
                return f"{rect.getRect()} outside its scrolled view {view.getRect()}"
        parent = parent.parentWidget()
    return None


def faults_at(window: MainWindow, where: str) -> list[str]:
    page = window.page
    hw = page.findChild(HandwritingInput, "handwriting")
    answer = page.findChild(QWidget, "answer")
    assert hw is not None and answer is not None
    parts: list[tuple[str, QWidget]] = [("answer", answer), ("pad", hw.pad)]
    parts += [(f"candidate {i}", b) for i, b in enumerate(hw.candidate_buttons[:5])]
    faults = [f"{where}: {name}: {why}" for name, w in parts if (why := out_of_view(w, window))]
    if hw.pad.width() < PAD_MIN_PX:
        faults.append(f"{where}: pad {hw.pad.width()} px")
    for b in hw.candidate_buttons:
        if b.width() < 72 or b.height() < 72 or b.fontInfo().pixelSize() < 48:
            faults.append(f"{where}: candidate {b.size().toTuple()} {b.fontInfo().pixelSize()}")
    return faults


def click(page: QWidget, name: str) -> None:
    b = page.findChild(QPushButton, name)
    assert b is not None, name
    b.click()
    QApplication.processEvents()


@pytest.mark.parametrize("scale", SCALES)
def test_answer_pad_and_candidates_in_view_at_every_size(
    qtbot: QtBot, qapp: QApplication, hw_ctx: KioskContext, scale: float
) -> None:
    apply_look(qapp, scale)
    window = MainWindow(hw_ctx, speaker=Speaker(backend="record"))
    window.idle.configure(24 * 3600, 60)
    qtbot.addWidget(window)
    window.resize(*SIZES[0])
    window.show()
    qtbot.waitExposed(window)
    settle(window)
    faults: list[str] = []
    try:
        for name in tour(window):
            if name == "handwriting":
                break
        else:
            pytest.fail("the screen tour has no handwriting screen")
        window.speaker.stop()
        for w, h in SIZES:
            where = f"{w}x{h}-{round(scale * 100)}"
            window.resize(w, h)
            QApplication.processEvents()
            assert window.size().toTuple() == (w, h), where
            faults += faults_at(window, where)
            page = window.page
            click(page, "mode-pinyin")
            hw = page.findChild(HandwritingInput, "handwriting")
            assert hw is not None and not hw.isVisible()
            click(page, "mode-handwriting")
            faults += faults_at(window, f"{where} after 拼音")
            # A stroke and its candidates move nothing: the pad and candidates stay put.
            before = [
                QRect(x.mapTo(window, QPoint(0, 0)), x.size())
                for x in [hw.pad, *hw.candidate_buttons]
            ]
            side = hw.pad.width()
            hw.pad.draw_stroke([(0.2 * side, 0.5 * side), (0.8 * side, 0.5 * side)])
            QApplication.processEvents()
            assert hw.candidates(), where
            after = [
                QRect(x.mapTo(window, QPoint(0, 0)), x.size())
                for x in [hw.pad, *hw.candidate_buttons]
            ]
            if before != after:
                faults.append(f"{where}: the pad or candidates moved while writing")
            hw.clear()
    finally:
        window.runner.forget()
        window.runner.wait()
        qapp.removeEventFilter(window.idle)
        apply_look(qapp, 1.0)
    assert not faults, f"{len(faults)} faults:\n" + "\n".join(faults)
