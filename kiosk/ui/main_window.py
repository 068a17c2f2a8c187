"""The window and the navigation between screens.

Each screen is built fresh when shown and the previous one is deleted, so nothing of the
last person lingers in hidden widgets. Service calls run through the OpRunner (off the
GUI thread); the form engine decides pages and errors, kiosk/ui/flow.py the add-another
order around repeats. Question-flow handlers live in kiosk/ui/form_flow.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk import events
from kiosk.services import presence
from kiosk.services.context import KioskContext
from kiosk.services.market_days import market_day_banner
from kiosk.ui import backend
from kiosk.ui import strings as S
from kiosk.ui.form_flow import FormFlow
from kiosk.ui.home_page import HomePage
from kiosk.ui.identify_page import IdentifyPage
from kiosk.ui.idle_overlay import IdleWatcher
from kiosk.ui.my_cases_page import MyCasesPage
from kiosk.ui.offers import Offer
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
from kiosk.ui.services_page import ChoicePage, MaterialsPage
from kiosk.ui.session import Resident, Session
from kiosk.ui.speech import Speaker
from kiosk.ui.staff_flow import StaffScreens
from kiosk.ui.sync_widget import SyncWatch

log = logging.getLogger(__name__)
SLOW_MS = 400  # an operation slower than this shows 请稍等


class _EventRelay(QObject):
    """Core events arrive on any thread; this signal moves them onto the GUI thread."""

    case_changed = Signal(str)
    card_read = Signal(object)  # an IdCardData from the serial reader's thread


class MainWindow(QMainWindow):
    def __init__(self, ctx: KioskContext, *, speaker: Speaker | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = Session()
        self._gc = GuiThreadGarbageCollector(self)
        self.runner = OpRunner(on_error=self._op_failed, parent=self)
        self.speaker = speaker or Speaker(enabled=ctx.settings.voice_enabled, parent=self)
        self.speaker.speaking_changed.connect(self._speaking)  # 正在朗读 / 停止 on the page
        self.setWindowTitle(S.APP_TITLE.format(title=ctx.settings.device_name))
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.form = FormFlow(self)
        self.staff = StaffScreens(self)
        self.idle = IdleWatcher(
            self,
            timeout_s=ctx.settings.idle_timeout_s,
            warning_s=ctx.settings.idle_warning_s,
            should_watch=self._has_person,
            on_wipe=self.wipe,
            on_warn=self.speaker.say,
        )
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.sync = SyncWatch(self, read=lambda: backend.sync_state(ctx), run=self.runner.run)
        self._relay = _EventRelay(self)
        self._relay.case_changed.connect(lambda _case_id: self.sync.refresh())  # outbox grew
        self._unsubscribe = [
            events.case_did_finalize.subscribe(self._relay.case_changed.emit),
            events.case_did_print.subscribe(self._relay.case_changed.emit),
        ]
        self._relay.card_read.connect(self.card_read)
        self.card_reader: Any = None  # a kiosk.devices.readers.ReaderWatcher when configured
        if ctx.settings.card_reader:
            self.start_card_reader(ctx.settings.card_reader)
        self.show_home()

    # ----- plumbing -----------------------------------------------------------------------

    @property
    def page(self) -> BasePage:
        widget = self.stack.currentWidget()
        assert isinstance(widget, BasePage)
        return widget

    def show_page(self, page: BasePage) -> None:
        old = self.stack.currentWidget()
        self.speaker.stop()  # the last screen's words stop with it
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        if old is not None:
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
    ) -> None:
        """Run a service call off the GUI thread; ``done`` runs only if the same screen
        is still showing (a wipe or a click elsewhere must not bring old data back)."""
        page = self.stack.currentWidget()
        page_status = getattr(page, "show_status", None)
        pending = [True]

        def slow() -> None:  # 请稍等 only when it takes long enough to notice
            if pending[0] and page_status is not None and self.stack.currentWidget() is page:
                page_status(S.WORKING)

        QTimer.singleShot(SLOW_MS, self, slow)

        def settle() -> bool:
            pending[0] = False
            if self.stack.currentWidget() is not page:
                return False
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

    def _op_failed(self, exc: BaseException) -> None:
        log.error("operation failed", exc_info=exc)
        current = self.stack.currentWidget()
        if isinstance(current, BasePage):
            current.show_errors([f"出了点问题，请找工作人员。（{type(exc).__name__}）"])

    @property
    def reader(self) -> Callable[[str], None] | None:
        return self.speaker.say if self.ctx.settings.voice_enabled else None

    @property
    def badge(self) -> str | None:
        v = self.session.volunteer
        return S.VOLUNTEER_BADGE.format(name=v.name) if v else None

    def say_errors(self, messages: list[str]) -> None:
        self.page.show_errors(messages)
        if messages and self.reader is not None:
            self.speaker.say("。".join(messages))

    def _has_person(self) -> bool:
        return not isinstance(self.stack.currentWidget(), HomePage) or bool(
            self.session.volunteer or self.session.resident
        )

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.idle.overlay.setGeometry(self.rect())

    def closeEvent(self, event: Any) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        if self.card_reader is not None:
            self.card_reader.stop()
            self.card_reader = None
        self.sync.stop()
        self.runner.forget()
        self.runner.wait()
        self._gc.stop()
        super().closeEvent(event)

    # ----- home and privacy ---------------------------------------------------------------

    def show_home(self) -> None:
        v = self.session.volunteer
        today = self.ctx.today()
        home = HomePage(
            town=self.ctx.settings.town_name,
            today=today,
            market_days=self.ctx.settings.market_days,
            # a small JSON file (the pulled 赶集 calendar), no database session
            market_banner=market_day_banner(self.ctx, today),
            volunteer_name=v.name if v else None,
            actions={
                "services": lambda: self.identify("services"),
                "life_events": lambda: self.identify("life_events"),
                "my_cases": lambda: self.identify("my_cases"),
                "volunteer": self.staff.show_volunteer,
                "staff": self.staff.show_staff_pin,
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
        page = self.stack.currentWidget()
        if isinstance(page, HomePage):
            self.identify("services")
            page = self.stack.currentWidget()
        if isinstance(page, IdentifyPage):
            page.card_arrived(card)

    def wipe(self) -> None:
        """The idle limit passed: nothing of the last person (or volunteer) stays."""
        self.runner.forget()
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
        ctx, session = self.ctx, self.session
        volunteer = session.volunteer

        def refused(message: str) -> Callable[[Any], None]:
            return lambda found: page.show_found(found) if found else page.show_refused(message)

        page = IdentifyPage(
            heading=S.IDENTIFY_LOOKUP_HEADING if purpose == "my_cases" else S.IDENTIFY_HEADING,
            today=ctx.today(),
            on_lookup=lambda idn: self.op(
                lambda: presence.look_up(ctx, idn.number), page.show_person
            ),
            on_card=lambda card: self.op(
                lambda: presence.read_card(ctx, card, actor=session.actor), page.show_person
            ),
            on_receipt=lambda code: self.op(
                lambda: presence.prove_by_receipt(ctx, code), refused(S.RECEIPT_REFUSED)
            ),
            on_volunteer_confirm=(
                (
                    lambda person: self.op(
                        lambda: presence.confirm_by_volunteer(ctx, person.id.number, volunteer),
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
        self.session.resident = resident
        if purpose == "my_cases":
            actor = self.session.actor
            self.op(
                lambda: presence.person_cases(self.ctx, resident, actor=actor),
                self._show_my_cases,
            )
        elif purpose == "life_events":
            self.show_life_events()
        else:
            self.show_services()

    def _show_my_cases(self, found: list[Any]) -> None:
        from kiosk.ui.case_open_page import open_case

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
        self.op(
            lambda: backend.service_offers(self.ctx),
            lambda offers: self._choices(
                offers, S.SERVICES_HEADING, S.SERVICES_HINT, "services", self.show_services
            ),
        )

    def show_life_events(self) -> None:
        self.op(
            lambda: backend.bundle_offers(self.ctx),
            lambda offers: self._choices(
                offers,
                S.LIFE_EVENTS_HEADING,
                S.LIFE_EVENTS_HINT,
                "life-events",
                self.show_life_events,
            ),
        )

    def _choices(
        self, offers: list[Offer], heading: str, hint: str, name: str, again: Callable[[], None]
    ) -> None:
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
        self.show_page(
            MaterialsPage(
                offer=offer,
                on_start=lambda: self.form.start(offer),
                on_back=back,
                on_read=self.reader,
                badge=self.badge,
            )
        )
