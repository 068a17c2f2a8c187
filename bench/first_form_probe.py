"""A person's first form, timed: ``kiosk`` as started by ``kiosk --demo`` (kiosk.ui.app),
with a driver that taps 办事 as soon as the home screen is on screen (its first event loop
turn, KIOSK_STARTUP_MARK), taps again while the tap is ignored (the double-tap guard) and
nothing says 请稍候, and then waits for the identify page — the first page of every form —
to be painted and to take a typed digit. It prints

    KIOSK_FORM_MARK <wall clock s> <process CPU s>

at that moment (bench/startup_bench.py). The taps and the key are posted as Qt input
events, so they pass the window's event filters (tap guard, idle watcher) as a finger's
would. Works with any kiosk that has ``kiosk.ui.app._print_mark`` (s4-p2 on).

    python bench/first_form_probe.py --data-dir D --demo --quit-after-ms N
"""

from __future__ import annotations

import sys
import time
from typing import Any

import kiosk.ui.app as app
from kiosk.ui.qt import QApplication, QEvent, QKeyEvent, QMouseEvent, QObject, QPointF, Qt, QTimer

POLL_MS = 2  # how often the driver looks at the screen
RETAP_MS = 50  # a tap the guard ignored is tapped again after this long


class _Painted(QObject):
    """Notes the first paint of the widget it filters."""

    def __init__(self, widget: Any) -> None:
        super().__init__(widget)
        self.seen = False
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen = True
        return False


class Person:
    """Taps 办事, then types a digit on the identify page once it is painted."""

    def __init__(self) -> None:
        self.window: Any = None
        self.last_tap = float("-inf")
        self.painted: _Painted | None = None
        self.typed = False
        self.timer = QTimer()
        self.timer.timeout.connect(self.look)

    def start(self) -> None:
        windows = [w for w in QApplication.topLevelWidgets() if hasattr(w, "stack")]
        self.window = windows[0]
        self.look()
        self.timer.start(POLL_MS)

    def look(self) -> None:
        page = self.window.stack.currentWidget()
        name = getattr(page, "page_name", "")
        if name == "home":
            waiting = page.status.isVisible()  # 请稍候: the tap was taken, it waits
            if not waiting and time.monotonic() - self.last_tap > RETAP_MS / 1000:
                self.tap(page.findChild(QObject, "tile-services"))
            return
        if name != "identify":
            return
        line = page.line
        if self.painted is None:
            self.painted = _Painted(line)
            line.update()
            return
        if not self.painted.seen:
            return
        if not self.typed:
            self.typed = True
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.postEvent(
                    line, QKeyEvent(kind, Qt.Key.Key_5, Qt.KeyboardModifier.NoModifier, "5")
                )
            return
        if line.text().endswith("5"):
            app._print_mark("KIOSK_FORM_MARK")
            self.timer.stop()

    def tap(self, button: Any) -> None:
        self.last_tap = time.monotonic()
        at = QPointF(button.rect().center())
        for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            QApplication.postEvent(
                button,
                QMouseEvent(
                    kind,
                    at,
                    button.mapToGlobal(at),
                    Qt.MouseButton.LeftButton,
                    Qt.MouseButton.LeftButton
                    if kind == QEvent.Type.MouseButtonPress
                    else Qt.MouseButton.NoButton,
                    Qt.KeyboardModifier.NoModifier,
                ),
            )


def main() -> int:
    person = Person()
    mark = app._print_mark

    def print_mark(name: str) -> None:
        mark(name)
        if name == "KIOSK_STARTUP_MARK":
            person.start()

    app._print_mark = print_mark
    return app.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
