"""FormFlow's start: the notice and consent, a new or resumed draft, and the duplicate
claims found on starting (kiosk/ui/form_flow.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kiosk.domain.case_states import CaseState
from kiosk.services import cases
from kiosk.services.consent import Notice, give_consent, notice_for
from kiosk.services.views import DraftView
from kiosk.ui import backend, flow
from kiosk.ui.duplicate_page import DuplicatePage
from kiosk.ui.notice_page import NoticePage
from kiosk.ui.offers import Offer

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow


class _StartMixin:
    """Start and resume a draft; warn of duplicate claims."""

    if TYPE_CHECKING:  # FormFlow's, for the type checker
        w: MainWindow

        @property
        def draft(self) -> DraftView: ...
        def go(self, path: str | None) -> None: ...
        def show_check(self) -> None: ...

    def start(self, offer: Offer) -> None:
        """The notice (and consent) first, then the draft (kiosk.services.consent)."""
        ctx, session = self.w.ctx, self.w.session
        session.bundle_id = offer.key if offer.is_bundle else None
        age = session.resident.id.age(ctx.today()) if session.resident else None
        self.w.op(
            lambda: notice_for(ctx, backend.form_ids(ctx, offer), age),
            lambda notice: self._show_notice(offer, notice),
        )

    def _show_notice(self, offer: Offer, notice: Notice) -> None:
        self._consent_steps(notice, lambda at: self._agreed(offer, notice, at))

    def _consent_steps(self, notice: Notice, done: Callable[[str | None], None]) -> None:
        """The notice (我同意), then, when the forms collect sensitive data, the separate
        consent to it (同意提供敏感信息): two acts, two pages (PIPL Art. 29). ``done`` gets
        the time of the sensitive consent (None when there was none to give)."""

        def show(step: str, on_agree: Callable[[], None]) -> None:
            page = NoticePage(
                notice=notice,
                on_agree=on_agree,
                on_disagree=self.w.go_home,
                on_read=self.w.reader,
                badge=self.w.badge,
                step=step,
            )
            self.w.show_page(page)
            if self.w.reader is not None:  # spoken as well as written
                self.w.speaker.say(page.spoken_text())

        def sensitive_agreed() -> None:
            done(datetime.now(UTC).isoformat(timespec="seconds"))

        if notice.sensitive:
            show("notice", lambda: show("sensitive", sensitive_agreed))
        else:
            show("notice", lambda: done(None))

    def _agreed(self, offer: Offer, notice: Notice, sensitive_at: str | None) -> None:
        session = self.w.session
        session.consent = give_consent(
            notice, spoken=self.w.reader is not None, actor=session.actor, sensitive_at=sensitive_at
        )
        self.w.op(lambda: backend.start(self.w.ctx, offer, session), self._started)

    def _started(self, view: DraftView) -> None:
        self.w.session.draft = view
        self.w.session.back_to_check = False
        self.w.session.checked = False
        first = flow.next_path(view.fill, None)
        if not self._warn_duplicates(view, lambda: self.go(first)):
            self.go(first)

    # ----- duplicate claims ---------------------------------------------------------------

    def _warn_duplicates(self, view: DraftView, then: Callable[[], None]) -> bool:
        """Show the duplicate page once per case found; True when it is shown."""
        session = self.w.session
        new = [c for c in view.duplicates if c.number not in session.duplicates_shown]
        if not new:
            return False
        session.duplicates_shown |= {c.number for c in view.duplicates}
        self._show_duplicates(view.duplicates, then)
        return True

    def _show_duplicates(self, others: list[Any], then: Callable[[], None]) -> None:
        session = self.w.session
        on_reason = (lambda reason: self._allow(reason, then)) if session.volunteer else None
        drafts = [c for c in others if c.state == CaseState.DRAFT]
        page = DuplicatePage(
            others=others,
            on_reason=on_reason,
            on_stop=self._stop_duplicate,
            on_continue=self._continue_draft if drafts else None,
            on_read=self.w.reader,
            badge=self.w.badge,
        )
        self.w.show_page(page)
        if self.w.reader is not None:
            self.w.speaker.say(page.spoken_text())

    def _allow(self, reason: str, then: Callable[[], None]) -> None:
        case_id, actor = self.draft.case.id, self.w.session.actor

        def allowed(view: DraftView) -> None:
            self.w.session.draft = view
            then()

        self.w.op(lambda: cases.allow_duplicate(self.w.ctx, case_id, reason, actor=actor), allowed)

    def _stop_duplicate(self) -> None:
        """不办了: the duplicate draft is dropped, the resident goes home."""
        draft, actor = self.w.session.draft, self.w.session.actor
        if draft is None:
            self.w.go_home()
            return
        self.w.op(
            lambda: cases.discard_draft(self.w.ctx, draft.case.id, actor=actor),
            lambda _: self.w.go_home(),
        )

    def _continue_draft(self) -> None:
        """继续填写 on the duplicate page: the new draft is dropped and the unfinished one
        is found through 我的办件 (the resident's own cases, after proof of presence: at
        once when it is proven, else the identify page asks for the card first)."""
        draft, session = self.w.session.draft, self.w.session
        resident = session.resident

        def mine(_: object = None) -> None:
            session.draft = None
            if resident is not None and resident.proven:
                self.w._identified("my_cases", resident)
            else:
                self.w.identify("my_cases")

        if draft is None:
            mine()
            return
        self.w.op(lambda: cases.discard_draft(self.w.ctx, draft.case.id, actor=session.actor), mine)

    def resume(self, case_id: str) -> None:
        """继续办理: open a saved draft where it was left."""
        self.w.op(lambda: cases.load_draft(self.w.ctx, case_id), self._resumed)

    def _resumed(self, view: DraftView) -> None:
        self.w.session.draft = view
        self.w.session.checked = False
        fill = view.fill
        paths = [p.path for p in fill.pages()]
        first = fill.first_unfinished()
        if first is not None:
            self.go(first.path)
        elif view.current_page in paths:
            self.go(view.current_page)
        else:
            self.show_check()
        show_status = getattr(self.w.page, "show_status", None)
        if view.notice and show_status is not None:
            show_status(view.notice)  # the draft moved to the newer rules (issue 16)
