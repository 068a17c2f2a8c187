"""A double tap never skips a page, and no tap lands while an operation runs (issues 15
and 19): taps on the window are ignored

- the first tap within a moment after a *tap* changed the page, so the second tap of a
  double tap (80 ms apart on a touch screen, often slower for elderly hands) does not
  land on what the new screen put under the finger (确认无误 → the declaration's
  下一步, 确认提交 → 办完了，回首页 → 跳过). A page that appeared without a tap (the
  home screen at start-up, after the idle wipe, when the kiosk finished opening) is not
  guarded: there is no double tap to stop, and the first tap there must count (b19 #3).
  A second tap within the moment counts: a double tap has one stray tap, and a person
  tapping again because nothing happened must see something happen (b15 #11);
- while the window says it is busy (``held``: a service operation started from the screen
  is running, kiosk/ui/main_window.py), so 上一步 or 回首页 60 ms after 确认提交 cannot take
  the resident away from the done page the operation is about to show (b15 #12).

A stroke on a writing or signature pad (a widget with the ``strokes`` property) is never
lost to the guard: the press is held back and replayed as soon as the finger moves; only
a dot (a press and release without movement, which is what a stray second tap is) is
dropped. The hold while busy drops pad presses too: the page is about to change.

One mechanism for every page: the window calls ``arm()`` in ``show_page``. Keys are not
guarded (a card reader typing like a keyboard sends its number at once), nor is the idle
warning's 我还在 (it covers the window without changing the page).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.ui.qt import QApplication, QEvent, QMouseEvent, QObject, QWidget

# Long enough for a double tap (≤ 500 ms is the usual double-click interval, Windows'
# default), short enough that a person reading the new page does not notice.
GUARD_MS = 500
# A page shown this long after the last tap was not shown by that tap (the idle wipe,
# an operation that took long: its double tap was held while it ran).
CAUSE_S = 2.0
# A finger that moved this far (px, either axis) since its press is writing, not tapping.
STROKE_PX = 3

_PRESSES = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick}
_TAP_EVENTS = {*_PRESSES, QEvent.Type.MouseButtonRelease}


def _is_pad(widget: QWidget) -> bool:
    return bool(widget.property("strokes"))


class TapGuard(QObject):
    """Ignores the first tap on ``window`` within ``ms`` milliseconds of an ``arm()``
    that follows a tap, and every tap while ``held()`` is true."""

    def __init__(
        self, window: QWidget, ms: int = GUARD_MS, held: Callable[[], bool] | None = None
    ) -> None:
        super().__init__(window)
        self._window = window
        self.ms = ms
        self._held = held or (lambda: False)
        self._armed_at = float("-inf")
        self._tapped_at: float | None = None  # the last tap let through since the last arm
        self._dropping = False  # the last press was dropped: drop its release too
        self._pending: tuple[QWidget, QMouseEvent] | None = None  # a pad press held back
        self._replaying = False
        self.ignored = 0  # taps swallowed so far (for the log and the tests)

    def arm(self) -> None:
        """A new page shows: if a tap (just now) showed it, ignore taps for the next
        ``ms`` milliseconds."""
        now = time.monotonic()
        if self._tapped_at is not None and now - self._tapped_at <= CAUSE_S:
            self._armed_at = now
        self._tapped_at = None
        self._pending = None

    @property
    def active(self) -> bool:
        return time.monotonic() < self._armed_at + self.ms / 1000

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._replaying:
            return False
        if kind == QEvent.Type.MouseMove and self._pending is not None:
            self._maybe_replay(obj, event)
            return False
        if kind not in _TAP_EVENTS:
            return False
        if not isinstance(obj, QWidget) or obj.window() is not self._window:
            return False  # a dialog (print preview) is its own window
        idle = getattr(self._window, "idle", None)
        if idle is not None and idle.covers(obj):
            return False
        if kind in _PRESSES:
            return self._press(obj, event)
        if kind == QEvent.Type.MouseButtonRelease:
            if self._pending is not None:  # a dot on a pad while guarded
                self._pending = None
                return True
            dropped, self._dropping = self._dropping, False
            if not dropped:
                self._tapped_at = time.monotonic()
            return dropped
        return False

    # Touch events pass: no widget takes them, and the mouse events Qt makes of them are
    # judged here.

    def _press(self, obj: QWidget, event: QEvent) -> bool:
        self._pending = None
        if self.active:
            # One stray tap per page change (a double tap has one second tap); a tap
            # after it is the person tapping again because nothing happened (b15 #11).
            self._armed_at = float("-inf")
            if not self._held() and isinstance(event, QMouseEvent) and _is_pad(obj):
                # Maybe a stroke: held until the finger moves (then replayed), else dropped.
                self._pending = (obj, event.clone())
                self._dropping = False
                return True
            self._dropping = True
        elif self._held():
            self._dropping = True
        else:
            self._dropping = False
        if self._dropping and event.type() == QEvent.Type.MouseButtonPress:
            self.ignored += 1
        return self._dropping

    def _maybe_replay(self, obj: QObject, event: QEvent) -> None:
        if self._pending is None:
            raise RuntimeError("no held press to replay (a bug)")
        pad, press = self._pending
        if obj is not pad or not isinstance(event, QMouseEvent):
            return
        moved = event.position() - press.position()
        if max(abs(moved.x()), abs(moved.y())) < STROKE_PX:
            return
        self._pending = None
        self._replaying = True
        try:
            QApplication.sendEvent(pad, press)
        finally:
            self._replaying = False
