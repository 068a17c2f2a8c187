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
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kiosk import events
from kiosk.ui import strings as S
from kiosk.ui.foreground import ForegroundFirst
from kiosk.ui.home_page import HomePage
from kiosk.ui.idle_overlay import IdleWatcher
from kiosk.ui.opening_gate import KioskNotOpen, OpeningGate
from kiosk.ui.ops import GuiThreadGarbageCollector, OpRunner
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import (
    QApplication,
    QDialog,
    QMainWindow,
    QObject,
    QStackedWidget,
    Qt,
    QTimer,
    Signal,
)
from kiosk.ui.session import Session
from kiosk.ui.speech import Speaker, spoken_join
from kiosk.ui.sync_widget import SyncWatch
from kiosk.ui.tap_guard import TapGuard

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.services.context import KioskContext
    from kiosk.ui.form_flow import FormFlow
    from kiosk.ui.offers import Offer
    from kiosk.ui.session import Resident
    from kiosk.ui.staff_flow import StaffScreens

log = logging.getLogger(__name__)
SLOW_MS = 400  # an operation slower than this shows 请稍等
# Taps wait for a screen's operation at most this long (a hung network call must not
# freeze the screen for good: after it, 回首页 works again).
HOLD_MAX_S = 15.0
OPENING = "请稍候，正在准备……"  # a tap before the kiosk is open (issue 19)
OPEN_FAILED = "本机暂时无法办理，请找工作人员。"
_SUPERSEDED = object()  # a store_op that waited for the store and was no longer wanted

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


class MainWindow(QMainWindow):
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

    # ----- opening (issue 19) ---------------------------------------------------------------

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

    def _attach(self, ctx: KioskContext) -> None:
        from kiosk.ui.form_flow import FormFlow

        self._ctx = ctx
        self.form: FormFlow = FormFlow(self)
        self.opening.opened(ctx)
        if ctx.settings.card_reader:
            self.start_card_reader(ctx.settings.card_reader)

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

    @property
    def staff(self) -> StaffScreens:
        """The volunteer and staff screens, made on first use (LATER_MODULES)."""
        if self._staff is None:
            from kiosk.ui.staff_flow import StaffScreens

            self._staff = StaffScreens(self)
        return self._staff

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

    # ----- plumbing -----------------------------------------------------------------------

    @property
    def page(self) -> BasePage:
        widget = self.stack.currentWidget()
        assert isinstance(widget, BasePage)
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

    # ----- identify, choose, materials ----------------------------------------------------

    def identify(self, purpose: str) -> None:
        """The identify page: shown at once, also while the store opens (issue 19); its
        look-ups wait for it (``store_op``)."""
        from kiosk.ui.identify_page import IdentifyPage

        session = self.session
        volunteer = session.volunteer

        def presence() -> Any:  # the service module (and the store's) on the worker thread
            from kiosk.services import presence

            return presence

        def refused(message: str) -> Callable[[Any], None]:
            return lambda found: page.show_found(found) if found else page.show_refused(message)

        page = IdentifyPage(
            heading=S.IDENTIFY_LOOKUP_HEADING if purpose == "my_cases" else S.IDENTIFY_HEADING,
            today=self.today(),
            on_lookup=lambda idn: self.store_op(
                lambda ctx: presence().look_up(ctx, idn.number), page.show_person
            ),
            on_card=lambda card: self.store_op(
                lambda ctx: presence().read_card(ctx, card, actor=session.actor),
                page.show_person,
            ),
            on_receipt=lambda code: self.store_op(
                lambda ctx: presence().prove_by_receipt(ctx, code), refused(S.RECEIPT_REFUSED)
            ),
            on_volunteer_confirm=(
                (
                    lambda person: self.store_op(
                        lambda ctx: presence().confirm_by_volunteer(
                            ctx, person.id.number, volunteer
                        ),
                        page.show_person,
                    )
                )
                if volunteer is not None
                else None
            ),
            on_confirm=lambda resident: self._identified(purpose, resident),
            on_home=self.go_home,
            on_read=self.reader,
            badge=self.badge,
            needs_proof=purpose == "my_cases",
        )
        self.show_page(page)

    def _identified(self, purpose: str, resident: Resident) -> None:
        from kiosk.services import presence

        self.session.resident = resident
        if purpose == "my_cases":
            actor = self.session.actor
            self.store_op(
                lambda ctx: presence.person_cases(ctx, resident, actor=actor),
                self._show_my_cases,
            )
        elif purpose == "life_events":
            self.show_life_events()
        else:
            self.show_services()

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

    def show_services(self) -> None:
        from kiosk.ui import backend

        self.store_op(
            backend.service_offers,
            lambda offers: self._choices(
                offers, S.SERVICES_HEADING, S.SERVICES_HINT, "services", self.show_services
            ),
        )

    def show_life_events(self) -> None:
        from kiosk.ui import backend

        def shown(offers: list[Offer]) -> None:
            if len(offers) == 1:  # one life event: no choice to make, its materials at once
                self.show_materials(offers[0], self.go_home)
                return
            self._choices(
                offers,
                S.LIFE_EVENTS_HEADING,
                S.LIFE_EVENTS_HINT,
                "life-events",
                self.show_life_events,
            )

        self.store_op(backend.bundle_offers, shown)

    def _choices(
        self, offers: list[Offer], heading: str, hint: str, name: str, again: Callable[[], None]
    ) -> None:
        from kiosk.ui.services_page import ChoicePage

        self.show_page(
            ChoicePage(
                heading=heading,
                hint=hint,
                offers=offers,
                empty_text=S.NO_LIFE_EVENTS,
                on_pick=lambda offer: self.show_materials(offer, again),
                on_back=self.go_home,
                on_read=self.reader,
                badge=self.badge,
                name=name,
            )
        )

    def show_materials(self, offer: Offer, back: Callable[[], None]) -> None:
        from kiosk.ui.services_page import MaterialsPage

        self.show_page(
            MaterialsPage(
                offer=offer,
                on_start=lambda: self.form.start(offer),
                on_back=back,
                on_read=self.reader,
                badge=self.badge,
            )
        )
