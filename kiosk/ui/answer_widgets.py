"""The big input widget for each question type. Each editor shows the stored answer and
gives back a raw value for the form engine, which does all checking (STYLE.md 6)."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from kiosk.domain.dates import build_date
from kiosk.domain.errors import DomainError
from kiosk.forms.schema import Choice, Question
from kiosk.ui import strings as S
from kiosk.ui import theme
from kiosk.ui.common_widgets import button, label
from kiosk.ui.keypad_widget import KeypadWidget
from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
    icon,
)
from kiosk.ui.reflow_widget import Reflow
from kiosk.ui.signature_widget import SignatureWidget
from kiosk.ui.text_entry_widget import TextEntry

# Keypad types: (max length, extra key).
KEYPAD_TYPES: dict[str, tuple[int, str | None]] = {
    "id_number": (18, S.KEY_X),
    "phone": (11, None),
    "bank_account": (19, None),
    "number": (6, None),
    "decimal": (12, "."),  # a number with a fraction: the keypad, never pinyin
    "money": (12, "."),
}


class Editor(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("editor")
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(metrics().gap)

    def value(self) -> Any:
        return None

    def spoken_choices(self) -> list[str]:
        """What 朗读 reads as the choices (numbered), if the editor has any."""
        return []

    def spoken_answer(self) -> str | None:
        """The answer shown now, in words for 朗读; None when nothing is given yet."""
        value = self.value()
        return None if value is None else str(value)


class TextEditor(Editor):
    """Chinese text: 手写 by default, 拼音 second (kiosk/ui/text_entry_widget.py)."""

    def __init__(self, stored: Any) -> None:
        super().__init__()
        self.entry = TextEntry(str(stored or ""))
        self.line = self.entry.line
        self.box.addWidget(self.entry)
        self.box.addWidget(label(S.TEXT_HINT, "hint"))
        if self.entry.handwriting.available:
            # The page pins the pad and candidates beside itself like a keypad
            # (BasePage.pin_keypad, HandwritingInput.fit): the answer line stays in view.
            self.keypad = self.entry.handwriting

    def value(self) -> Any:
        return self.line.text().strip() or None


class KeypadEditor(Editor):
    def __init__(self, q: Question, stored: Any) -> None:
        super().__init__()
        max_len, extra = KEYPAD_TYPES[q.type]
        self.line = QLineEdit("" if stored is None else str(stored))
        self.line.setObjectName("answer")
        self.line.setMaxLength(max_len)
        row = QHBoxLayout()
        row.addWidget(self.line, 1)
        if q.unit:
            row.addWidget(label(q.unit, "large"))
        self.box.addLayout(row)
        # The page pins the keypad beside itself (BasePage.pin_keypad): it never scrolls.
        # Messages show in the page's one message area, in the page's column.
        self.keypad = KeypadWidget(self.line, extra=extra)

    def spoken_answer(self) -> str | None:
        text = self.line.text().strip()
        return " ".join(text) if text else None  # digit by digit

    def value(self) -> Any:
        return self.line.text().strip() or None


def tick(b: QPushButton, on: bool) -> None:
    """The chosen answer shows a tick (an empty circle otherwise) as well as its colour,
    and says 已选 to a screen reader: colour is never the only cue (WCAG 1.4.1)."""
    m = metrics()
    b.setIcon(icon("fa5s.check-circle", theme.ON_PRIMARY) if on else icon("fa5.circle", theme.INK))
    b.setIconSize(QSize(m.icon, m.icon))
    b.setProperty("ticked", on)
    text = b.text()
    b.setAccessibleName(f"{S.CHOSEN}：{text}" if on else text)


class _Choices(Editor):
    """Choices as big buttons, two to a row."""

    def __init__(self, choices: list[Choice], *, exclusive: bool, columns: int = 2) -> None:
        super().__init__()
        self.group = QButtonGroup(self)
        self.group.setExclusive(exclusive)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(metrics().gap)
        for i, choice in enumerate(choices):
            b = button(choice.label, name=f"choice-{choice.value}")
            b.setCheckable(True)
            b.toggled.connect(partial(tick, b))
            tick(b, False)
            self.group.addButton(b)
            self.buttons[choice.value] = b
            grid.addWidget(b, i // columns, i % columns)
        self.box.addLayout(grid)

    def checked(self) -> list[str]:
        return [v for v, b in self.buttons.items() if b.isChecked()]

    def spoken_choices(self) -> list[str]:
        return [
            S.SPOKEN_CHOICE.format(n=n, text=b.text())
            for n, b in enumerate(self.buttons.values(), start=1)
        ]

    def spoken_answer(self) -> str | None:
        texts = [b.text() for b in self.buttons.values() if b.isChecked()]
        return "、".join(texts) or None


class ChoiceEditor(_Choices):
    def __init__(self, choices: list[Choice], stored: Any) -> None:
        super().__init__(choices, exclusive=True)
        if stored in self.buttons:
            self.buttons[stored].setChecked(True)

    def value(self) -> Any:
        picked = self.checked()
        return picked[0] if picked else None


class MultiEditor(_Choices):
    def __init__(self, choices: list[Choice], stored: Any) -> None:
        super().__init__(choices, exclusive=False)
        for v in stored or []:
            if v in self.buttons:
                self.buttons[v].setChecked(True)

    def value(self) -> Any:
        return self.checked() or None


class YesNoEditor(ChoiceEditor):
    def __init__(self, stored: Any) -> None:
        choices = [Choice(value="yes", label=S.YES), Choice(value="no", label=S.NO)]
        super().__init__(choices, {True: "yes", False: "no"}.get(stored))

    def value(self) -> Any:
        picked = super().value()
        return None if picked is None else picked == "yes"


class Stepper(QWidget):
    """A number with big 减/加 buttons (and 减十/加十 for years and days).

    It may start empty (``value`` None, shown as 请选择): the first tap shows ``anchor``
    (today's year, month or day), so nothing is chosen for the person by default.
    """

    def __init__(
        self,
        name: str,
        value: int | None,
        lo: int,
        hi: int,
        unit: str,
        big: bool,
        *,
        anchor: int | None = None,
    ) -> None:
        super().__init__()
        self.lo, self.hi, self.unit = lo, hi, unit
        self.anchor = anchor if anchor is not None else lo
        self._value = value
        self.on_change: Callable[[], None] | None = None
        self.on_first: Callable[[], None] | None = None  # the first tap while empty
        self.shown = label("", "heading", name=f"{name}-value")
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.shown.setMinimumWidth(metrics().px(190))
        down = [self._step_button(name, s) for s in ([-10, -1] if big else [-1])]
        up = [self._step_button(name, s) for s in ([1, 10] if big else [1])]
        # One line when it fits; when narrow (200 % text) the number above its buttons,
        # and at the narrowest 减 and 加 each on a line of their own.
        n = len(down)
        value, downs, ups = n, list(range(n)), list(range(n + 1, 2 * n + 1))
        self.steps = Reflow(
            [*down, self.shown, *up],
            [[[*downs, value, *ups]], [[value], [*downs, *ups]], [[value], downs, ups]],
            name=f"{name}-steps",
        )
        row = QVBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.steps)
        self._show()

    def _step_button(self, name: str, step: int) -> QPushButton:
        word = ("加" if step > 0 else "减") + ("十" if abs(step) == 10 else "一")
        return button(word, name=f"{name}{step:+d}", on_click=lambda: self._step(step))

    def _step(self, step: int) -> None:
        if self._value is None and self.on_first is not None:
            self.on_first()
            return
        self.set(self.anchor if self._value is None else self._value + step)

    def set(self, value: int | None) -> None:
        self._value = None if value is None else max(self.lo, min(self.hi, value))
        self._show()
        if self.on_change is not None:
            self.on_change()

    def set_range(self, lo: int, hi: int) -> None:
        """New bounds (the days of the chosen month); the value is kept inside them."""
        self.lo, self.hi = lo, hi
        if self._value is not None and not lo <= self._value <= hi:
            self.set(self._value)

    def value(self) -> int | None:
        return self._value

    def _show(self) -> None:
        self.shown.setText(S.NOT_CHOSEN if self._value is None else f"{self._value}{self.unit}")


def days_in(year: int | None, month: int | None) -> int:
    """Days of that month (29 for 2月 while the year is not chosen): the day stepper
    offers only real dates, never 11月31日 or 2月30日."""
    if month is None:
        return 31
    return calendar.monthrange(year if year is not None else 2000, month)[1]


class DateEditor(Editor):
    """Year, month and day steppers. A new question starts empty (no date is chosen for
    the person: a date of death never defaults to today)."""

    def __init__(self, stored: Any, today: date) -> None:
        super().__init__()
        start = date.fromisoformat(stored) if stored else None
        y, m, d = (start.year, start.month, start.day) if start else (None, None, None)
        self.year = Stepper("year", y, 1890, today.year + 1, S.YEAR, True, anchor=today.year)
        # The first tap shows today's part: most dates asked (a death, an application) are
        # recent, so few taps remain; nothing is chosen until the person taps.
        self.month = Stepper("month", m, 1, 12, S.MONTH, False, anchor=today.month)
        # 加十/减十 for days too: the 30th from the 20th is one tap, not ten.
        self.day = Stepper("day", d, 1, 31, S.DAY, True, anchor=today.day)
        for stepper in (self.year, self.month, self.day):
            self.box.addWidget(stepper)
        self.year.on_change = self.month.on_change = self._limit_days
        for stepper in (self.year, self.month, self.day):
            stepper.on_first = self._show_today
        self._limit_days()

    def _show_today(self) -> None:
        """The first tap on an empty date shows today's date whole (year, month and day),
        to step from: nothing is chosen before a tap, and a recent date (a death, an
        application) is a few taps away instead of one anchor tap per stepper."""
        for stepper in (self.year, self.month, self.day):
            if stepper.value() is None:
                stepper.set(stepper.anchor)

    def spoken_answer(self) -> str | None:
        parts = [
            f"{v}{unit}"
            for v, unit in (
                (self.year.value(), S.YEAR),
                (self.month.value(), S.MONTH),
                (self.day.value(), S.DAY),
            )
            if v is not None
        ]
        return "".join(parts) or None

    def _limit_days(self) -> None:
        self.day.set_range(1, days_in(self.year.value(), self.month.value()))

    def value(self) -> Any:
        y, m, d = self.year.value(), self.month.value(), self.day.value()
        if y is None and m is None and d is None:
            return None  # not answered: the engine asks for it
        if y is None or m is None or d is None:
            return f"{y or 0:04d}-{m or 0:02d}-{d or 0:02d}"  # the engine names what is missing
        try:
            return build_date(y, m, d).isoformat()
        except DomainError:
            return f"{y:04d}-{m:02d}-{d:02d}"


class VillageEditor(Editor):
    """The village only: 组 is its own page (``GroupEditor``), one question per page, so
    组 is never below the fold under a long list of villages."""

    def __init__(self, q: Question, choices: list[Choice], stored: Any) -> None:
        super().__init__()
        village, _, group = str(stored or "").partition("-")
        self.with_group = bool(q.with_group)
        self.stored_group = int(group) if group.isdigit() else None
        self.villages = ChoiceEditor(choices, village or None)
        self.box.addWidget(self.villages)

    def value(self) -> Any:
        return self.villages.value()

    def spoken_choices(self) -> list[str]:
        return self.villages.spoken_choices()

    def spoken_answer(self) -> str | None:
        return self.villages.spoken_answer()


class GroupEditor(Editor):
    """第几组: a stepper for the 村民小组 of the village chosen on the page before; it
    starts empty (no group is chosen for the person)."""

    def __init__(self, village: str, stored_group: int | None, groups: int | None = None) -> None:
        """``groups``: how many 组 the village has (the village list's reference data);
        the stepper offers no more. None: up to 30."""
        super().__init__()
        self.village = village
        self.group = Stepper("group", stored_group, 1, groups or 30, "组", False, anchor=1)
        self.box.addWidget(self.group)

    def value(self) -> Any:
        group = self.group.value()
        return None if group is None else f"{self.village}-{group}"

    def spoken_answer(self) -> str | None:
        """The group as shown (4组), never the stored code (v03-4)."""
        group = self.group.value()
        return None if group is None else f"{group}{self.group.unit}"


class SignatureEditor(Editor):
    def __init__(self, stored: Any) -> None:
        super().__init__()
        self.pad = SignatureWidget()
        if stored:
            self.pad.set_path_text(str(stored))
        self.box.addWidget(self.pad)
        self.box.addWidget(
            button(S.SIGN_CLEAR, "fa5s.undo", on_click=self.pad.clear),
            0,
            Qt.AlignmentFlag.AlignLeft,
        )

    def value(self) -> Any:
        return self.pad.path_text() or None

    def spoken_answer(self) -> str | None:
        return S.SIGNED if self.value() else None


def make_editor(q: Question, stored: Any, choices: list[Choice], today: date) -> Editor:
    """The editor for a question type (note pages have none: an empty Editor)."""
    if q.type in KEYPAD_TYPES:
        return KeypadEditor(q, stored)
    if q.type == "date":
        return DateEditor(stored, today)
    if q.type in ("select_one", "relationship"):
        return ChoiceEditor(choices, stored)
    if q.type == "select_multiple":
        return MultiEditor(choices, stored)
    if q.type == "yes_no":
        return YesNoEditor(stored)
    if q.type == "village":
        return VillageEditor(q, choices, stored)
    if q.type == "signature":
        return SignatureEditor(stored)
    if q.type == "text":
        return TextEditor(stored)
    return Editor()
