"""Volunteer login (number + PIN on the keypad), and the volunteer's own view: the
drafts they left (after an idle wipe, for example) with 继续办理, and 退出登录."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from kiosk.services.views import CaseSummary
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.keypad_widget import KeypadWidget, no_pinyin
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QEvent, QHBoxLayout, QLineEdit, QObject, Qt, QVBoxLayout


class PinEntry(QObject):
    """Two or one line edits sharing one keypad: it types into the one last focused."""

    def __init__(self, lines: list[QLineEdit], parent: QObject) -> None:
        super().__init__(parent)
        self.lines = lines
        self.keypad = KeypadWidget(lines[0])
        for line in lines:
            no_pinyin(line)
            line.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress) and isinstance(
            obj, QLineEdit
        ):
            self.keypad.set_target(obj)
        return False


class LoginPage(BasePage):
    """A number (optional) and a PIN; ``on_submit(number, pin)``."""

    def __init__(
        self,
        *,
        heading: str,
        ask_number: bool,
        on_submit: Callable[[str, str], None],
        number_label: str = S.VOLUNTEER_ID,
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        name: str,
    ) -> None:
        super().__init__(heading, None, name=name, on_read=on_read)
        self.number = QLineEdit()
        self.number.setObjectName("number")
        self.number.setMaxLength(32)  # kiosk.services.accounts.ID_MAX
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setMaxLength(12)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        lines = [self.number, self.pin] if ask_number else [self.pin]
        # The fields on the left, the keypad beside them (as on the identify page), so
        # the number, the PIN and all 12 keys fit without scrolling.
        row = QHBoxLayout()
        fields = QVBoxLayout()
        if ask_number:
            fields.addWidget(label(number_label, "large"))
            fields.addWidget(self.number)
        else:
            self.number.hide()
        fields.addWidget(label(S.VOLUNTEER_PIN, "large"))
        fields.addWidget(self.pin)
        fields.addStretch(1)
        self.entry = PinEntry(lines, self)
        row.addLayout(fields, 1)
        self.body.addLayout(row)
        self.pin_keypad(self.entry.keypad)  # beside the page: never scrolled out of view
        self.body.addStretch(1)
        submit = lambda: on_submit(self.number.text().strip(), self.pin.text().strip())  # noqa: E731
        self.pin.returnPressed.connect(submit)
        self.set_nav(back=on_home, next=submit, next_text=S.LOGIN)
        lines[0].setFocus()

    def failed(self, message: str) -> None:
        self.pin.clear()
        self.show_errors([message])


class VolunteerPage(BasePage):
    def __init__(
        self,
        *,
        name: str,
        drafts: list[CaseSummary],
        on_resume: Callable[[str], None],
        on_logout: Callable[[], None],
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
    ) -> None:
        super().__init__(
            S.VOLUNTEER_VIEW_HEADING.format(name=name),
            None,
            name="volunteer",
            on_read=on_read,
            badge=S.VOLUNTEER_BADGE.format(name=name),
        )
        self.body.addWidget(label(S.DRAFTS_HEADING, "heading"))
        if not drafts:
            self.body.addWidget(label(S.NO_DRAFTS, "large", name="no-drafts"))
        for case in drafts:
            box, layout = frame("panel", name=f"draft-{case.number}")
            row = QHBoxLayout()
            row.addWidget(
                label(S.DRAFT_LINE.format(number=case.number, title=case.form_title), "large"), 1
            )
            row.addWidget(
                button(
                    S.RESUME,
                    "fa5s.play",
                    role="primary",
                    name=f"resume-{case.id}",
                    on_click=partial(on_resume, case.id),
                )
            )
            layout.addLayout(row)
            self.body.addWidget(box)
        self.body.addStretch(1)
        self.body.addWidget(
            button(S.LOGOUT, "fa5s.sign-out-alt", name="logout", on_click=on_logout),
            0,
            Qt.AlignmentFlag.AlignLeft,
        )
        self.set_nav(next=on_home, next_text=S.HOME)
