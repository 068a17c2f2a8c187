"""手写: a large writing pad and big candidate characters that type into a line edit
(issue 15, point 1). Recognition is kiosk.devices.handwriting (Zinnia, offline).

``WritingPad`` (kiosk/ui/writing_pad.py) keeps the strokes and says when one ends;
``HandwritingInput`` recognises after each stroke and
shows ten candidates ≥ 48 px (GB/T 37668 / MIIT 适老化: large targets), with 重写 to
clear the pad and 删一字 to take back the last character typed. Picking a candidate types
it and clears the pad for the next character.

更多写法 (生僻字 no model holds, brk15h finding 7): when the character just typed has rare
written forms a name may be registered with (kiosk.devices.hanzi_lists: 吉 → 𠮷), the
candidates show them, marked "已列出更多写法"; tapping one replaces the character just typed.
The next stroke (or 重写, 删一字) brings the ordinary candidates back. Every form in the
table prints (tests/unit/devices/test_handwriting_ranking.py).

Recognition takes about a millisecond per stroke (docs/ui.md), so it runs on the GUI
thread like a key press; opening the models (memory-mapped) happens once per process.
"""

from __future__ import annotations

import logging
from functools import partial

from kiosk.devices.handwriting import Candidate, HandwritingUnavailable, Recognizer, open_recognizer
from kiosk.devices.hanzi_lists import variants_of
from kiosk.ui.common_widgets import button, label
from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kiosk.ui.writing_pad import PAD_HINT, PAD_MAX_PX, PAD_MIN_PX, WritingPad

log = logging.getLogger(__name__)

CANDIDATES = 10  # shown at once, two rows of five
CANDIDATE_TEXT_PX = 56  # at 100 % text; never under 48 px
# A finger is the same size at every text scale: the candidates grow with the
# text up to these sides only, so at 200 % they still fit a 1366×768 screen.
CANDIDATE_MAX_PX = 120
MIN_CANDIDATE_PX = 72  # the least target (DESIGN.md)
CANDIDATE_GAP_PX = 12  # between candidates
CANDIDATE_TEXT_MAX_PX = 80
CLEAR = "重写"
DELETE_ONE = "删一字"
UNAVAILABLE = "手写不可用，请用拼音"
MORE_FORMS_WORDS = "更多写法"
MORE_FORMS = f"已列出{MORE_FORMS_WORDS}"  # under 重写/删一字, while the candidates show them


