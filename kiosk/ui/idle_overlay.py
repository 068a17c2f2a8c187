"""Privacy: notice when nobody has touched the screen, warn with a countdown and a big
我还在 button, then tell the window to go home with nothing of the last person left.

The watcher filters every input event of the application, so any touch, click or key
restarts the idle time. The warning covers the whole window (no one's answers show).
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, label
from kiosk.ui.look import metrics
from kiosk.ui.qt import QEvent, QObject, Qt, QTimer, QVBoxLayout, QWidget

_INPUT_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.KeyPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.Wheel,
}


class IdleOverlay(QWidget):
    """The full-window warning; counts down once a second."""

    def __init__(self, parent: QWidget, on_still_here: Callable[[], None]) -> None:
        super().__init__(parent)
        self.setObjectName("idle")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#idle { background: #FFFFFF; }")
        layout = QVBoxLayout(self)
        m = metrics()
        layout.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        # Sized to fit a 768 px high screen at 200 % text: the heading, three lines of
        # countdown and 我还在 all in view (issue 15: a tile-high 我还在 was pushed below
        # the window).
        layout.setSpacing(m.gap)
        layout.addStretch(1)
        heading = label(S.IDLE_HEADING, "heading", name="idle-heading")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        self.countdown = label("", "large", name="countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.countdown)
        self.still_here = button(
            S.STILL_HERE,
            "fa5s.hand-paper",
            role="primary",
            name="still-here",
            on_click=on_still_here,
        )
        # The biggest button on screen: heading-size words, at least 96 px x the scale high.
        self.still_here.setStyleSheet(
            f"font-size: {m.heading}px; min-height: {m.px(96)}px; padding: 0 {m.px(40)}px;"
        )
        self.still_here.setMinimumWidth(min(m.px(500), 600))
        layout.addWidget(self.still_here, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self.hide()

    def show_seconds(self, seconds: int, body: str = S.IDLE_BODY) -> None:
        self.countdown.setText(body.format(seconds=seconds))


class IdleWatcher(QObject):
    """idle_timeout_s without input → warning; warning_s more → ``on_wipe``."""

    def __init__(
        self,
        window: QWidget,
        *,
        timeout_s: float,
        warning_s: int,
        should_watch: Callable[[], bool],
        on_wipe: Callable[[], None],
        on_warn: Callable[[str], None] | None = None,
        body: Callable[[], str] | None = None,
        on_input: Callable[[], None] | None = None,
    ) -> None:
        """``body()`` gives the countdown's words ("{seconds} 秒后…"): who carries on
        depends on whether a volunteer is there (S.IDLE_BODY or S.IDLE_BODY_ALONE).
        ``on_input()`` is called on every input event (GUI thread; it must be quick):
        the opening thread pauses for it (kiosk/ui/foreground.py)."""
        super().__init__(window)
        self._window = window
        self._body = body or (lambda: S.IDLE_BODY)
        self.timeout_s, self.warning_s = timeout_s, max(20, warning_s)
        self._should_watch = should_watch
        self._on_wipe = on_wipe
        self._on_warn = on_warn
        self._on_input = on_input
        # Made when first shown (or asked for): it is not on the home screen's first paint.
        self._overlay: IdleOverlay | None = None
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._warn)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count)
        self._left = 0
        self.restart()

    def configure(self, timeout_s: float, warning_s: int, *, tick_ms: int = 1000) -> None:
        """New limits; ``tick_ms`` below 1000 runs the countdown faster (tests only)."""
        self.timeout_s, self.warning_s = timeout_s, max(20, warning_s)
        self._tick.setInterval(tick_ms)
        self.restart()

    @property
    def overlay(self) -> IdleOverlay:
        """The full-window warning (made on first use)."""
        if self._overlay is None:
            self._overlay = IdleOverlay(self._window, self.still_here)
            self._overlay.setGeometry(self._window.rect())
        return self._overlay

    def warning_shown(self) -> bool:
        return self._overlay is not None and self._overlay.isVisible()

    def covers(self, widget: QWidget) -> bool:
        """True when ``widget`` is part of the warning."""
        return self._overlay is not None and self._overlay.isAncestorOf(widget)

    def fit(self) -> None:
        """The window changed size: the warning covers it all."""
        if self._overlay is not None:
            self._overlay.setGeometry(self._window.rect())

    def restart(self) -> None:
        if not self.warning_shown():
            self._idle.start(int(self.timeout_s * 1000))

    def still_here(self) -> None:
        self._tick.stop()
        if self._overlay is not None:
            self._overlay.hide()
        self.restart()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            if self._on_input is not None:
                self._on_input()
            if not self.warning_shown():
                self._idle.start(int(self.timeout_s * 1000))
        return False

    def _warn(self) -> None:
        if not self._should_watch():
            self.restart()
            return
        self._left = self.warning_s
        parent = self.overlay.parentWidget()
        if parent is not None:
            self.overlay.setGeometry(parent.rect())
        self.overlay.show_seconds(self._left, self._body())
        self.overlay.show()
        self.overlay.raise_()
        self._tick.start()
        if self._on_warn is not None:
            self._on_warn(f"{S.IDLE_HEADING}{self.overlay.countdown.text()}")

    def _count(self) -> None:
        self._left -= 1
        if self._left > 0:
            self.overlay.show_seconds(self._left, self._body())
            return
        self._tick.stop()
        self.overlay.hide()
        self._on_wipe()
        self.restart()
