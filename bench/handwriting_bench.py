"""Taps and seconds to enter a name (张德明) and an address word (石马镇街) by 手写 on the
kiosk's writing pad, beside 拼音 (the Qt virtual keyboard) as the baseline.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/handwriting_bench.py

手写 is driven through the real widget (kiosk/ui/text_entry_widget.py): every stroke of
tests/data/handwriting_strokes.json is drawn on the pad with mouse press/move/release
(a touch), and the wanted character is tapped among the candidates; the taps counted
are the presses the widgets received, and the rank of each wanted character is
recorded (rank ≤ 10 means one tap picks it). The recognition time is measured.
拼音 taps: the letters of each syllable (pypinyin) plus one tap on the candidate, taken to
be on the keyboard's first page (the best case for pinyin: 德 after "de" is behind 的).

Seconds are estimated with the Keystroke-Level Model (Card, Moran & Newell 1980), the
same operators for both modes: a touch (a stroke, a key, a candidate) is a pointing
act P = 1.1 s; finding a candidate among several is a mental act M = 1.35 s; recalling
a syllable's spelling is another M. Elderly people are slower in both modes; the ratio,
not the absolute figure, is what to read.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date

from _common import REPO, Row, print_rows

P_SECONDS = 1.1  # KLM pointing (a touch)
M_SECONDS = 1.35  # KLM mental preparation
WORDS = {"name": "张德明", "address word": "石马镇街"}


def pinyin_taps(word: str) -> tuple[int, int]:
    """(taps, syllables) to type ``word`` on a pinyin keyboard: letters + one pick each."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(word, style=Style.NORMAL)
    return sum(len(s) for s in syllables) + len(syllables), len(syllables)


def handwriting_run(word: str) -> tuple[int, list[int], float]:
    """(taps, rank of each character, recognition ms per stroke) through the real pad."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    from kiosk.forms.schema import Question
    from kiosk.ui.answer_widgets import TextEditor, make_editor
    from kiosk.ui.look import apply_look
    from kiosk.ui.qt import QApplication, Qt

    app = QApplication.instance() or QApplication(sys.argv)
    apply_look(app, 1.0)  # type: ignore[arg-type]
    data = json.loads((REPO / "tests" / "data" / "handwriting_strokes.json").read_text())
    editor = make_editor(
        Question(type="text", name="full_name", label="姓名"), None, [], date(2026, 1, 1)
    )
    assert isinstance(editor, TextEditor)
    editor.resize(1200, 800)
    editor.show()
    hw = editor.entry.handwriting
    pad = hw.pad
    left, no_keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    taps, ranks, strokes, spent = 0, [], 0, 0.0
    original = hw.recognize

    def timed() -> None:
        nonlocal spent
        start = time.perf_counter()
        original()
        spent += time.perf_counter() - start

    pad.stroke_finished.disconnect()
    pad.stroke_finished.connect(timed)
    sx, sy = pad.width() / data["pad"][0], pad.height() / data["pad"][1]
    for char in word:
        for stroke in data["characters"][char]:
            points = [QPoint(round(x * sx), round(y * sy)) for x, y in stroke]
            QTest.mousePress(pad, left, no_keys, points[0])
            for p in points[1:]:
                QTest.mouseMove(pad, p)
            QTest.mouseRelease(pad, left, no_keys, points[-1])
            taps, strokes = taps + 1, strokes + 1
        offered = hw.candidates()
        if char not in offered:
            raise SystemExit(f"{char} not among the candidates {offered}")
        ranks.append(offered.index(char) + 1)
        QTest.mouseClick(hw.candidate_buttons[offered.index(char)], left)
        taps += 1
    assert editor.value() == word, editor.value()
    return taps, ranks, spent * 1000 / strokes


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    rows = []
    for what, word in WORDS.items():
        hw_taps, ranks, ms = handwriting_run(word)
        strokes = hw_taps - len(word)
        py_taps, syllables = pinyin_taps(word)
        hw_seconds = strokes * P_SECONDS + len(word) * (M_SECONDS + P_SECONDS)
        py_seconds = (py_taps - syllables) * P_SECONDS + syllables * (2 * M_SECONDS + P_SECONDS)
        rows.append(Row(f"{what} {word}: taps", hw_taps, py_taps, "taps", "拼音 keyboard"))
        rows.append(Row(f"{what} {word}: seconds (KLM)", hw_seconds, py_seconds, "s", "拼音"))
        print(f"{word}: candidate ranks {ranks}; recognition {ms:.2f} ms per stroke")
    print_rows("手写 (ours) beside 拼音 (baseline)", rows)


if __name__ == "__main__":
    main()
