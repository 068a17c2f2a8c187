"""A push button whose words wrap to its width (issue 15 point 3: 回首页, 确认无误, the
offer and staff buttons were cut at 150/200 % text in a narrow column).

QPushButton never wraps: its minimum width is its whole text on one line, so a long
word at 200 % either widened the page past the window or was cut. ``WordButton`` keeps
the words it was given (``words()``) and, each time it is resized, breaks them into
lines that fit its width (between characters for Chinese, at spaces for other text),
growing its height to the lines. Its minimum width is a few characters, so a layout can
give it any width a column has.
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.qt import QIcon, QPixmap, QPushButton, QSize, QStyle, QStyleOptionButton

MIN_CHARS = 3  # a button never gets narrower than three characters and its icon
SLACK = 8  # px of frame and focus border beside the text


def break_lines(text: str, fits: Any) -> list[str]:
    """``text`` (its own line breaks removed) in the fewest greedy lines for which
    ``fits(line) -> bool``; a single character that does not fit gets its own line."""
    lines: list[str] = []
    line = ""
    for ch in text.replace("\n", ""):
        if line and not fits(line + ch):
            lines.append(line.rstrip())
            line = ch.lstrip()
        else:
            line += ch
    if line:
        lines.append(line)
    return lines or [""]


class WordButton(QPushButton):
    """A QPushButton whose text wraps to its width; ``text()`` holds the lines shown."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._words = text
        self._icon = QIcon()
        self._floor: int | None = None  # the least height given (a tile's), before fitting

    def setIcon(self, icon: QIcon | QPixmap) -> None:
        """The icon shows while the words fit beside it on one line; when they do not,
        the icon goes first (the word is what is read), then the words wrap."""
        self._icon = QIcon(icon)
        super().setIcon(self._icon)
        self._wrap()

    def words(self) -> str:
        """The text as given, without the line breaks of wrapping."""
        return self._words

    def setText(self, text: str) -> None:
        self._words = text
        super().setText(text)
        self._wrap()

    def _style_width(self, text: str, content: int) -> int:
        """The style's width of the button for ``content`` px of text and icon."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = text
        option.icon = self._icon
        need = QSize(content, self.fontMetrics().height())
        style = self.style()
        return style.sizeFromContents(QStyle.ContentsType.CT_PushButton, option, need, self).width()

    def one_line_width(self) -> int:
        """The width of the button with its words on one line and its icon, from the style
        (padding, border, the stylesheet's least width), whatever lines it shows now."""
        words = self._words.replace("\n", "")
        content = self.fontMetrics().horizontalAdvance(words) + self._icon_room(shown=False)
        return self._style_width(words, content)

    def _padding(self) -> int:
        """Pixels of the button's width that are neither text nor icon (style padding and
        frame), at least SLACK: measured by the style on a width past any least width it
        sets, never on the lines shown (a wrapped button's padding then grew by the
        style's least width, and its words stayed wrapped when given their width again)."""
        wide = 1 << 14
        return max(SLACK, self._style_width(self._words, wide) - wide)

    def _icon_room(self, *, shown: bool) -> int:
        icon = self.icon() if shown else self._icon
        return self.iconSize().width() + 4 if not icon.isNull() else 0

    def _beside_text(self) -> int:
        """Pixels of the button's width that are not text: padding, icon shown, frame."""
        return self._padding() + self._icon_room(shown=True)

    def sizeHint(self) -> QSize:
        """Wide enough for the words on one line (what the button would like), as high as
        the lines shown now."""
        hint = super().sizeHint()
        if not self._words:
            return hint
        return QSize(self.one_line_width(), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if not self._words:
            return hint
        fm = self.fontMetrics()
        least = fm.horizontalAdvance("字" * min(MIN_CHARS, len(self._words)))
        return QSize(min(self.sizeHint().width(), least + self._padding()), hint.height())

    def _wrap(self) -> None:
        if not self._words or self.width() <= 0:
            return
        fm = self.fontMetrics()
        if not self._icon.isNull():
            one_line = fm.horizontalAdvance(self._words.replace("\n", ""))
            with_icon = one_line + self._padding() + self._icon_room(shown=False)
            shown = self.width() >= with_icon
            if shown != (not self.icon().isNull()):
                super().setIcon(self._icon if shown else QIcon())
        room = self.width() - self._beside_text()
        lines = break_lines(self._words, lambda line: fm.horizontalAdvance(line) <= room)
        if "\n".join(lines) != super().text():
            super().setText("\n".join(lines))
        need = super().sizeHint().height()
        if self.minimumHeight() != need and need <= self.maximumHeight():
            self.setMinimumHeight(need)  # a fixed-size button (a key) keeps its size

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._wrap()
        self._fit_inner_layout()

    def _fit_inner_layout(self) -> None:
        """A button with words laid out inside it (a home tile) is as high as its
        word-wrapped labels need at its width: QPushButton's own size ignores them."""
        lay = self.layout()
        if lay is None or not lay.hasHeightForWidth():
            return
        if self._floor is None:
            self._floor = self.minimumHeight()
        need = max(self._floor, lay.totalHeightForWidth(self.width()))
        if need != self.minimumHeight():
            self.setMinimumHeight(need)
