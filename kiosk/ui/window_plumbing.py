"""The window's plumbing: the screen showing (``page``, ``show_page``), service calls off
the GUI thread (``op``) and what the screens say (``say_errors``). Part of MainWindow
(kiosk/ui/main_window.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.ui import strings as S
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QMainWindow, QTimer
from kiosk.ui.speech import spoken_join

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.ui.ops import OpRunner
    from kiosk.ui.qt import QStackedWidget
    from kiosk.ui.session import Session
    from kiosk.ui.speech import Speaker
    from kiosk.ui.sync_widget import SyncWatch
    from kiosk.ui.tap_guard import TapGuard

log = logging.getLogger("kiosk.ui.main_window")  # the window's log, as before the split
SLOW_MS = 400  # an operation slower than this shows 请稍等
# Taps wait for a screen's operation at most this long (a hung network call must not
# freeze the screen for good: after it, 回首页 works again).
HOLD_MAX_S = 15.0

if TYPE_CHECKING:
    _Window = QMainWindow  # what the mixin is part of, for the type checker
else:
    _Window = object


class _PlumbingMixin(_Window):
    """MainWindow's screen changes, operations and spoken errors."""

    if TYPE_CHECKING:  # MainWindow's, for the type checker
        _asked: int
        _ops_running: dict[int, float]
        _ops_started: int
        stack: QStackedWidget
        speaker: Speaker
        tap_guard: TapGuard
        sync: SyncWatch
        runner: OpRunner
        session: Session

        @property
        def settings(self) -> Settings: ...

    @property
    def page(self) -> BasePage:
        widget = self.stack.currentWidget()
        if not isinstance(widget, BasePage):
            raise RuntimeError(f"the shown widget is a {type(widget).__name__}, not a page (a bug)")
        return widget

    def show_page(self, page: BasePage) -> None:
        old = self.stack.currentWidget()
        self._asked += 1  # an operation still waiting for the store is not run (store_op)
        self.speaker.stop()  # the last screen's words stop with it
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        if old is not None:  # the first screen follows no tap: nothing to guard against
            self.tap_guard.arm()  # the second tap of a double tap does not act on this page
            self.stack.removeWidget(old)
            old.deleteLater()
        self.sync.push()

    def _speaking(self, on: bool) -> None:
        page = self.stack.currentWidget()
        if isinstance(page, BasePage):
            page.set_speaking(on, self.speaker.stop)

    def op(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        error: Callable[[BaseException], None] | None = None,
        *,
        slow_text: str | None = None,
        always: bool = False,
        hold: bool = True,
    ) -> None:
        """Run a service call off the GUI thread; ``done`` runs only if the same screen
        is still showing (a wipe or a click elsewhere must not bring old data back), or
        with ``always`` on whatever screen shows unless the idle wipe came (finalizing:
        the done page must follow). Taps on the window wait meanwhile (``op_running``).
        ``slow_text``: what the page says once it takes long (default 请稍等). ``hold``
        False: taps are not held meanwhile (a look-up waiting for the store to open: the
        person may go on typing or leave, and a look-up no longer wanted is not made)."""
        page = self.stack.currentWidget()
        page_status = getattr(page, "show_status", None)
        pending = [True]
        self._ops_started += 1
        number = self._ops_started
        if hold:
            self._ops_running[number] = time.monotonic()

        def slow() -> None:  # 请稍等 only when it takes long enough to notice
            if pending[0] and page_status is not None and self.stack.currentWidget() is page:
                page_status(slow_text or S.WORKING)

        QTimer.singleShot(SLOW_MS, self, slow)

        def settle() -> bool:
            pending[0] = False
            self._ops_running.pop(number, None)
            if self.stack.currentWidget() is not page:
                return always
            if page_status is not None:
                page_status("")
            return True

        def finish(result: Any) -> None:
            if settle():
                done(result)

        def failed(exc: BaseException) -> None:
            if settle():
                (error or self._op_failed)(exc)

        self.runner.run(fn, finish, failed)

    def op_running(self) -> bool:
        """An operation started with ``op`` has not come back yet (for at most
        HOLD_MAX_S): the tap guard holds taps on the window meanwhile."""
        now = time.monotonic()
        return any(now - started < HOLD_MAX_S for started in self._ops_running.values())

    def _op_failed(self, exc: BaseException) -> None:
        log.error("operation failed", exc_info=exc)
        if isinstance(self.stack.currentWidget(), BasePage):
            self.say_errors([f"出了点问题，请找工作人员。（{type(exc).__name__}）"], fault=True)

    @property
    def reader(self) -> Callable[[str], None] | None:
        return self.speaker.say if self.settings.voice_enabled else None

    @property
    def badge(self) -> str | None:
        v = self.session.volunteer
        return S.VOLUNTEER_BADGE.format(name=v.name) if v else None

    def say_errors(self, messages: list[str], *, fault: bool = False) -> None:
        """Show and read ``messages`` (``fault``: the machine's, see BasePage.show_errors)."""
        self.page.show_errors(messages, fault=fault)
        if messages and self.reader is not None:
            self.speaker.say(spoken_join(messages))
