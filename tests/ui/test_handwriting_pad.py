"""手写 through real widgets: strokes drawn on the writing pad with mouse presses, moves
and releases (what a touchscreen delivers to Qt), a candidate tapped, the answer holds
the character. Pinyin is the second mode; without an engine the pad says 手写不可用."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.devices.handwriting import HandwritingUnavailable
from kiosk.forms.schema import Question
from kiosk.ui import handwriting_widget
from kiosk.ui.answer_widgets import TextEditor, make_editor
from kiosk.ui.look import apply_look
from kiosk.ui.qt import QApplication, QLabel, QPushButton, Qt

LEFT, NO_KEYS = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
DATA = json.loads((Path(__file__).parents[1] / "data" / "handwriting_strokes.json").read_text())


def _editor(qtbot: QtBot, qapp: QApplication) -> TextEditor:
    apply_look(qapp, 1.0)
    q = Question(type="text", name="full_name", label="您的姓名是什么？")
    editor = make_editor(q, None, [], date(2026, 11, 30))
    assert isinstance(editor, TextEditor)
    qtbot.addWidget(editor)
    editor.resize(1200, 800)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def write(qtbot: QtBot, editor: TextEditor, char: str) -> int:
    """Draw ``char`` on the pad stroke by stroke; returns the number of strokes (touches)."""
    pad = editor.entry.handwriting.pad
    sx, sy = pad.width() / DATA["pad"][0], pad.height() / DATA["pad"][1]
    strokes = DATA["characters"][char]
    for stroke in strokes:
        points = [QPoint(round(x * sx), round(y * sy)) for x, y in stroke]
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for p in points[1:]:
            QTest.mouseMove(pad, p)
        QTest.mouseRelease(
            pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1]
        )
    return len(strokes)


def pick(qtbot: QtBot, editor: TextEditor, char: str) -> None:
    hw = editor.entry.handwriting
    assert char in hw.candidates(), hw.candidates()
    index = hw.candidates().index(char)
    qtbot.mouseClick(hw.candidate_buttons[index], Qt.MouseButton.LeftButton)


def test_a_name_is_written_by_hand(qtbot: QtBot, qapp: QApplication) -> None:
    editor = _editor(qtbot, qapp)
    assert editor.entry.mode == "手写"  # the default on a touchscreen
    assert not editor.line.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    for char in "张德明":
        write(qtbot, editor, char)
        pick(qtbot, editor, char)
        assert editor.entry.handwriting.pad.strokes() == []  # ready for the next one
    assert editor.value() == "张德明"
    qtbot.mouseClick(editor.findChild(QPushButton, "hw-delete"), Qt.MouseButton.LeftButton)
    assert editor.value() == "张德"


def test_candidates_are_big_and_a_rare_character_is_offered(
    qtbot: QtBot, qapp: QApplication
) -> None:
    editor = _editor(qtbot, qapp)
    write(qtbot, editor, "昇")  # not in GB 2312: from the second model
    hw = editor.entry.handwriting
    assert "昇" in hw.candidates()
    for b in hw.candidate_buttons:
        assert b.fontInfo().pixelSize() >= 48
        assert b.width() >= 72 and b.height() >= 72
    qtbot.mouseClick(editor.findChild(QPushButton, "hw-clear"), Qt.MouseButton.LeftButton)
    assert hw.candidates() == [] and hw.pad.strokes() == []


def test_pinyin_is_the_second_mode(qtbot: QtBot, qapp: QApplication) -> None:
    editor = _editor(qtbot, qapp)
    qtbot.mouseClick(editor.findChild(QPushButton, "mode-pinyin"), Qt.MouseButton.LeftButton)
    assert editor.entry.mode == "拼音"
    assert editor.line.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert not editor.entry.handwriting.isVisible()
    qtbot.mouseClick(editor.findChild(QPushButton, "mode-handwriting"), Qt.MouseButton.LeftButton)
    assert editor.entry.handwriting.isVisible()


def test_no_engine_means_pinyin_and_a_message(
    qtbot: QtBot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise HandwritingUnavailable("the Zinnia library (libzinnia) is not installed")

    monkeypatch.setattr(handwriting_widget, "open_recognizer", missing)
    editor = _editor(qtbot, qapp)
    assert editor.entry.mode == "拼音"
    switch = editor.findChild(QPushButton, "mode-handwriting")
    assert switch is not None and not switch.isEnabled()
    message = editor.findChild(QLabel, "handwriting-unavailable")
    assert message is not None and message.isVisible() and "手写不可用" in message.text()
    QTest.keyClicks(editor.line, "Li")  # a physical keyboard still types
    assert editor.value() == "Li"


@pytest.mark.parametrize(
    "kind", ["id_number", "phone", "bank_account", "number", "decimal", "money"]
)
def test_number_fields_never_get_pinyin_or_the_pad(
    qtbot: QtBot, qapp: QApplication, kind: str
) -> None:
    apply_look(qapp, 1.0)
    q = Question(type=kind, name="amount", label="是多少？")  # type: ignore[arg-type]
    editor = make_editor(q, None, [], date(2026, 11, 30))
    qtbot.addWidget(editor)
    assert editor.findChild(QPushButton, "mode-pinyin") is None
    keypad = getattr(editor, "keypad", None)  # pinned beside the page by BasePage
    assert keypad is not None and keypad.findChild(QPushButton, "key-5") is not None
    line = editor.findChild(handwriting_widget.QLineEdit, "answer")
    assert line is not None and not line.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)


def test_a_stroke_on_a_page_that_drags_is_not_taken_by_the_scroller(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """Every page scrolls under a finger (QScroller): a stroke on the pad must still reach
    the pad whole, and the page must drag again afterwards."""
    from kiosk.ui.qt import QScrollArea, QScroller
    from kiosk.ui.touch_scroll import enable_kinetic

    apply_look(qapp, 1.0)
    q = Question(type="text", name="full_name", label="您的姓名是什么？")
    editor = make_editor(q, None, [], date(2026, 11, 30))
    assert isinstance(editor, TextEditor)
    area = QScrollArea()
    area.setWidget(editor)
    area.setWidgetResizable(True)
    enable_kinetic(area)
    qtbot.addWidget(area)
    area.resize(1200, 500)  # the pad's lower half below the fold: the page can scroll
    area.show()
    qtbot.waitExposed(area)
    assert area.verticalScrollBar().maximum() > 0
    write(qtbot, editor, "明")
    drawn = [len(s) for s in editor.entry.handwriting.pad.strokes()]
    assert drawn == [len(s) + 1 for s in DATA["characters"]["明"]]  # + the release point
    assert area.verticalScrollBar().value() == 0
    assert QScroller.hasScroller(area.viewport())
    pick(qtbot, editor, "明")
    assert editor.value() == "明"


def test_a_rare_form_no_model_holds_is_reached_through_more_forms(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """更多写法: 𠮷 (U+20BB7) is in no model; after 吉 is typed it is offered, replaces 吉,
    and prints. The next stroke brings the ordinary candidates back."""
    from kiosk.printable import printable

    editor = _editor(qtbot, qapp)
    hw = editor.entry.handwriting
    more = editor.findChild(QLabel, "hw-more-forms")
    assert more is not None and not more.isVisible()
    write(qtbot, editor, "吉")
    pick(qtbot, editor, "吉")
    assert editor.value() == "吉"
    assert hw.candidates() == ["𠮷"] and more.isVisible()
    pick(qtbot, editor, "𠮷")
    assert editor.value() == "𠮷" and not more.isVisible() and hw.candidates() == []
    assert printable(editor.value(), "姓名") == "𠮷"
    # Ordinary characters after it; 更多写法 go away with the next stroke.
    write(qtbot, editor, "德")
    pick(qtbot, editor, "德")
    assert more.isVisible() and "悳" in hw.candidates()
    write(qtbot, editor, "明")
    assert not more.isVisible() and "明" in hw.candidates()
    pick(qtbot, editor, "明")
    assert editor.value() == "𠮷德明"
