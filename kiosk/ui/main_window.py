"""The window and the navigation between screens.

Each screen is built fresh when shown and the previous one is deleted, so nothing of the
last person lingers in hidden widgets. Service calls run through the OpRunner (off the
GUI thread); the form engine decides pages and errors, kiosk/ui/flow.py the add-another
order around repeats. Question-flow handlers live in kiosk/ui/form_flow.py.

Start-up (issue 19): the window can be made from the settings alone, before the kiosk is
open (``MainWindow(settings=...)``): it shows the home screen from a small
set of imports, and ``attach(ctx)`` hands it the opened kiosk (store, catalogue) when
kiosk/ui/app.py's background thread is done. 办事, 一件事 and 我的办件 open the identify
page at once (it needs nothing stored); its look-up (``store_op``) shows 请稍候 and waits
for the store on the operation thread (kiosk/ui/opening_gate.py), then runs once. The
volunteer and staff tiles wait on the home screen (``when_ready``). The screens behind
the home screen (identify, forms, staff) and the services are imported on first use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk import events
from kiosk.ui import strings as S
from kiosk.ui.foreground import ForegroundFirst
from kiosk.ui.home_page import HomePage
from kiosk.ui.idle_overlay import IdleWatcher
from kiosk.ui.opening_gate import OpeningGate
from kiosk.ui.ops import GuiThreadGarbageCollector, OpRunner
from kiosk.ui.qt import (
    QApplication,
    QDialog,
    QMainWindow,
    QObject,
    QStackedWidget,
    Qt,
    Signal,
)
from kiosk.ui.session import Session
from kiosk.ui.speech import Speaker
from kiosk.ui.sync_widget import SyncWatch
from kiosk.ui.tap_guard import TapGuard
from kiosk.ui.window_opening import OPEN_FAILED, OPENING, _OpeningMixin
from kiosk.ui.window_plumbing import HOLD_MAX_S, SLOW_MS, _PlumbingMixin
from kiosk.ui.window_screens import _ScreensMixin

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.services.context import KioskContext
    from kiosk.ui.form_flow import FormFlow
    from kiosk.ui.staff_flow import StaffScreens

__all__ = [
    "FIRST_MODULES",
    "HOLD_MAX_S",
    "LATER_MODULES",
    "OPENING",
    "OPEN_FAILED",
    "SCREEN_MODULES",
    "SLOW_MS",
    "MainWindow",
]

log = logging.getLogger(__name__)

# The identify page, the first screen behind 办事 (it needs nothing stored): imported by
# kiosk/ui/app.py's background thread right after the first paint, before the store.
FIRST_MODULES = ("kiosk.ui.identify_page",)
# What the screens after identification need: imported by the same thread once the store
# is open, so that the taps after the look-up do not wait on them.
SCREEN_MODULES = (
    "kiosk.ui.backend",
    "kiosk.ui.form_flow",
    "kiosk.ui.identify_page",
    "kiosk.ui.my_cases_page",
    "kiosk.ui.services_page",
    "kiosk.services.presence",
    "kiosk.services.market_days",
)
# Imported by the same thread once the first form can open (no form needs them).
LATER_MODULES = ("kiosk.ui.staff_flow",)


class _EventRelay(QObject):
    """Core events arrive on any thread; this signal moves them onto the GUI thread."""

    case_changed = Signal(str)
    card_read = Signal(object)  # an IdCardData from the serial reader's thread


class MainWindow(_OpeningMixin, _ScreensMixin, _PlumbingMixin, QMainWindow):
    """The window; its opening, screens before a form and plumbing are the mixins'
    (kiosk/ui/window_opening.py, window_screens.py, window_plumbing.py)."""

    def __init__(
        self,
        ctx: KioskContext | None = None,
        *,
        settings: Settings | None = None,
        speaker: Speaker | None = None,
        watch_input: bool = True,
    ) -> None:
        """With ``ctx`` the window is ready at once; with only ``settings`` it shows the
        home screen and waits for ``attach(ctx)`` (or ``open_failed(exc)``).
        ``watch_input=False``: the caller calls ``watch_input()`` (after the first paint)."""
        super().__init__()
        if ctx is not None:
            settings = ctx.settings
        if settings is None:
            raise ValueError("MainWindow needs the opened kiosk or its settings")
        self._ctx: KioskContext | None = None
        self.opening = OpeningGate()  # what operations needing the store wait on
        self.foreground = ForegroundFirst()  # the opening thread pauses for taps
        self._asked = 0  # store_op calls and screens shown so far (GUI thread)
        self._staff: StaffScreens | None = None  # made on first use
        # The sync indicator reads the sync service (and its HTTP client) only once the
        # sync worker runs (``sync_started``); a window given the kiosk shows it at once.
        self._sync_shown = ctx is not None
        self._settings = settings
        self._waiting: Callable[[], None] | None = None  # a tap made before ready
        self._open_error: BaseException | None = None
        self.session = Session()
        self._gc = GuiThreadGarbageCollector(self)
        self.runner = OpRunner(on_error=self._op_failed, parent=self)
        self.speaker = speaker or Speaker(enabled=settings.voice_enabled, parent=self)
        self.speaker.speaking_changed.connect(self._speaking)  # 正在朗读 / 停止 on the page
        self.setWindowTitle(S.APP_TITLE.format(title=settings.device_name))
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        # Installed before the idle watcher, so the watcher (called first) still sees a
        # guarded tap as someone being there.
        # Taps are held while an operation started from the screen runs: its result
        # (the done page after 确认提交) always shows (b15 #12).
        self._ops_running: dict[int, float] = {}  # op number -> time.monotonic() started
        self._ops_started = 0
        self.tap_guard = TapGuard(self, held=self.op_running)
        self.idle = IdleWatcher(
            self,
            timeout_s=settings.idle_timeout_s,
            warning_s=settings.idle_warning_s,
            should_watch=self._has_person,
            on_wipe=self.wipe,
            on_warn=self.speaker.say,
            # A resident alone is not promised a volunteer (issue 15, brk15 14).
            body=lambda: S.IDLE_BODY if self.session.volunteer else S.IDLE_BODY_ALONE,
            on_input=self.foreground.touched,
        )
        self.sync = SyncWatch(self, read=self._sync_state, run=self.runner.run)
        self._relay = _EventRelay(self)
        self._relay.case_changed.connect(lambda _case_id: self.sync.refresh())  # outbox grew
        self._unsubscribe = [
            events.case_did_finalize.subscribe(self._relay.case_changed.emit),
            events.case_did_print.subscribe(self._relay.case_changed.emit),
        ]
        self._relay.card_read.connect(self.card_read)
        self.card_reader: Any = None  # a kiosk.devices.readers.ReaderWatcher when configured
        if ctx is not None:
            self._attach(ctx)
        self.show_home()
        self._watching = False
        if watch_input:
            self.watch_input()

    def watch_input(self) -> None:
        """Install the tap guard and the idle watcher on the whole application (once).

        kiosk.ui.app calls this after home's first paint: a filter of the whole
        application is a Python call for every event of every widget, and the first call
        with a widget of a class makes that class's Python enums (~16 ms CPU before the
        first paint, issue 19). No tap can come before the first paint."""
        app = QApplication.instance()
        if app is None or self._watching:
            return
        self._watching = True
        app.installEventFilter(self.tap_guard)
        app.installEventFilter(self.idle)

    # ----- opening (issue 19): the rest is kiosk/ui/window_opening.py -------------------

    def _attach(self, ctx: KioskContext) -> None:
        from kiosk.ui.form_flow import FormFlow

        self._ctx = ctx
        self.form: FormFlow = FormFlow(self)
        self.opening.opened(ctx)
        if ctx.settings.card_reader:
            self.start_card_reader(ctx.settings.card_reader)

    @property
    def staff(self) -> StaffScreens:
        """The volunteer and staff screens, made on first use (LATER_MODULES)."""
        if self._staff is None:
            from kiosk.ui.staff_flow import StaffScreens

            self._staff = StaffScreens(self)
        return self._staff

    def _has_person(self) -> bool:
        return not isinstance(self.stack.currentWidget(), HomePage) or bool(
            self.session.volunteer or self.session.resident
        )

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.idle.fit()

    def closeEvent(self, event: Any) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.tap_guard)
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        if self.card_reader is not None:
            self.card_reader.stop()
            self.card_reader = None
        self.sync.stop()
        self.runner.forget()
        self.opening.close()  # an operation waiting for the store stops waiting
        self.runner.wait()
        self._gc.stop()
        super().closeEvent(event)

    # ----- home and privacy ---------------------------------------------------------------

    def show_home(self) -> None:
        v = self.session.volunteer
        today = self.today()
        banner = None
        if self._ctx is not None:  # until then the market_days setting alone decides
            from kiosk.services.market_days import market_day_banner

            # a small JSON file (the pulled 赶集 calendar), no database session
            banner = market_day_banner(self._ctx, today)
        home = HomePage(
            town=self.settings.town_name,
            today=today,
            market_days=self.settings.market_days,
            market_banner=banner,
            volunteer_name=v.name if v else None,
            actions={
                "services": self.unless_failed(lambda: self.identify("services")),
                "life_events": self.unless_failed(lambda: self.identify("life_events")),
                "my_cases": self.unless_failed(lambda: self.identify("my_cases")),
                "volunteer": self.when_ready(lambda: self.staff.show_volunteer()),
                "staff": self.when_ready(lambda: self.staff.show_staff_pin()),
            },
            on_read=self.reader,
        )
        self.show_page(home)
        self.sync.refresh()

    def go_home(self) -> None:
        """回首页: forget the resident (the draft stays saved); the volunteer stays."""
        self.session.wipe_person()
        self.show_home()

    # ----- card reader (serial; keyboard-wedge readers arrive as keys on the identify page)

    def start_card_reader(self, spec: str) -> None:
        """Watch a serial card reader (setting ``card_reader``); a bad spec is logged."""
        from kiosk.devices.readers import ReaderError, ReaderWatcher, open_reader

        try:
            reader = open_reader(spec)
        except ReaderError as exc:
            log.warning("card reader not started: %s", exc)
            return
        self.card_reader = ReaderWatcher(reader, self._relay.card_read.emit)
        self.card_reader.start()

    def card_read(self, card: Any) -> None:
        """A card was placed on the serial reader: identify with it (GUI thread)."""
        from kiosk.ui.identify_page import IdentifyPage

        page = self.stack.currentWidget()
        if isinstance(page, HomePage):
            self.identify("services")
            page = self.stack.currentWidget()
        if isinstance(page, IdentifyPage):
            page.card_arrived(card)

    def wipe(self) -> None:
        """The idle limit passed: nothing of the last person (or volunteer) stays."""
        self.runner.forget()
        self._ops_running.clear()  # their callbacks will not come
        for dialog in self.findChildren(QDialog):
            dialog.reject()
        self.session.wipe_person()
        self.session.volunteer = None
        self.show_home()

    def set_kiosk_mode(self, on: bool) -> None:
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, on)
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    # ----- my cases (the rest of identify and choose: kiosk/ui/window_screens.py) ---------

    def _show_my_cases(self, found: list[Any]) -> None:
        from kiosk.ui.case_open_page import open_case
        from kiosk.ui.my_cases_page import MyCasesPage

        self.show_page(
            MyCasesPage(
                cases=found,
                on_home=self.go_home,
                on_read=self.reader,
                badge=self.badge,
                on_open=lambda case: open_case(self, case, lambda: self._show_my_cases(found)),
            )
        )
