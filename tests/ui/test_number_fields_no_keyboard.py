"""Number fields never open the Qt virtual keyboard (issue 15 point 1; brk15h finding 2):
tapping the line of an ID number, a phone or a number, or a key of its keypad (the
editor's ``keypad``, which the page pins beside itself, outside the editor), leaves the
keyboard hidden (so does a tap on a text field in 手写 mode), and it closes when a
number field takes the focus from a pinyin field.
The real keyboard plugin (QT_IM_MODULE=qtvirtualkeyboard, set before Qt starts: a child
process) under a display (Xvfb)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = r"""
import json, os
from datetime import date
from PySide6.QtTest import QTest
from kiosk.forms.schema import Question
from kiosk.ui.answer_widgets import make_editor
from kiosk.ui.look import apply_look
from kiosk.ui.qt import QApplication, QPushButton, QVBoxLayout, QWidget, Qt

app = QApplication([])
apply_look(app, 1.0)
im = app.inputMethod()
page = QWidget()
box = QVBoxLayout(page)
name = make_editor(Question(type="text", name="n", label="姓名"), None, [], date(2026, 1, 1))
box.addWidget(name)
numbers = {}
for kind in ("id_number", "phone", "number"):
    editor = make_editor(Question(type=kind, name=kind, label=kind), None, [], date(2026, 1, 1))
    numbers[kind] = editor
    box.addWidget(editor)
    box.addWidget(editor.keypad)  # the page pins it beside itself (BasePage.pin_keypad)
page.resize(1200, 3000)
page.show()
page.activateWindow()
QTest.qWaitForWindowActive(page)
seen = {}
QTest.mouseClick(name.line, Qt.MouseButton.LeftButton)  # 手写 mode: the pad, no keyboard
QTest.qWait(300)
QTest.mouseClick(name.line, Qt.MouseButton.LeftButton)
QTest.qWait(300)
seen["name in handwriting mode"] = im.isVisible()
for kind, editor in numbers.items():
    for attempt in ("first tap", "tap again"):
        QTest.mouseClick(editor.line, Qt.MouseButton.LeftButton)
        QTest.qWait(300)
        seen[f"{kind} {attempt}"] = im.isVisible()
    QTest.mouseClick(editor.keypad.findChild(QPushButton, "key-1"), Qt.MouseButton.LeftButton)
    QTest.qWait(300)
    seen[f"{kind} key"] = im.isVisible()
# From pinyin with the keyboard open to a number field: the keyboard goes.
QTest.mouseClick(name.findChild(QPushButton, "mode-pinyin"), Qt.MouseButton.LeftButton)
QTest.qWait(500)
seen["pinyin"] = im.isVisible()
QTest.mouseClick(name.line, Qt.MouseButton.LeftButton)
QTest.qWait(300)
seen["pinyin tap"] = im.isVisible()
QTest.mouseClick(numbers["phone"].line, Qt.MouseButton.LeftButton)
QTest.qWait(500)
seen["phone after pinyin"] = im.isVisible()
seen["typed"] = numbers["phone"].line.text()
print("RESULT " + json.dumps(seen), flush=True)
os._exit(0)
"""


def test_number_fields_never_open_the_virtual_keyboard() -> None:
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" or (
        sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
    ):
        pytest.skip("the virtual keyboard shows on a display only (scripts/test.sh: Xvfb)")
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_IM_MODULE": "qtvirtualkeyboard", "PYTHONPATH": str(repo)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120
    )
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    assert lines, done.stdout + done.stderr
    seen = json.loads(lines[-1].removeprefix("RESULT "))
    assert seen.pop("pinyin") is True, "the pinyin field must still open the keyboard"
    assert seen.pop("pinyin tap") is True
    assert seen.pop("typed") == "1"
    assert {k: v for k, v in seen.items() if v} == {}, seen
