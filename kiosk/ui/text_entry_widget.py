"""The answer box for Chinese text (names, addresses): 手写 first, 拼音 second.

On a touchscreen many elderly residents cannot spell pinyin (issue 15): the writing pad
(kiosk/ui/handwriting_widget.py) is the default mode; 拼音 switches to the Qt virtual
keyboard (QT_IM_MODULE=qtvirtualkeyboard, kiosk/ui/app.py) by turning the line edit's
input method on and focusing it. In 手写 mode the input method is off, so the keyboard
never covers the pad. Without a handwriting engine the 手写 button is disabled, the
pad says 手写不可用 and the box starts in 拼音. A physical keyboard types in both modes.
Number fields never come here: they always get the big keypad (KeypadEditor).
"""

from __future__ import annotations

from kiosk.ui.common_widgets import button
from kiosk.ui.handwriting_widget import HandwritingInput
from kiosk.ui.keypad_widget import keep_keyboard_shut
from kiosk.ui.look import metrics
from kiosk.ui.qt import QApplication, QHBoxLayout, QLineEdit, Qt, QVBoxLayout, QWidget

HANDWRITING = "手写"
PINYIN = "拼音"


class TextEntry(QWidget):
    """``line`` (objectName ``answer``) with a 手写 | 拼音 switch, 重写/删一字 under it and
    the pad (``handwriting``) under them unless a page pins it beside itself."""

    def __init__(self, text: str) -> None:
        super().__init__()
        m = metrics()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(m.gap)
        self.line = QLineEdit(text)
        keep_keyboard_shut(self.line)  # in 手写 mode a tap on the line opens no keyboard
        self.line.setObjectName("answer")
        self.line.setMaxLength(100)
        box.addWidget(self.line)
        modes = QHBoxLayout()
        modes.setSpacing(m.px(16))
        self.handwriting_button = button(
            HANDWRITING, "fa5s.pen", name="mode-handwriting", on_click=self.use_handwriting
        )
        self.pinyin_button = button(
            PINYIN, "fa5s.keyboard", name="mode-pinyin", on_click=self.use_pinyin
        )
        for b in (self.handwriting_button, self.pinyin_button):
            b.setCheckable(True)
            modes.addWidget(b)
        modes.addStretch(1)
        box.addLayout(modes)
        self.handwriting = HandwritingInput(self.line)
        # 重写/删一字 under the switch, in the page's column with the answer; the page pins
        # the pad and the candidates beside itself (BasePage.pin_keypad via TextEditor).
        box.addWidget(self.handwriting.tools)
        box.addWidget(self.handwriting)
        self.handwriting_button.setEnabled(self.handwriting.available)
        if self.handwriting.available:
            self.use_handwriting()
        else:
            self.use_pinyin()

    @property
    def mode(self) -> str:
        return HANDWRITING if self.handwriting_button.isChecked() else PINYIN

    def use_handwriting(self) -> None:
        if not self.handwriting.available:
            return
        self._set_mode(handwriting=True)
        QApplication.inputMethod().hide()  # the keyboard never covers the pad

    def use_pinyin(self) -> None:
        self._set_mode(handwriting=False)
        # The virtual keyboard serves the focused input-method field; it opens now, not
        # only on a second tap on the line.
        self.line.setFocus()
        QApplication.inputMethod().show()

    def _set_mode(self, *, handwriting: bool) -> None:
        self.handwriting_button.setChecked(handwriting)
        self.pinyin_button.setChecked(not handwriting)
        # Without an engine the widget is only the 手写不可用 message: it stays shown.
        self.handwriting.setVisible(handwriting or not self.handwriting.available)
        self.handwriting.tools.setVisible(handwriting and self.handwriting.available)
        self.line.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, not handwriting)
