"""The placeholder home window: big text in the shipped CJK font."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.assets import CJK_FONT_FAMILY
from kiosk.ui.app import HALL_NAME, build_main_window
from kiosk.ui.fonts import apply_app_font
from kiosk.ui.qt import QApplication, QFontInfo, QLabel, QWidget


def test_home_window_uses_big_asset_font(qtbot: QtBot, qapp: QApplication) -> None:
    apply_app_font(qapp)
    window = build_main_window("测试")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    assert window.windowTitle() == "帮办 — 测试"
    home = window.centralWidget()
    assert isinstance(home, QWidget) and home.objectName() == "home"
    heading = home.findChild(QLabel, "heading")
    assert heading is not None and heading.text() == HALL_NAME
    for label in home.findChildren(QLabel):
        info = QFontInfo(label.font())
        assert info.pixelSize() >= 24, label.objectName()
        assert info.family() == CJK_FONT_FAMILY, label.objectName()
    assert QFontInfo(qapp.font()).family() == CJK_FONT_FAMILY
