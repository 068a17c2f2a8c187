"""A row of widgets that wraps onto more lines when its width is short (issue 15 point 3:
at 200 % text a check row's answer and its 修改, a date stepper's buttons, the staff
page's rows and home's tiles were wider than a 1024 px page).

``Reflow(widgets, arrangements)`` shows the widgets in the first arrangement whose every
line fits the width it is given, else in the last one. An arrangement is a list of lines,
a line a list of indexes into ``widgets``: ``[[0, 1]], [[0], [1]]`` is "side by side, or
one over the other". Its least width is the last arrangement's, so a layout can always
give it the width of a narrow page; its height follows the lines shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QAbstractButton,
    QLabel,
    QLayout,
    QLayoutItem,
    QRect,
    QSize,
    Qt,
    QWidget,
)

Arrangement = list[list[int]]


WORDS_BESIDE = 12  # characters a line of words keeps before a button goes under it


def words_width(words: QLabel) -> int:
    """The width a label wants on a line: its text on one line, up to WORDS_BESIDE
    characters (longer text wraps), never under its least width."""
    fm = words.fontMetrics()
    m = words.contentsMargins()
    one_line = max(fm.horizontalAdvance(t) for t in words.text().split("\n"))
    want = min(one_line, WORDS_BESIDE * fm.horizontalAdvance("字")) + m.left() + m.right()
    return max(want, words.minimumSizeHint().width(), words.minimumWidth())


def natural_width(widget: QWidget) -> int:
    """The width ``widget`` wants on a line: a button its words on one line (it wraps
    only as a last resort; a WordButton's hint is that whatever lines it shows); words a
    dozen characters (``words_width``), a column of words its widest label's; anything
    else its least width."""
    if isinstance(widget, QAbstractButton):
        return max(widget.sizeHint().width(), widget.minimumWidth())
    if isinstance(widget, QLabel):
        return words_width(widget)
    least = max(widget.minimumSizeHint().width(), widget.minimumWidth())
    inside = [words_width(w) for w in widget.findChildren(QLabel) if w.text()]
    return max([least, *inside])


def least_width(widget: QWidget) -> int:
    """The narrowest ``widget`` can be (a button's words wrapped)."""
    return max(widget.minimumSizeHint().width(), widget.minimumWidth())


class ReflowLayout(QLayout):
    """The layout behind ``Reflow``: it answers a width's height for the arrangement that
    width gets, so the page's layout gives the lines their height in its first pass (a
    widget that rearranged itself on resize left lines on top of each other until a
    later pass)."""

    def __init__(self, owner: Reflow, gap: int) -> None:
        super().__init__(owner)
        self._owner = owner
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(gap)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def minimumSize(self) -> QSize:
        least = self._owner.least()
        wide = self.geometry().width() if self.geometry().width() > 0 else least
        return QSize(least, self.heightForWidth(max(wide, least)))

    def sizeHint(self) -> QSize:
        wide = max(self._owner.natural(), self._owner.least())
        return QSize(wide, self.heightForWidth(wide))

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def _place(self, rect: QRect, *, move: bool) -> int:
        """Lay the items out in ``rect`` (``move``) or only measure; returns the height."""
        owner = self._owner
        index = owner.choose(rect.width())
        if move:
            owner.shown = index
        y = rect.y()
        gap = self.spacing()
        for line in owner.arrangements[index]:
            shown = [i for i in line if not self._items[i].isEmpty()]
            if not shown:
                continue
            widths = owner.line_widths(shown, rect.width())
            heights = [self._height(self._items[i], w) for i, w in zip(shown, widths, strict=True)]
            high = max(heights)
            x = rect.x()
            for i, w, h in zip(shown, widths, heights, strict=True):
                if move:
                    self._items[i].setGeometry(QRect(x, y + (high - h) // 2, w, h))
                x += w + gap
            y += high + gap
        return max(0, y - gap - rect.y())

    @staticmethod
    def _height(item: QLayoutItem, width: int) -> int:
        if item.hasHeightForWidth():
            return max(item.heightForWidth(width), item.minimumSize().height())
        return max(item.sizeHint().height(), item.minimumSize().height())


class Reflow(QWidget):
    """Widgets on lines that follow the width; see the module docstring."""

    def __init__(
        self,
        widgets: Sequence[QWidget],
        arrangements: Sequence[Arrangement],
        *,
        stretch: Sequence[int] | None = None,
        spacing: int | None = None,
        name: str | None = None,
        want: Callable[[QWidget], int] = natural_width,
    ) -> None:
        """``stretch``: each widget's stretch on its line (0: its own width, at the
        left; more: a share of what the line has left). ``spacing``: px between widgets
        and between lines (the theme's gap, >= 12 px). ``want``: the width a widget needs
        on a line (``natural_width``)."""
        super().__init__()
        if name:
            self.setObjectName(name)
        if not arrangements or any(
            sorted(i for line in a for i in line) != list(range(len(widgets))) for a in arrangements
        ):
            raise ValueError("each arrangement must place every widget exactly once")
        self.widgets = list(widgets)
        self.arrangements = [[list(line) for line in a] for a in arrangements]
        self._stretch = list(stretch) if stretch is not None else [0] * len(self.widgets)
        self._want = want
        self._gap = spacing if spacing is not None else metrics().gap
        self.shown = 0  # the index of the arrangement laid out last
        lines = ReflowLayout(self, self._gap)
        for widget in self.widgets:
            lines.addWidget(widget)

    def _shown(self, line: list[int]) -> list[int]:
        return [i for i in line if not self.widgets[i].isHidden()]

    def _line_width(self, line: list[int], width_of: Callable[[QWidget], int]) -> int:
        shown = self._shown(line)
        return sum(width_of(self.widgets[i]) for i in shown) + self._gap * max(0, len(shown) - 1)

    def fits(self, arrangement: Arrangement, width: int) -> bool:
        return all(self._line_width(line, self._want) <= width for line in arrangement)

    def choose(self, width: int) -> int:
        """The index of the first arrangement that fits ``width`` px, else the last."""
        for i, arrangement in enumerate(self.arrangements):
            if self.fits(arrangement, width):
                return i
        return len(self.arrangements) - 1

    def least(self) -> int:
        """The narrowest this can be: the last arrangement's widest line, wrapped."""
        return max(self._line_width(line, least_width) for line in self.arrangements[-1])

    def natural(self) -> int:
        """The width of the first arrangement's widest line."""
        return max(self._line_width(line, self._want) for line in self.arrangements[0])

    def line_widths(self, line: list[int], width: int) -> list[int]:
        """Each widget's width on ``line`` in ``width`` px: its wanted width, the
        stretching ones sharing what is left; when even that is too wide, each is cut
        down towards its least width."""
        gap = self._gap * max(0, len(line) - 1)
        wants = [self._want(self.widgets[i]) for i in line]
        room = width - gap
        if sum(wants) > room:
            least = [least_width(self.widgets[i]) for i in line]
            spare = max(0, room - sum(least))
            extra = sum(w - m for w, m in zip(wants, least, strict=True)) or 1
            return [m + (w - m) * spare // extra for w, m in zip(wants, least, strict=True)]
        stretch = [self._stretch[i] for i in line]
        total = sum(stretch)
        if not total:
            return wants
        left = room - sum(wants)
        return [w + left * s // total for w, s in zip(wants, stretch, strict=True)]


def side_or_under(first: QWidget, second: QWidget, *, name: str | None = None) -> Reflow:
    """``first`` (words, stretching) with ``second`` (a button) beside it, or the button
    under the words when both do not fit on one line."""
    return Reflow([first, second], [[[0, 1]], [[0], [1]]], stretch=[1, 0], name=name)


def words_then_buttons(row: Sequence[QWidget], *, name: str | None = None) -> Reflow:
    """``row[0]`` (words, stretching) and the buttons after it on one line; when they do
    not fit, the words over the buttons; when the buttons do not fit together either,
    each button on a line of its own."""
    buttons = list(range(1, len(row)))
    return Reflow(
        row,
        [[[0, *buttons]], [[0], buttons], [[0], *([b] for b in buttons)]],
        stretch=[1] + [0] * len(buttons),
        name=name,
    )
