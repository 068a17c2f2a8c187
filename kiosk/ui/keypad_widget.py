"""A big on-screen keypad that types into a line edit; the physical keyboard and a card
reader that types like a keyboard still work on the same line edit."""

from __future__ import annotations

from functools import partial

from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button
from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QApplication,
    QEvent,
    QGridLayout,
    QGuiApplication,
    QLineEdit,
    QObject,
    QPushButton,
    QScrollArea,
    QSize,
    QSizePolicy,
    Qt,
    QTimer,
    QWidget,
)

MIN_KEY = 72  # px: the smallest touch target (DESIGN.md)
MIN_GAP = 12  # px between keys (issue 15: 12 px at least between targets)


class _NoSoftKeyboard(QObject):
    """Keeps the virtual keyboard shut over a field whose input method is off (a number
    field; a text field in 手写 mode). Qt opens it on a tap whatever
    the field's input method (QWidgetPrivate::handleSoftwareInputPanel asks for the panel
    on a left-button release when QApplication.autoSipEnabled()), so the release is given
    to the field with that request off; and the keyboard a pinyin field left open is
    hidden when a number field takes the focus."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget) or watched.testAttribute(
            Qt.WidgetAttribute.WA_InputMethodEnabled
        ):
            return False
        kind = event.type()
        if kind == QEvent.Type.FocusIn:
            QGuiApplication.inputMethod().hide()
        elif kind == QEvent.Type.MouseButtonRelease and isinstance(watched, QLineEdit):
            app = QApplication.instance()
            if isinstance(app, QApplication) and app.autoSipEnabled():
                app.setAutoSipEnabled(False)
                try:
                    watched.event(event)
                finally:
                    app.setAutoSipEnabled(True)
                QGuiApplication.inputMethod().hide()
                return True
        return False


_FILTER: _NoSoftKeyboard | None = None


def no_pinyin(line: QLineEdit) -> None:
    """A number field never opens the pinyin virtual keyboard (QT_IM_MODULE): its input
    method is off, a tap does not ask for the keyboard and its focus hides it, so only
    this keypad, a physical keyboard or a card reader types in it."""
    line.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    line.setInputMethodHints(
        Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhNoPredictiveText
    )
    keep_keyboard_shut(line)


def keep_keyboard_shut(line: QLineEdit) -> None:
    """While ``line``'s input method is off (WA_InputMethodEnabled), neither a tap on it
    nor its focus opens the virtual keyboard; once on, it behaves as Qt's own."""
    global _FILTER
    if _FILTER is None:
        _FILTER = _NoSoftKeyboard(QApplication.instance())
    line.removeEventFilter(_FILTER)
    line.installEventFilter(_FILTER)


def fit_digits(line: QLineEdit, largest: int, digits: int) -> None:
    """The font of a number field, at most ``largest`` px and at least 24, so its longest
    number (maxLength digits) fits the field's width: an 18-digit ID number is never cut
    or scrolled sideways at 200 % text on a narrow screen."""
    room = line.contentsRect().width() - 16
    fm = line.fontMetrics()
    per_px = fm.horizontalAdvance("0" * digits) / max(1, line.font().pixelSize())
    size = max(24, min(largest, int(room / max(per_px, 0.1))))
    if line.property("fit_px") != size:
        line.setProperty("fit_px", size)
        line.setStyleSheet(f"font-size: {size}px;")


class KeypadWidget(QWidget):
    """Keys 1-9, then [extra] 0 删除. ``extra`` is "X" for ID numbers, "." for money."""

    def __init__(self, target: QLineEdit, *, extra: str | None = None) -> None:
        super().__init__()
        self.setObjectName("keypad")
        self._target = target
        self._digits = 18 if extra == "X" else min(target.maxLength(), 20)
        no_pinyin(target)
        target.installEventFilter(self)
        # Keys keep their size; the keypad never stretches across a wide screen.
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        grid = QGridLayout(self)
        m = metrics()
        grid.setSpacing(m.gap)
        grid.setContentsMargins(0, 0, 0, 0)
        keys = [*"123456789", extra or "", "0"]
        self.keys: list[QPushButton] = []
        for i, key in enumerate(keys):
            if not key:
                continue
            b = button(key, role="key", name=f"key-{key}", on_click=partial(self.press, key))
            b.setFixedWidth(m.px(150))
            grid.addWidget(b, i // 3, i % 3)
            self.keys.append(b)
        delete = button(
            S.KEY_DELETE, "fa5s.backspace", role="key", name="key-delete", on_click=self.delete
        )
        delete.setFixedWidth(m.px(150))
        grid.addWidget(delete, 3, 2)
        self.keys.append(delete)
        self._grid = grid

    def fit(self, height: int, width: int | None = None) -> None:
        """Size the keys so the four rows fit in ``height`` px (and the three columns in
        ``width`` px, when given): as big as the font scale makes them when there is room,
        never under ``MIN_KEY`` (72 px, DESIGN.md); the digits shrink with a short key so
        they are never cut."""
        m = metrics()
        gap = max(MIN_GAP, min(m.gap, height // 40))
        self._grid.setSpacing(gap)
        side = max(MIN_KEY, min(m.key, (height - 3 * gap) // 4))
        wide = max(MIN_KEY, min(m.px(150), round(side * 1.15)))
        if width is not None:
            wide = max(MIN_KEY, min(wide, (width - 2 * gap) // 3))
        font = min(m.heading, round(side * 0.5))
        for b in self.keys:
            word = b.objectName() == "key-delete"
            size = max(24, min(m.body, round(side * 0.3)) if word else font)
            b.setStyleSheet(
                f"font-size: {size}px; padding: 0px; min-height: {side - 8}px;"
                f" max-height: {side - 8}px; min-width: {wide - 8}px; max-width: {wide - 8}px;"
            )
            b.setFixedSize(wide, side)
            if word:
                b.setIconSize(QSize(size, size))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(obj, QLineEdit):
            fit_digits(obj, metrics().heading, self._digits)
        return False

    def set_target(self, target: QLineEdit) -> None:
        no_pinyin(target)
        target.installEventFilter(self)
        self._target = target

    def press(self, key: str) -> None:
        max_len = self._target.maxLength()
        if len(self._target.text()) < max_len:
            self._target.insert(key)
        self._typed()

    def delete(self) -> None:
        self._target.backspace()
        self._typed()

    def _typed(self) -> None:
        """After a key: the field has the focus and is in view. On a short page (200 %
        text, 768 px) the titles fill the scrolling page and the field may be under the
        fold; the page (never the keypad, pinned beside it) scrolls just enough to show
        what is typed."""
        self._target.setFocus()
        parent = self._target.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:  # once the page has taken in what the key changed
            QTimer.singleShot(0, parent, partial(show_whole, parent, self._target))


def show_whole(area: QScrollArea, field: QWidget) -> None:
    """Scroll ``area`` so all of ``field`` is in view (``ensureWidgetVisible`` shows only a
    line edit's cursor)."""
    content = area.widget()
    if content is None or not content.isAncestorOf(field):
        return
    middle = field.mapTo(content, field.rect().center())
    gap = metrics().gap
    area.ensureVisible(middle.x(), middle.y(), 0, field.height() // 2 + gap)
