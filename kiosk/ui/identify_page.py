"""Identify: the 18-digit ID number on a big keypad (or typed, or from a card reader that
types like a keyboard and ends with Enter), checked live, then the person to confirm."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kiosk.domain.idcard import (
    LENGTH,
    IdNumber,
    normalize_id_text,
    parse_id_number,
    validate_id_number,
)
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.keypad_widget import KeypadWidget
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QHBoxLayout, QLineEdit, Qt, QVBoxLayout
from kiosk.ui.session import Resident


class IdentifyPage(BasePage):
    """``on_lookup(id)`` asks for registry data (off the GUI thread); the shell then calls
    ``show_person``; ``on_confirm(resident)`` carries on."""

    def __init__(
        self,
        *,
        heading: str,
        today: date,
        on_lookup: Callable[[IdNumber], None],
        on_confirm: Callable[[Resident], None],
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        super().__init__(heading, S.IDENTIFY_HINT, name="identify", on_read=on_read, badge=badge)
        self._today = today
        self._on_lookup = on_lookup
        self._on_confirm = on_confirm
        self._resident: Resident | None = None
        self.line = QLineEdit()
        self.line.setObjectName("id-number")
        self.line.setMaxLength(LENGTH + 4)  # room for spaces a reader may send
        self.line.textChanged.connect(self._changed)
        self.line.returnPressed.connect(self.confirm)
        self.count = label("", "hint", name="count")
        # The keypad sits beside the number, not under it, so all 12 keys fit on a
        # landscape screen without scrolling (a scrolled keypad loses elderly users).
        row = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.line)
        left.addWidget(self.count)
        self.keypad = KeypadWidget(self.line, extra=S.KEY_X)
        self.person, person_box = frame("panel", name="person")
        self.person_lines = label("", "large", name="person-text")
        person_box.addWidget(label(S.CONFIRM_PERSON, "heading"))
        person_box.addWidget(self.person_lines)
        person_box.addWidget(
            button(S.IT_IS_ME, "fa5s.check", role="primary", name="confirm", on_click=self.confirm)
        )
        person_box.addWidget(button(S.RETYPE, "fa5s.undo", name="retype", on_click=self.retype))
        person_box.addStretch(1)
        self.person.hide()
        left.addWidget(self.person)
        left.addStretch(1)
        row.addLayout(left, 1)
        row.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self.set_nav(back=on_home, next=self.confirm)
        self._changed("")
        self.line.setFocus()

    def _changed(self, text: str) -> None:
        number = normalize_id_text(text)
        self._resident = None
        self.person.hide()
        self.count.setText(
            S.ID_FULL
            if len(number) >= LENGTH
            else S.ID_COUNT.format(n=len(number), left=LENGTH - len(number))
        )
        problem = validate_id_number(number, today=self._today)
        # Live: wrong characters at once; length only once 18 are in (no nagging mid-way).
        if problem and (problem.code == "id_number.characters" or len(number) >= LENGTH):
            self.show_errors([problem.message])
            return
        self.show_errors([])
        if problem is None:
            self._on_lookup(parse_id_number(number, today=self._today))

    def show_person(self, resident: Resident) -> None:
        if normalize_id_text(self.line.text()) != resident.id.number:
            return  # the number changed while the registry was asked
        self._resident = resident
        parsed = resident.id
        lines = []
        lines.append(
            S.PERSON_NAME.format(name=resident.name) if resident.name else S.PERSON_NOT_IN_REGISTRY
        )
        lines.append(S.PERSON_AGE.format(age=parsed.age(self._today), sex=parsed.sex_label))
        if resident.village:
            lines.append(S.PERSON_VILLAGE.format(village=resident.village))
        elif parsed.region_name:
            lines.append(S.PERSON_REGION.format(region=parsed.region_name))
        self.person_lines.setText("\n".join(lines))
        self.person.show()

    def confirm(self) -> None:
        if self._resident is not None:
            self._on_confirm(self._resident)
            return
        problem = validate_id_number(self.line.text(), today=self._today)
        if problem is not None:
            self.show_errors([problem.message])
            if self._on_read is not None:  # errors in voice too, when 朗读 is on
                self._on_read(problem.message)

    def retype(self) -> None:
        self.line.clear()
        self.line.setFocus()

    def extra_spoken(self) -> list[str]:
        return [self.person_lines.text()] if self.person.isVisible() else []
