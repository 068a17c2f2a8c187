"""A downward stroke on the signature pad, on a page that drags with a finger (QScroller),
reaches the pad whole and does not scroll the page; the page drags again after it."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.ui.look import apply_look
from kiosk.ui.qt import QApplication, QScrollArea, QScroller, Qt, QVBoxLayout, QWidget
from kiosk.ui.signature_widget import SignatureWidget
from kiosk.ui.touch_scroll import enable_kinetic


def test_a_downward_signature_stroke_is_not_taken_by_the_scroller(
    qtbot: QtBot, qapp: QApplication
) -> None:
    apply_look(qapp, 1.0)
    inner = QWidget()
    box = QVBoxLayout(inner)
    pad = SignatureWidget()
    box.addWidget(pad)
    box.addSpacing(800)  # the page is taller than the window: it can scroll
    area = QScrollArea()
    area.setWidget(inner)
    area.setWidgetResizable(True)
    enable_kinetic(area)
    qtbot.addWidget(area)
    area.resize(900, 500)
    area.show()
    qtbot.waitExposed(area)
    points = [QPoint(100 + i, 40 + i * 5) for i in range(40)]
    left, no_keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(pad, left, no_keys, points[0])
    for p in points[1:]:
        QTest.mouseMove(pad, p)
    QTest.mouseRelease(pad, left, no_keys, points[-1])
    assert pad.path_text().count("L") == len(points) - 1
    assert area.verticalScrollBar().value() == 0
    assert QScroller.hasScroller(area.viewport())
