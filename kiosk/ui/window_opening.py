"""The window's opening (issue 19): the kiosk opens on a background thread while the
home screen shows; taps that need the store wait for it (``when_ready``, ``store_op``),
a kiosk that could not open says so (``open_failed``). Part of MainWindow
(kiosk/ui/main_window.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kiosk.ui.home_page import HomePage
from kiosk.ui.opening_gate import KioskNotOpen, OpeningGate
from kiosk.ui.page_frame import BasePage

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.services.context import KioskContext
    from kiosk.ui.qt import QStackedWidget
    from kiosk.ui.sync_widget import SyncWatch

log = logging.getLogger("kiosk.ui.main_window")  # the window's log, as before the split
OPENING = "请稍候，正在准备……"  # a tap before the kiosk is open (issue 19)
OPEN_FAILED = "本机暂时无法办理，请找工作人员。"
_SUPERSEDED = object()  # a store_op that waited for the store and was no longer wanted


class _OpeningMixin:
    """MainWindow's opening: the kiosk it waits for and the taps that wait with it."""

    if TYPE_CHECKING:  # MainWindow's, for the type checker
        _ctx: KioskContext | None
        _settings: Settings
        _asked: int
        _waiting: Callable[[], None] | None
        _open_error: BaseException | None
        _sync_shown: bool
        opening: OpeningGate
        stack: QStackedWidget
        sync: SyncWatch

        @property
        def page(self) -> BasePage: ...
        def _attach(self, ctx: KioskContext) -> None: ...
        def show_home(self) -> None: ...
        def say_errors(self, messages: list[str], *, fault: bool = False) -> None: ...
        def _op_failed(self, exc: BaseException) -> None: ...
        def op(
            self,
            fn: Callable[[], Any],
            done: Callable[[Any], None],
            error: Callable[[BaseException], None] | None = None,
            *,
            slow_text: str | None = None,
            always: bool = False,
            hold: bool = True,
        ) -> None: ...

    @property
    def ctx(self) -> KioskContext:
        """The opened kiosk; only screens reached after ``ready`` use it."""
        if self._ctx is None:
            raise RuntimeError("the kiosk is not open yet")
        return self._ctx

    @property
    def ready(self) -> bool:
        return self._ctx is not None

    @property
    def settings(self) -> Settings:
        return self._ctx.settings if self._ctx is not None else self._settings

    def today(self) -> date:
        return self._ctx.today() if self._ctx is not None else datetime.now().astimezone().date()

    def attach(self, ctx: KioskContext) -> None:
        """The kiosk is open (GUI thread): run a waiting tap, or redraw the home screen
        with what needed the store (the town's market-day calendar)."""
        self._attach(ctx)
        waiting, self._waiting = self._waiting, None
        if not isinstance(self.stack.currentWidget(), HomePage):
            return
        self.page.show_status("")
        if waiting is not None:
            waiting()
        else:
            self.show_home()

    def open_failed(self, exc: BaseException) -> None:
        """The kiosk could not open (bad settings, a key that does not fit): say so on the
        home screen in Chinese, in English in the log; every tap says it again."""
        log.error("the kiosk could not open: %s", exc)
        self._open_error = exc
        self.opening.failed(exc)
        self._waiting = None
        if isinstance(self.stack.currentWidget(), BasePage):
            self.page.show_status("")
            self.page.show_errors([OPEN_FAILED], fault=True)

    def when_ready(self, action: Callable[[], None]) -> Callable[[], None]:
        """``action`` as a tap handler: at once when the kiosk is open, else 请稍候 on the
        screen and ``action`` once it is (the last tap wins); never a frozen screen."""

        def tap() -> None:
            if self._ctx is not None:
                action()
            elif self._open_error is not None:
                self.say_errors([OPEN_FAILED], fault=True)
            else:
                self._waiting = action
                self.page.show_status(OPENING)

        return tap

    def unless_failed(self, action: Callable[[], None]) -> Callable[[], None]:
        """``action`` as a tap handler for a screen that needs nothing stored: at once, even
        while the kiosk opens; only a kiosk that could not open says so instead."""

        def tap() -> None:
            if self._open_error is not None:
                self.say_errors([OPEN_FAILED], fault=True)
            else:
                action()

        return tap

    def store_op(
        self,
        fn: Callable[[KioskContext], Any],
        done: Callable[[Any], None],
        error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``op`` for a service call that needs the opened kiosk: ``fn(ctx)`` on the
        operation thread. Before the kiosk is open the page says 请稍候 at once and the
        call waits there for it (the screen stays live: typing goes on); once open it
        runs only if nothing was asked or shown since (a retyped number asks again, 回首页
        or a wipe leave: the look-up of a person gone is not made). A kiosk that could not
        open says 本机暂时无法办理 instead of running it."""
        gate = self.opening
        if self._open_error is not None:
            self.say_errors([OPEN_FAILED], fault=True)
            return
        waiting = not gate.settled
        if waiting:
            self.page.show_status(OPENING)
        self._asked += 1
        asked = self._asked

        def call() -> Any:
            ctx = gate.wait()
            if waiting and self._asked != asked:  # an int read: another ask or screen since
                return _SUPERSEDED
            return fn(ctx)

        def finished(result: Any) -> None:
            if result is not _SUPERSEDED:
                done(result)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, KioskNotOpen):
                self.say_errors([OPEN_FAILED], fault=True)
            else:
                (error or self._op_failed)(exc)

        self.op(call, finished, failed, slow_text=OPENING if waiting else None, hold=not waiting)

    def sync_started(self) -> None:
        """The sync worker was started (or could not be), after the first form could open:
        the indicator shows the outbox from now on (issue 19: its imports wait till then)."""
        self._sync_shown = True
        self.sync.refresh()

    def _sync_state(self) -> Any:
        if self._ctx is None or not self._sync_shown:
            return None
        from kiosk.ui import backend

        return backend.sync_state(self._ctx)
