"""拼音 opens the Qt virtual keyboard at once and 手写 closes it, with the real keyboard
plugin (QT_IM_MODULE=qtvirtualkeyboard must be set before Qt starts: a child process)."""

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
from kiosk.ui.qt import QApplication, QPushButton, Qt

app = QApplication([])
apply_look(app, 1.0)
editor = make_editor(Question(type="text", name="n", label="姓名"), None, [], date(2026, 1, 1))
editor.resize(1200, 900)
editor.show()
editor.activateWindow()
QTest.qWaitForWindowActive(editor)
seen = {"plugin": app.inputMethod().metaObject().className()}
seen["start"] = app.inputMethod().isVisible()
QTest.mouseClick(editor.findChild(QPushButton, "mode-pinyin"), Qt.MouseButton.LeftButton)
QTest.qWait(500)
seen["pinyin"] = app.inputMethod().isVisible()
QTest.mouseClick(editor.findChild(QPushButton, "mode-handwriting"), Qt.MouseButton.LeftButton)
QTest.qWait(500)
seen["handwriting"] = app.inputMethod().isVisible()
print("RESULT " + json.dumps(seen), flush=True)
os._exit(0)
"""


def test_pinyin_opens_the_virtual_keyboard_and_handwriting_closes_it() -> None:
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
    assert seen["start"] is False  # 手写 first: no keyboard over the pad
    assert seen["pinyin"] is True
    assert seen["handwriting"] is False
