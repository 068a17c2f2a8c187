"""Small building blocks every page uses: labels, big buttons with icon and word, the
error summary, panels. Looks come from the stylesheet by ``role`` (kiosk/ui/theme.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from kiosk.ui import strings as S
from kiosk.ui import theme
from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRect,
    QScrollArea,
    QSize,
    QSizePolicy,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    icon,
)
from kiosk.ui.touch_scroll import enable_kinetic, own_viewport
from kiosk.ui.word_button import WordButton


def label(
    text: str, role: str | None = None, *, name: str | None = None, kind: type[QLabel] = QLabel
) -> QLabel:
    """A word-wrapped plain-text label of ``role`` (the style sheet's font for it);
    ``kind``: the QLabel class to make (WrapLabel for titles that must show every line)."""
    widget = kind(text)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    if name:
        widget.setObjectName(name)
    return widget


class WrapLabel(QLabel):
    """A word-wrapped label that is never given less height than its font needs for its
    lines at its width (a scrolling page can give a long title a few px less, cutting its
    last line)."""

    def heightForWidth(self, width: int) -> int:
        base = super().heightForWidth(width)
        m = self.contentsMargins()
        inner = width - m.left() - m.right()
        if inner <= 0 or not self.wordWrap():
            return base
        flags = int(Qt.TextFlag.TextWordWrap)
        need = self.fontMetrics().boundingRect(QRect(0, 0, inner, 1 << 20), flags, self.text())
        return max(base, need.height() + m.top() + m.bottom())

    def resizeEvent(self, event: Any) -> None:
        """Held at least as high as its lines need at the width it got: a scrolling page
        sizes its content from size hints, not from the height for each width."""
        super().resizeEvent(event)
        need = self.heightForWidth(self.width())
        if need > 0 and self.minimumHeight() != need:
            self.setMinimumHeight(need)


def wrap_label(text: str, role: str | None = None, *, name: str | None = None) -> QLabel:
    """``label`` as a ``WrapLabel``: for long wrapped titles that must show every line."""
    return label(text, role, name=name, kind=WrapLabel)


class NumberLabel(QLabel):
    """A number or code that must not break (a case number, an ID number): its lines
    never wrap, the font made smaller (never under 24 px) when the widest line is wider
    than the label at the role's size, instead of being cut or pushing the page wider
    than the screen."""

    def __init__(self, text: str, role: str, largest: int, *, name: str | None = None) -> None:
        super().__init__(text)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setProperty("role", role)
        self._largest = largest
        if name:
            self.setObjectName(name)

    def _lines_high(self) -> int:
        """Every line at the full height of the role's font (the largest): the fitted,
        smaller font never needs another layout pass, and no line is cut."""
        px = max(1, self.font().pixelSize())
        line = math.ceil(self.fontMetrics().height() * max(self._largest, px) / px)
        margins = self.contentsMargins()
        lines = self.text().count("\n") + 1
        return line * lines + margins.top() + margins.bottom()

    def minimumSizeHint(self) -> QSize:
        return QSize(72, max(super().minimumSizeHint().height(), self._lines_high()))

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), self._lines_high()))

    def _fit(self, width: int) -> int:
        """The font size in px at which the widest line fills ``width`` px (24 to
        ``largest``)."""
        fm = self.fontMetrics()
        widest = max(fm.horizontalAdvance(line) for line in self.text().split("\n"))
        per_px = widest / max(1, self.font().pixelSize())
        return max(24, min(self._largest, int(width / max(per_px, 0.1))))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        """The lines' height at the font size ``width`` gets: the page's layout gives it
        before the font changes (it was a layout pass late, and the number was cut)."""
        m = self.contentsMargins()
        size = self._fit(width - m.left() - m.right())
        line = self.fontMetrics().height() * size / max(1, self.font().pixelSize())
        lines = self.text().count("\n") + 1
        return math.ceil(line) * lines + m.top() + m.bottom()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        size = self._fit(self.contentsRect().width())
        if self.property("fit_px") != size:
            self.setProperty("fit_px", size)
            self.setStyleSheet(f"font-size: {size}px;")


def button(
    text: str,
    icon_name: str | None = None,
    *,
    role: str | None = None,
    name: str | None = None,
    on_click: Callable[[], None] | None = None,
) -> QPushButton:
    """A big button: always a word, and an icon beside it when one fits its meaning. Its
    words wrap to the width its layout gives it (``WordButton``)."""
    widget = WordButton(text)
    if role:
        widget.setProperty("role", role)
    if name:
        widget.setObjectName(name)
    if icon_name:
        colour = theme.ON_PRIMARY if role in ("primary", "tile") else theme.INK
        size = metrics().tile_icon if role == "tile" else metrics().icon
        widget.setIcon(icon(icon_name, colour))
        widget.setIconSize(QSize(size, size))
    widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    if on_click is not None:
        widget.clicked.connect(lambda _checked=False: on_click())
    return widget


def tile(
    title: str, hint: str, icon_name: str, *, name: str, on_click: Callable[[], None]
) -> QPushButton:
    """A home tile: a big button whose icon, title and hint are laid out inside it, so long
    words wrap instead of being cut off at large font scales."""
    m = metrics()
    widget = button("", role="tile", name=name, on_click=on_click)
    widget.setAccessibleName(f"{title}，{hint}")
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    widget.setMinimumHeight(m.tile)
    row = QHBoxLayout(widget)
    row.setContentsMargins(m.px(28), m.px(16), m.px(28), m.px(16))
    row.setSpacing(m.px(20))
    picture = QLabel()
    picture.setFixedSize(m.tile_icon, m.tile_icon)  # the same place with the icon deferred
    picture.setPixmap(icon(icon_name, theme.ON_PRIMARY).pixmap(m.tile_icon, m.tile_icon))
    words = QVBoxLayout()
    words.setSpacing(m.px(4))
    words.addStretch(1)
    words.addWidget(label(title, "tile-title"))
    words.addWidget(label(hint, "tile-hint"))
    words.addStretch(1)
    row.addWidget(picture)
    row.addLayout(words, 1)
    for child in widget.findChildren(QLabel):
        child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
    return widget


def wrap_text(text: str, columns: int) -> str:
    """Break a line of Chinese every ``columns`` characters (push buttons do not wrap)."""
    columns = max(8, round(columns / metrics().scale))
    return "\n".join(text[i : i + columns] for i in range(0, len(text), columns))


def frame(role: str, *, name: str | None = None) -> tuple[QFrame, QVBoxLayout]:
    box = QFrame()
    box.setProperty("role", role)
    if name:
        box.setObjectName(name)
    layout = QVBoxLayout(box)
    m = metrics()
    layout.setContentsMargins(m.px(20), m.px(16), m.px(20), m.px(16))
    layout.setSpacing(m.px(8))
    return box, layout


MAX_SHOWN = 3  # message lines shown in the error box (the rest are counted and spoken)


class _MessageList(QScrollArea):
    """The error box's lines, scrolling inside the box when the page has no room for all
    of them (200 % text on a 768 px screen): the box never makes the page taller than the
    window, and no line is cut. Its wish is all the lines at its width; its least, one."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("error-lines")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        viewport = own_viewport(self)  # before the content (it is the content's parent)
        inner = QWidget()
        inner.setObjectName("error-inner")
        self.lines = QVBoxLayout(inner)
        self.lines.setContentsMargins(0, 0, 0, 0)
        self.lines.setSpacing(metrics().px(8))
        self.setWidget(inner)
        self._inner = inner
        enable_kinetic(self, viewport)
        self._width = 0

    def sizeHint(self) -> QSize:
        inner = self._inner
        width = self.viewport().width() if self.isVisible() else inner.sizeHint().width()
        high = inner.heightForWidth(width) if inner.hasHeightForWidth() else -1
        return QSize(inner.sizeHint().width(), high if high > 0 else inner.sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        first = self.lines.itemAt(0)
        line = first.widget() if first is not None else None
        high = line.fontMetrics().height() if line is not None else metrics().body
        return QSize(metrics().px(48), min(high, self.sizeHint().height()))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.width() != self._width:  # the lines wrap anew: the wish changes
            self._width = self.width()
            self.updateGeometry()
        QTimer.singleShot(0, self, self.show_problem)

    def show_problem(self) -> None:
        """When not every line fits, the list starts at the first problem: the heading
        (还有问题要改) scrolls above it, the red frame still says "error", and 朗读 reads
        all; otherwise it starts at the top."""
        second = self.lines.itemAt(1)
        line = second.widget() if second is not None else None
        short = line is not None and self.viewport().height() < self._inner.height()
        self.verticalScrollBar().setValue(line.y() if short and line is not None else 0)


class ErrorBox(QFrame):
    """The error summary of a page: a heading and each problem in words, scrolling inside
    the box when the page is short (``_MessageList``); a warning's button under them.

    A thick border and the heading say "error" as well as the colour does.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("errors")
        self.setProperty("role", "error")
        self._layout = QVBoxLayout(self)
        m = metrics()
        self._layout.setContentsMargins(m.px(20), min(m.px(16), 20), m.px(20), min(m.px(16), 20))
        self._list = _MessageList()
        self._layout.addWidget(self._list)
        self._lines: list[QWidget] = []
        self.messages: list[str] = []
        self.action: QPushButton | None = None
        self.hide()

    def show_messages(
        self,
        messages: list[str],
        *,
        heading: str = S.ERROR_HEADING,
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        """Show ``messages`` under ``heading``; ``action`` (words, callback) adds a labelled
        button inside the box (a warning's 继续，用这个号码), at least 12 px from the rest."""
        for line in self._lines:  # replaced, never appended (tester's finding 8)
            self._layout.removeWidget(line)
            self._list.lines.removeWidget(line)
            line.hide()
            line.deleteLater()
        self._lines = []
        if self._layout.count() > 1:  # the spacing above the last warning's button
            self._layout.takeAt(1)
        self.action = None
        messages = list(dict.fromkeys(messages))  # the same problem is said once
        self.messages = messages
        if not messages:
            self.hide()
            return
        # The box sits in the fixed bar over the navigation: a few lines at most, so a long
        # list (确认无误 with many answers missing) never squeezes the page away; all of
        # them are said aloud (BasePage.spoken_text reads ``messages``).
        shown = messages if len(messages) <= MAX_SHOWN else messages[: MAX_SHOWN - 1]
        texts = [heading, *(f"• {m}" for m in shown)]
        if len(shown) < len(messages):
            texts.append(S.MORE_PROBLEMS.format(n=len(messages) - len(shown)))
        for i, text in enumerate(texts):
            line = label(
                text, "large" if i == 0 else None, name="error-heading" if i == 0 else None
            )
            self._lines.append(line)
            self._list.lines.addWidget(line)
        QTimer.singleShot(0, self._list, self._list.show_problem)
        if action is not None:
            words, on_click = action
            self.action = button(words, "fa5s.check", name="accept-warning", on_click=on_click)
            self._layout.addSpacing(metrics().gap)
            self._lines.append(self.action)
            self._layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignLeft)
        self._list.updateGeometry()
        self.show()
