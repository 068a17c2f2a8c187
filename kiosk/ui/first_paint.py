"""Work that can wait until a widget is on screen (issue 19: start fast).

``on_first_paint(widget, then)`` calls ``then()`` on the event-loop turn after the first
paint event of ``widget``: kiosk/ui/app.py opens the store and watches input only once
home is painted, and the home screen adds the lunar date (lunar_python, ~14 ms) then.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.ui.qt import QEvent, QObject, QTimer, QWidget


class _FirstPaint(QObject):
    """Calls ``then`` once, after the first paint event of ``widget``, and removes itself."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, then)  # after the paint, not inside it
        return False


def on_first_paint(widget: QWidget, then: Callable[[], None]) -> None:
    """``then()`` on the event-loop turn after ``widget`` is first painted (GUI thread).
    Never called if the widget is destroyed first (the filter goes with it)."""
    _FirstPaint(widget, then)
