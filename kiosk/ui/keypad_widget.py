"""A big on-screen keypad that types into a line edit; the physical keyboard and a card
reader that types like a keyboard still work on the same line edit."""

from __future__ import annotations

from functools import partial

from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button
from kiosk.ui.look import metrics
from kiosk.ui.qt import QGridLayout, QLineEdit, QSizePolicy, Qt, QWidget


def no_pinyin(line: QLineEdit) -> None:
    """A number field never opens the pinyin virtual keyboard (QT_IM_MODULE): its input
    method is off, so only this keypad, a physical keyboard or a card reader types in it."""
    line.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    line.setInputMethodHints(
        Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhNoPredictiveText
    )


class KeypadWidget(QWidget):
    """Keys 1-9, then [extra] 0 删除. ``extra`` is "X" for ID numbers, "." for money."""

    def __init__(self, target: QLineEdit, *, extra: str | None = None) -> None:
        super().__init__()
        self.setObjectName("keypad")
        self._target = target
        no_pinyin(target)
        # Keys keep their size; the keypad never stretches across a wide screen.
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        grid = QGridLayout(self)
        m = metrics()
        grid.setSpacing(m.gap)
        grid.setContentsMargins(0, 0, 0, 0)
        keys = [*"123456789", extra or "", "0"]
        for i, key in enumerate(keys):
            if not key:
                continue
            b = button(key, role="key", name=f"key-{key}", on_click=partial(self.press, key))
            b.setFixedWidth(m.px(150))
            grid.addWidget(b, i // 3, i % 3)
        delete = button(
            S.KEY_DELETE, "fa5s.backspace", role="key", name="key-delete", on_click=self.delete
        )
        delete.setFixedWidth(m.px(150))
        grid.addWidget(delete, 3, 2)

    def set_target(self, target: QLineEdit) -> None:
        no_pinyin(target)
        self._target = target

    def press(self, key: str) -> None:
        max_len = self._target.maxLength()
        if len(self._target.text()) < max_len:
            self._target.insert(key)
        self._target.setFocus()

    def delete(self) -> None:
        self._target.backspace()
        self._target.setFocus()
