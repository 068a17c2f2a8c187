"""The keypad column of a page (issue 15 point 3): a keypad pinned beside the page from
the top to the nav bar, or under the page on a portrait screen, its keys sized to the room
(72 px at least, 12 px apart), so every key and 上一步/下一步 stay in view while typing.
A mix-in of ``page_frame.BasePage``, which owns the layouts named below."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.ui.keypad_widget import MIN_GAP, MIN_KEY
from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSize,
    Qt,
    QVBoxLayout,
)

LEAST_KEYS_HIGH = 4 * MIN_KEY + 3 * MIN_GAP  # px: four rows of the smallest keys

if TYPE_CHECKING:
    from kiosk.ui.qt import QWidget as _Widget
else:
    _Widget = object


class KeypadColumn(_Widget):
    """Pins a KeypadWidget beside (or under) the page and fits its keys on each resize."""

    _keypad: Any
    _left: QVBoxLayout
    _top: QHBoxLayout
    _page_columns: QBoxLayout
    _titles_beside: bool
    _corner_place: str
    _outer: QVBoxLayout
    _corner: QBoxLayout
    read_button: QPushButton
    pinned: QVBoxLayout
    status: QLabel

    if TYPE_CHECKING:

        def nav_buttons(self) -> list[QPushButton]: ...  # BasePage's

    def pin_keypad(self, keypad: Any) -> None:
        """Put ``keypad`` (a KeypadWidget) in the pinned column, its keys sized to the
        height between the top margin and the nav bar (at least 72 px)."""
        self._keypad = keypad
        # Its least size is the smallest keys' (not the keys' size now): the window can
        # always shrink, and the keys are refitted to the new height.
        keypad.setMinimumSize(*self._least_keypad())

        self.pinned.addWidget(keypad, 0, Qt.AlignmentFlag.AlignTop)
        self.pinned.addStretch(1)
        self._fit_keypad()

    def _fit_keypad(self) -> None:
        if self._keypad is None:
            return
        m = metrics()
        nav = max(b.sizeHint().height() for b in self.nav_buttons())
        room = self.height() - 2 * m.margin - nav - m.gap
        if self.status.isVisible():
            room -= self.status.sizeHint().height() + m.gap
        if self._corner_place == "span":  # the corner row spans the page above the keypad
            room -= self._top.sizeHint().height() + m.gap
        elif self._corner_place == "split":  # 朗读 over the keys
            room -= self.read_button.sizeHint().height() + m.gap
        portrait = self.height() > self.width()
        self._page_columns.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        if portrait:  # under the page: the page keeps the larger part of the height
            room = min(room * 2 // 5, room - m.gap - self._left.minimumSize().height())
        # Beside the page it takes at most half the width (the page's words need the rest)
        # and never more than the page's column leaves: keys never overlap.
        across = self.width() - 2 * m.margin
        beside = min((across - m.gap) // 2, across - m.gap - self._left.minimumSize().width())
        self._keypad.fit(room, across if portrait else beside)
        # Under the page the keys keep their height (the page's column gives way); beside
        # it, its least is the smallest keys', so the window can always shrink.
        self._keypad.setMinimumHeight(
            self._keypad.sizeHint().height() if portrait else self._least_keypad()[1]
        )
        self.pinned.setAlignment(
            self._keypad, Qt.AlignmentFlag.AlignHCenter if portrait else Qt.AlignmentFlag.AlignTop
        )

    def _least_keypad(self) -> tuple[int, int]:
        """(width, height) px of the pinned widget at its smallest: its own
        ``least_size()`` when it has one (the 手写 pad), else the smallest keys'."""
        least = getattr(self._keypad, "least_size", None)
        if least is not None:
            return least()
        return 3 * round(MIN_KEY * 1.15) + 2 * MIN_GAP, LEAST_KEYS_HIGH

    def _place_corner(self) -> bool:
        """Where the header goes; True when it moved. ``beside``: the titles, 待上传 and
        朗读 head the page's column (the keypad has the whole height). When the titles
        scroll (a short screen at large text): ``split`` with the keypad beside, 朗读 over
        the keys and 待上传 (or 正在朗读) over the page, one short line, so the page's
        column starts near the top; ``span`` otherwise, the corner row over the page."""
        keypad_beside = (
            self._keypad is not None
            and self._page_columns.direction() == QBoxLayout.Direction.LeftToRight
        )
        # A pinned widget that needs the whole height (the 手写 pad) keeps 朗读 and 待上传
        # at the head of the page's column, never over itself.
        tall = bool(getattr(self._keypad, "needs_height", False))
        beside = self._titles_beside or (tall and keypad_beside)
        place = "beside" if beside else "split" if keypad_beside else "span"
        if place == self._corner_place:
            return False
        was, self._corner_place = self._corner_place, place
        if (was == "span") != (place == "span"):
            (self._outer if was == "span" else self._left).removeItem(self._top)
            self._top.setParent(None)
            (self._outer if place == "span" else self._left).insertLayout(0, self._top)
        if (was == "split") != (place == "split"):
            if place == "split":
                self._corner.removeWidget(self.read_button)
                self.pinned.insertWidget(0, self.read_button, 0, Qt.AlignmentFlag.AlignRight)
            else:
                self.pinned.removeWidget(self.read_button)
                self._corner.addWidget(self.read_button)
        return True

    def minimumSizeHint(self) -> QSize:
        """The least size over the page's arrangements: on a portrait page the keypad is
        under the page, but a window made wider than tall puts it beside (``_fit_keypad``),
        so its least height is what the page needs with the keypad beside: a window turned
        or resized back is never held at the portrait height."""
        least = super().minimumSizeHint()
        if (
            self._keypad is not None
            and self._page_columns.direction() == QBoxLayout.Direction.TopToBottom
        ):
            stacked = self._left.minimumSize().height() + self._keypad.minimumHeight()
            beside = max(self._left.minimumSize().height(), self._least_keypad()[1])
            least.setHeight(least.height() - (stacked + metrics().gap - beside))
        return least
