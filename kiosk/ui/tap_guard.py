"""A double tap never skips a page (issue 15): for a moment after a new screen shows, taps
on the window are ignored, so the second tap of a double tap (80 ms apart on a touch
screen, often slower for elderly hands) does not land on what the new screen put under
the finger (确认无误 → the declaration's 下一步, 确认提交 → 办完了，回首页 → 跳过).

One mechanism for every page: the window arms the guard in ``show_page``. Keys are not
guarded (a card reader typing like a keyboard sends its number at once), nor is the idle
warning's 我还在 (it covers the window without changing the page).
"""

from __future__ import annotations

import time

from kiosk.ui.qt import QEvent, QObject, QWidget

# Long enough for a double tap (≤ 500 ms is the usual double-click interval, Windows'
# default), short enough that a person reading the new page does not notice.
GUARD_MS = 500

_TAP_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd,
}


class TapGuard(QObject):
    """Ignores taps on ``window`` for ``ms`` milliseconds after each ``arm()``."""

    def __init__(self, window: QWidget, ms: int = GUARD_MS) -> None:
        super().__init__(window)
        self._window = window
        self.ms = ms
        self._armed_at = float("-inf")
        self.ignored = 0  # taps swallowed so far (for the log and the tests)

    def arm(self) -> None:
        """A new page shows: ignore taps for the next ``ms`` milliseconds."""
        self._armed_at = time.monotonic()

    @property
    def active(self) -> bool:
        return time.monotonic() < self._armed_at + self.ms / 1000

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() not in _TAP_EVENTS or not self.active:
            return False
        if not isinstance(obj, QWidget) or obj.window() is not self._window:
            return False  # a dialog (print preview) is its own window
        idle = getattr(self._window, "idle", None)
        if idle is not None and idle.overlay.isAncestorOf(obj):
            return False
        if event.type() == QEvent.Type.MouseButtonPress:
            self.ignored += 1
        return True
