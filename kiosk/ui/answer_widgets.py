"""The big input widget for each question type. Each editor shows the stored answer and
gives back a raw value for the form engine, which does all checking (STYLE.md 6)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.domain.dates import build_date
from kiosk.domain.errors import DomainError
from kiosk.forms.schema import Choice, Question
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, label
from kiosk.ui.keypad_widget import KeypadWidget
from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kiosk.ui.signature_widget import SignatureWidget

# Keypad types: (max length, extra key).
KEYPAD_TYPES: dict[str, tuple[int, str | None]] = {
    "id_number": (18, S.KEY_X),
    "phone": (11, None),
    "bank_account": (19, None),
    "number": (6, None),
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


class TextEditor(Editor):
    def __init__(self, stored: Any) -> None:
        super().__init__()
        self.line = QLineEdit(str(stored or ""))
        self.line.setObjectName("answer")
        self.box.addWidget(self.line)
        self.box.addWidget(label(S.TEXT_HINT, "hint"))

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
        self.keypad = KeypadWidget(self.line, extra=extra)
        self.box.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignLeft)

    def value(self) -> Any:
        return self.line.text().strip() or None


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
            self.group.addButton(b)
            self.buttons[choice.value] = b
            grid.addWidget(b, i // columns, i % columns)
        self.box.addLayout(grid)

    def checked(self) -> list[str]:
        return [v for v, b in self.buttons.items() if b.isChecked()]


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
    """A number with big 减/加 buttons (and 减十/加十 for years)."""

    def __init__(self, name: str, value: int, lo: int, hi: int, unit: str, big: bool) -> None:
        super().__init__()
        self.lo, self.hi, self.unit = lo, hi, unit
        self._value = value
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(metrics().gap)
        steps = [-10, -1] if big else [-1]
        for step in steps:
            row.addWidget(self._step_button(name, step))
        self.shown = label("", "heading", name=f"{name}-value")
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.shown.setMinimumWidth(metrics().px(190))
        row.addWidget(self.shown)
        for step in [1, 10] if big else [1]:
            row.addWidget(self._step_button(name, step))
        row.addStretch(1)
        self._show()

    def _step_button(self, name: str, step: int) -> QPushButton:
        word = ("加" if step > 0 else "减") + ("十" if abs(step) == 10 else "一")
        return button(word, name=f"{name}{step:+d}", on_click=lambda: self.set(self._value + step))

    def set(self, value: int) -> None:
        self._value = max(self.lo, min(self.hi, value))
        self._show()

    def value(self) -> int:
        return self._value

    def _show(self) -> None:
        self.shown.setText(f"{self._value}{self.unit}")


class DateEditor(Editor):
    def __init__(self, stored: Any, today: date) -> None:
        super().__init__()
        start = date.fromisoformat(stored) if stored else today
        self.year = Stepper("year", start.year, 1890, today.year + 1, S.YEAR, True)
        self.month = Stepper("month", start.month, 1, 12, S.MONTH, False)
        self.day = Stepper("day", start.day, 1, 31, S.DAY, False)
        for stepper in (self.year, self.month, self.day):
            self.box.addWidget(stepper)

    def value(self) -> Any:
        # An impossible date (2月30日) goes to the engine as text so it says what is wrong.
        y, m, d = self.year.value(), self.month.value(), self.day.value()
        try:
            return build_date(y, m, d).isoformat()
        except DomainError:
            return f"{y:04d}-{m:02d}-{d:02d}"


class VillageEditor(Editor):
    def __init__(self, q: Question, choices: list[Choice], stored: Any) -> None:
        super().__init__()
        village, _, group = str(stored or "").partition("-")
        self.villages = ChoiceEditor(choices, village or None)
        self.box.addWidget(self.villages)
        self.group: Stepper | None = None
        if q.with_group:
            self.box.addWidget(label(S.VILLAGE_GROUP, "large"))
            self.group = Stepper("group", int(group) if group.isdigit() else 1, 1, 30, "组", False)
            self.box.addWidget(self.group)

    def value(self) -> Any:
        village = self.villages.value()
        if village is None or self.group is None:
            return village
        return f"{village}-{self.group.value()}"


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
