"""Keypad pages at 200 % text on a short screen (issue 15 point 3): the page fits the
window with an error shown, the window comes back from portrait with the keypad beside,
and what the keypad types scrolls into view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from ui_driver import click, errors, settle

from kiosk.services.context import KioskContext
from kiosk.ui.look import apply_look
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import (
    QApplication,
    QLabel,
    QLineEdit,
    QPoint,
    QPushButton,
    QRect,
    QScrollArea,
    QWidget,
)
from kiosk.ui.speech import Speaker


@pytest.fixture
def big_text(qtbot: QtBot, qapp: QApplication, ui_ctx: KioskContext) -> Iterator[MainWindow]:
    apply_look(qapp, 2.0)
    win = MainWindow(ui_ctx, speaker=Speaker(backend="record"))
    win.tap_guard.ms = 0
    qtbot.addWidget(win)
    win.resize(1024, 768)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    try:
        yield win
    finally:
        win.runner.forget()
        win.runner.wait()
        qapp.removeEventFilter(win.idle)
        apply_look(qapp, 1.0)


def rect_in(w: QWidget, top: QWidget) -> QRect:
    return QRect(w.mapTo(top, QPoint(0, 0)), w.size())


def resize(w: MainWindow, width: int, height: int) -> None:
    w.resize(width, height)
    QApplication.processEvents()


def test_error_fits_and_the_window_comes_back_from_portrait(
    qtbot: QtBot, big_text: MainWindow
) -> None:
    w = big_text
    click(qtbot, w, "tile-services")
    for _ in range(14):
        click(qtbot, w, "key-5")
    click(qtbot, w, "next")
    assert errors(w) == ["身份证号码应该是18位，您输入了14位。"]
    for size in [(1024, 768), (1080, 1920), (1024, 768)]:
        resize(w, *size)
        assert w.size().toTuple() == size  # the page never needs more than the screen
        keypad = w.page.findChild(QWidget, "keypad")
        assert keypad is not None
        keys = [k for k in keypad.findChildren(QPushButton) if k.isVisible()]
        assert len(keys) == 12
        room = w.rect()
        for key in keys:
            r = rect_in(key, w)
            assert room.contains(r) and min(r.width(), r.height()) >= 72, key.objectName()
        box = rect_in(w.page.errors, w)
        assert room.contains(box)
        # However short the box, the problem itself is in its view (the heading may
        # scroll above it).
        lines = w.page.errors.findChild(QScrollArea, "error-lines")
        assert lines is not None
        QApplication.processEvents()
        problem = next(x for x in lines.findChildren(QLabel) if x.text().startswith("• "))
        top = rect_in(problem, lines.viewport()).top()
        assert 0 <= top < lines.viewport().height() // 2
        for key in keys:  # nothing on top of a key
            assert not box.intersects(rect_in(key, w)), key.objectName()
    # Back on the landscape screen the keypad is beside the page again, not under it.
    scroll = rect_in(w.page.scroll_area, w)
    assert keypad is not None
    assert rect_in(keypad, w).left() > scroll.right()
    # The titles scroll here, so 朗读 sits over the keys and the page's column starts
    # beside it, not under a header row across the page.
    read = rect_in(w.page.read_button, w)
    assert read.bottom() < rect_in(keypad, w).top() and read.left() > scroll.right()
    assert scroll.top() < read.bottom()


def test_what_the_keypad_types_scrolls_into_view(qtbot: QtBot, big_text: MainWindow) -> None:
    w = big_text
    click(qtbot, w, "tile-services")
    line = w.page.findChild(QLineEdit, "id-number")
    assert line is not None
    view = w.page.scroll_area.viewport()
    w.page.scroll_area.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    click(qtbot, w, "key-5")
    QApplication.processEvents()
    assert line.text() == "5"
    assert QRect(QPoint(0, 0), view.size()).contains(rect_in(line, view))