class HandwritingInput(QWidget):
    """The pad and the candidates, typing into ``target``; 重写/删一字 are in ``tools``
    (the answer box puts them by its 手写/拼音 switch). The page pins this widget beside
    itself like the number keypad (BasePage.pin_keypad), which calls ``fit``.
    ``available`` is False (and the pad hidden behind 手写不可用) when no engine is here."""

    needs_height = True  # pinned: 朗读 stays at the head of the page (KeypadColumn)

    def __init__(self, target: QLineEdit) -> None:
        super().__init__()
        self.setObjectName("handwriting")
        self.target = target
        m = metrics()
        self.recognizer: Recognizer | None = None
        self.candidate_buttons: list[QPushButton] = []
        self.variant_of: str | None = None  # the character typed whose 更多写法 are shown
        try:
            self.recognizer = open_recognizer()
        except HandwritingUnavailable as exc:
            log.warning("handwriting off: %s", exc)
        self.available = self.recognizer is not None
        self.tools = QWidget()
        column = QVBoxLayout(self.tools)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(m.gap)
        tools = QHBoxLayout()
        tools.setSpacing(m.px(16))
        column.addLayout(tools)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(m.gap)
        if not self.available:
            outer.addWidget(label(UNAVAILABLE, "large", name="handwriting-unavailable"))
            self.pad = WritingPad()
            self.pad.hide()
            self.tools.hide()
            return
        tools.addWidget(button(CLEAR, "fa5s.eraser", name="hw-clear", on_click=self.clear))
        tools.addWidget(
            button(DELETE_ONE, "fa5s.backspace", name="hw-delete", on_click=self.delete_one)
        )
        tools.addStretch(1)
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.row.setSpacing(m.gap)
        self.pad = WritingPad()
        self.pad.stroke_finished.connect(self.recognize)
        self.row.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignTop)
        side = QVBoxLayout()
        side.setSpacing(m.gap)
        self.grid = QGridLayout()
        self.grid.setSpacing(CANDIDATE_GAP_PX)  # ≥ 12 px between targets (DESIGN.md)
        for i in range(CANDIDATES):
            b = QPushButton("")
            b.setObjectName(f"hw-candidate-{i}")
            b.setProperty("role", "key")
            b.clicked.connect(partial(self._pick, i))
            self.candidate_buttons.append(b)
            self.grid.addWidget(b, i // 5, i % 5)
        side.addLayout(self.grid)
        side.addStretch(1)
        # Shown with the 更多写法 only, under 重写/删一字 (the pinned column's height is
        # the pad's); its room is kept so nothing moves when it shows.
        self.more_label = label(MORE_FORMS, "large", name="hw-more-forms")
        policy = self.more_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.more_label.setSizePolicy(policy)
        self.more_label.hide()
        column.addWidget(self.more_label)
        self.row.addLayout(side, 1)
        outer.addLayout(self.row)
        self._size_keys(min(m.px(96), CANDIDATE_MAX_PX))
        self._show([])

    def least_size(self) -> tuple[int, int]:
        """(width, height) px of the smallest arrangement: the pad at PAD_MIN_PX with
        the smallest candidates under it."""
        if not self.available:
            hint = self.sizeHint()
            return hint.width(), hint.height()
        grid_w = 5 * MIN_CANDIDATE_PX + 4 * CANDIDATE_GAP_PX
        grid_h = 2 * MIN_CANDIDATE_PX + CANDIDATE_GAP_PX
        return max(PAD_MIN_PX, grid_w), PAD_MIN_PX + metrics().gap + grid_h

    def fit(self, height: int, width: int | None = None) -> None:
        """Size the pad and the candidates to ``height`` × ``width`` px (the pinned
        column's room): the candidates beside the pad when both fit across, else under
        it; the pad as large as the text scale makes it (PAD_MAX_PX at most) and the room
        allows, never under PAD_MIN_PX; candidates ≥ 72 px targets with ≥ 48 px
        characters, 12 px apart. Called on a window resize, never while writing."""
        if not self.available:
            return
        m = metrics()
        across = width if width is not None else self.width()
        gap, sp = m.gap, CANDIDATE_GAP_PX
        wanted_pad = min(m.px(420), PAD_MAX_PX)
        wanted_key = min(m.px(96), CANDIDATE_MAX_PX)
        # Beside: the pad's side is the height; the five candidates across the rest.
        key_beside = max(MIN_CANDIDATE_PX, min(wanted_key, (height - sp) // 2))
        pad_beside = min(wanted_pad, height, across - gap - (5 * key_beside + 4 * sp))
        # Under: the candidates share the width; the pad takes what height is left.
        key_under = max(
            MIN_CANDIDATE_PX,
            min(wanted_key, (across - 4 * sp) // 5, (height - gap - sp - PAD_MIN_PX) // 2),
        )
        pad_under = min(wanted_pad, across, height - gap - (2 * key_under + sp))
        beside = pad_beside >= max(pad_under, PAD_MIN_PX) or (
            pad_under < PAD_MIN_PX and pad_beside >= pad_under
        )
        side, key = (pad_beside, key_beside) if beside else (pad_under, key_under)
        side = max(PAD_MIN_PX, side)
        self.pad.set_side(side)
        self._size_keys(key)
        self.row.setDirection(
            QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        )
        # The new sizes reach the page's layout now (BasePage._refit activates it next),
        # not a few event rounds later with the candidates over the pad meanwhile.
        layout = self.layout()
        if layout is not None:
            layout.activate()

    def _size_keys(self, key: int) -> None:
        """Candidates ``key`` px square, their characters ≥ 48 px and never cut."""
        m = metrics()
        text_px = max(48, min(m.px(CANDIDATE_TEXT_PX), CANDIDATE_TEXT_MAX_PX, key * 3 // 4))
        for b in self.candidate_buttons:
            font = b.font()
            font.setPixelSize(text_px)
            b.setFont(font)
            b.setStyleSheet(
                f"font-size: {text_px}px; padding: 0; min-width: {key}px; max-width: {key}px;"
                f" min-height: {key}px; max-height: {key}px;"
            )
            b.setFixedSize(key, key)

    def candidates(self) -> list[str]:
        """The characters offered now, best first."""
        return [b.text() for b in self.candidate_buttons if b.isEnabled() and b.text()]

    def recognize(self) -> None:
        if self.recognizer is None:
            return
        found = self.recognizer.recognize(
            self.pad.strokes(), width=self.pad.width(), height=self.pad.height(), limit=CANDIDATES
        )
        self._show(found)

    def clear(self) -> None:
        self.pad.clear()
        self._show([])

    def delete_one(self) -> None:
        self.target.backspace()
        self._show([])

    def _pick(self, index: int) -> None:
        char = self.candidate_buttons[index].text()
        if not char:
            return
        base = self.variant_of
        if base is not None and self.target.text()[: self.target.cursorPosition()].endswith(base):
            for _ in base:  # one character, two UTF-16 units outside the BMP
                self.target.backspace()
            self.target.insert(char)
            self.clear()
            return
        if len(self.target.text()) < self.target.maxLength():
            self.target.insert(char)
            self.pad.clear()
            self._show([], variants_for=char)
        else:
            self.clear()

    def _show(self, found: list[Candidate], *, variants_for: str | None = None) -> None:
        """The candidates ``found``; or, after ``variants_for`` was typed, its 更多写法."""
        variants = variants_of(variants_for) if variants_for else ()
        chars = list(variants) if variants else [c.char for c in found]
        self.variant_of = variants_for if variants else None
        self.more_label.setVisible(bool(variants))
        for i, b in enumerate(self.candidate_buttons):
            char = chars[i] if i < len(chars) else ""
            b.setText(char)
            spoken = f"{MORE_FORMS_WORDS} {char}" if variants and char else char
            b.setAccessibleName(spoken or PAD_HINT)
            b.setEnabled(bool(char))
