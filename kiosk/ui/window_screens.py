"""The window's screens before a form: identify, choose (办事 / 一件事), materials.
Part of MainWindow (kiosk/ui/main_window.py); the question screens are kiosk/ui/form_flow.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from kiosk.ui import strings as S

if TYPE_CHECKING:
    from kiosk.services.context import KioskContext
    from kiosk.ui.form_flow import FormFlow
    from kiosk.ui.offers import Offer
    from kiosk.ui.page_frame import BasePage
    from kiosk.ui.session import Resident, Session


class _ScreensMixin:
    """MainWindow's way from 办事 / 一件事 / 我的办件 to a form's first page."""

    if TYPE_CHECKING:  # MainWindow's, for the type checker
        session: Session
        form: FormFlow

        @property
        def reader(self) -> Callable[[str], None] | None: ...
        @property
        def badge(self) -> str | None: ...
        def today(self) -> date: ...
        def go_home(self) -> None: ...
        def show_page(self, page: BasePage) -> None: ...
        def _show_my_cases(self, found: list[Any]) -> None: ...
        def store_op(
            self,
            fn: Callable[[KioskContext], Any],
            done: Callable[[Any], None],
            error: Callable[[BaseException], None] | None = None,
        ) -> None: ...

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
