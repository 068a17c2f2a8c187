"""Issue 16, tester's finding 8: tapping 下一步 again on an unanswered question shows the
same box, not one more line each time; the same problem is listed once."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.ui.common_widgets import ErrorBox
from kiosk.ui.qt import QApplication, QLabel


def test_the_error_box_is_replaced_not_grown(qtbot: QtBot) -> None:
    box = ErrorBox()
    qtbot.addWidget(box)
    for _ in range(10):
        box.show_messages(["这一题需要回答。", "这一题需要回答。"])
        QApplication.processEvents()
    shown = [w for w in box.findChildren(QLabel) if not w.isHidden()]
    assert [w.text() for w in shown] == ["还有问题要改：", "• 这一题需要回答。"]
    assert box.messages == ["这一题需要回答。"]
