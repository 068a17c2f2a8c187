"""The big input widget for each question type. Each editor shows the stored answer and
gives back a raw value for the form engine, which does all checking (STYLE.md 6)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from kiosk.forms.schema import Choice, Question
from kiosk.ui import strings as S
from kiosk.ui import theme
from kiosk.ui.common_widgets import button, label
from kiosk.ui.date_editor import DateEditor, Stepper, days_in
from kiosk.ui.editor_base import Editor
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
    icon,
)
from kiosk.ui.signature_widget import SignatureWidget
from kiosk.ui.text_entry_widget import TextEntry

__all__ = [
    "KEYPAD_TYPES",
    "ChoiceEditor",
    "DateEditor",
    "Editor",
    "GroupEditor",
    "KeypadEditor",
    "MultiEditor",
    "SignatureEditor",
    "Stepper",
    "TextEditor",
    "VillageEditor",
    "YesNoEditor",
    "days_in",
    "make_editor",
    "tick",
]

# Keypad types: (max length, extra key).
KEYPAD_TYPES: dict[str, tuple[int, str | None]] = {
    "id_number": (18, S.KEY_X),
    "phone": (11, None),
    "bank_account": (19, None),
    "number": (6, None),
    "decimal": (12, "."),  # a number with a fraction: the keypad, never pinyin
    "money": (12, "."),
}


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
