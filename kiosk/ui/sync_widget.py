"""The small sync indicator in every screen's header (已同步 / 待上传 N 件 / 离线 / 未登记)
and the watch that keeps the window's one current SyncStatus fresh.

The status holds counts and times only (no personal data), so it may outlive a privacy
wipe. It is read off the GUI thread (the window's OpRunner) on a timer, after each
finalize and whenever the sync worker reports progress (``events.sync_did_progress``,
hopped onto the GUI thread through a signal).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk import events
from kiosk.ui import strings as S
from kiosk.ui import theme
from kiosk.ui.common_widgets import label
from kiosk.ui.look import metrics
from kiosk.ui.qt import QHBoxLayout, QLabel, QObject, QTimer, QWidget, Signal, icon

if TYPE_CHECKING:
    from kiosk.sync.state import SyncStatus

REFRESH_MS = 10_000


def indicator_state(status: SyncStatus | None, *, staff: bool) -> tuple[str, str] | None:
    """(words, icon name) for the indicator; None hides it (nothing known yet).

    Residents never see 未登记: a kiosk not yet enrolled keeps its cases safely and shows
    待上传 N 件 like any kiosk whose server has not been reached yet. Staff see 未登记."""
    if status is None:
        return None
    if not status.enrolled and staff:
        return S.SYNC_NOT_ENROLLED, "fa5s.question-circle"
    if status.enrolled and status.online is False:
        return S.SYNC_OFFLINE_PENDING.format(n=status.pending), "fa5s.unlink"
    if status.pending == 0 and status.last_success_at is not None and not status.last_error:
        return S.SYNC_SYNCED, "fa5s.check-circle"
    return S.PENDING.format(n=status.pending), "fa5s.cloud-upload-alt"


class SyncIndicator(QWidget):
    """An icon and words (never colour alone), small text, not a touch target."""

    def __init__(self, *, staff: bool = False) -> None:
        super().__init__()
        self.setObjectName("sync-indicator")
        self.staff = staff
        m = metrics()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(m.px(8))
        self.picture = QLabel()
        self.picture.setObjectName("sync-icon")
        self.words = label("", "small", name="sync-text")
        self.words.setWordWrap(False)
        row.addWidget(self.picture)
        row.addWidget(self.words)
        self._icon = ""
        self.hide()

    def show_status(self, status: SyncStatus | None) -> None:
        state = indicator_state(status, staff=self.staff)
        if state is None:
            self.hide()
            return
        text, icon_name = state
        self.words.setText(text)
        self.setAccessibleName(text)
        if icon_name != self._icon:
            size = metrics().small
            self.picture.setPixmap(icon(icon_name, theme.INK).pixmap(size, size))
            self._icon = icon_name
        self.show()

    def text(self) -> str:
        return self.words.text() if self.isVisible() else ""


class _Relay(QObject):
    progressed = Signal(object)  # a SyncStatus from the sync worker's thread


class SyncWatch(QObject):
    """The window's current SyncStatus, pushed to the current page's indicator."""

    def __init__(
        self,
        parent: QObject,
        *,
        read: Callable[[], SyncStatus | None],
        run: Callable[[Callable[[], Any], Callable[[Any], None]], None],
        interval_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(parent)
        self.status: SyncStatus | None = None
        self._read, self._run = read, run
        self._relay = _Relay(self)
        self._relay.progressed.connect(self.update_status)
        self._unsubscribe: Callable[[], None] | None = events.sync_did_progress.subscribe(
            self._relay.progressed.emit
        )
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(interval_ms)

    def refresh(self) -> None:
        """Read the status off the GUI thread; it arrives through ``update_status``."""
        self._run(self._read, self.update_status)

    def update_status(self, status: object) -> None:
        if status is not None and not hasattr(status, "pending"):
            return
        self.status = status  # type: ignore[assignment]
        self.push()

    def push(self) -> None:
        """Show the status on the window's current screen (``parent().stack``)."""
        stack = getattr(self.parent(), "stack", None)
        indicator = getattr(stack.currentWidget() if stack else None, "sync_indicator", None)
        if isinstance(indicator, SyncIndicator):
            indicator.show_status(self.status)

    def stop(self) -> None:
        self._timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
