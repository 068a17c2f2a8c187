"""FormFlow's end: the check page, finalize (确认提交), the done page, receipts, the
rating and printing (kiosk/ui/form_flow.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from kiosk.services import cases
from kiosk.services.consent import GuardianConsentNeeded, Notice, notice_for
from kiosk.services.duplicates import DuplicateClaim
from kiosk.services.views import DraftView
from kiosk.ui import backend, flow
from kiosk.ui import strings as S
from kiosk.ui.check_page import CheckPage
from kiosk.ui.done_page import DonePage

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow


class _FinishMixin:
    """Check, finalize, done, 好差评."""

    if TYPE_CHECKING:  # FormFlow's, for the type checker
        w: MainWindow

        @property
        def draft(self) -> DraftView: ...
        def go(self, path: str | None) -> None: ...
        def _consent_steps(self, notice: Notice, done: Callable[[str | None], None]) -> None: ...
        def _show_duplicates(self, others: list[Any], then: Callable[[], None]) -> None: ...

    def show_check(self) -> None:
        session = self.w.session
        session.back_to_check = False
        session.edit_queue = []
        session.checked = False
        session.page = None
        case_id = self.draft.case.id
        if backend.is_bundle(self.draft):
            self.w.op(lambda: backend.plan_lines(self.w.ctx, case_id), self._show_check)
        else:
            self._show_check([])

    def _show_check(self, plan: list[str]) -> None:
        fill = self.draft.fill
        finals = flow.final_paths(fill)
        rows = [r for r in fill.summary() if r.path not in finals]
        self.w.show_page(
            CheckPage(
                title=fill.form.title,
                rows=rows,
                facts=flow.fact_groups(fill, rows),
                on_edit=self._change,
                on_edit_group=self._change_group,
                on_submit=self._checked if finals else self.submit,
                next_text=S.CHECK_CONFIRM if finals else S.SUBMIT,
                on_back=self._back_from_check,
                on_home=self.w.go_home,
                on_read=self.w.reader,
                badge=self.w.badge,
                plan=plan,
            )
        )

    def _checked(self) -> None:
        """确认无误: the answers are confirmed; the declaration and signature follow."""
        fill = self.draft.fill
        errors = [
            flow.problem_line(fill, p)
            for p in fill.check_all()
            if p.is_error and p.path not in flow.final_paths(fill)
        ]
        if errors:
            self.w.say_errors(errors)
            return
        self.w.session.checked = True
        self.go(flow.sign_paths(self.draft.fill)[1][0])  # declarations on the signature page

    def _back_from_check(self) -> None:
        fill = self.draft.fill
        finals = flow.final_paths(fill)
        pages = [p for p in fill.pages() if p.path not in finals]
        if pages:
            self.go(pages[-1].path)

    def _change(self, path: str) -> None:
        fill = self.draft.fill
        self.w.session.edit_seen = {p.path for p in fill.pages()}  # what a change brings is new
        self.go(path)
        self.w.session.back_to_check = True

    def _change_group(self, paths: list[str]) -> None:
        """修改 on a box of registry facts: each of its questions in turn, then the check
        page again."""
        self._change(paths[0])
        self.w.session.edit_queue = [*paths[1:], ""]  # "": back to the check page

    def submit(self) -> None:
        session = self.w.session
        self.w.op(
            lambda: backend.finalize(self.w.ctx, session),
            self._finished,
            self._not_finished,
            always=True,  # the done page follows a finalize whatever else was tapped
        )

    def _not_finished(self, exc: BaseException) -> None:
        if isinstance(exc, cases.InvalidAnswers):
            self.w.say_errors([f"{p.label}：{p.problem.message}" for p in exc.problems])
            return
        if isinstance(exc, GuardianConsentNeeded):
            self._ask_guardian()
            return
        if isinstance(exc, DuplicateClaim):
            case_id = self.draft.case.id
            self.w.op(
                lambda: cases.load_draft(self.w.ctx, case_id),
                lambda view: self._show_duplicates(view.duplicates, self.submit),
            )
            return
        self.w._op_failed(exc)

    def _ask_guardian(self) -> None:
        """The person the application is about is under 14: the notice again, for the
        guardian (我是监护人，我同意), recorded on the case; then submit again (Art. 31)."""
        ctx, session = self.w.ctx, self.w.session
        case_id = self.draft.case.id
        form_ids = [self.draft.case.form_id]

        def agreed(sensitive_at: str | None) -> None:
            self.w.op(
                lambda: cases.record_guardian_consent(
                    ctx, case_id, actor=session.actor, sensitive_at=sensitive_at
                ),
                lambda _: self.submit(),
            )

        def show(notice: Notice) -> None:
            self._consent_steps(notice, agreed)
            self.w.say_errors([S.GUARDIAN_NEEDED])

        self.w.op(lambda: notice_for(ctx, form_ids, 0), show)

    def _finished(self, done: backend.Finished) -> None:
        self.w.session.draft = None
        self.w.session.done = [c for c, _ in done.cases]
        page = DonePage(
            cases=done.cases,
            materials=done.materials,
            on_print=self.print_case,
            on_print_all=self.print_all,
            on_home=lambda: self.ask_rating([c.id for c, _ in done.cases]),
            on_read=self.w.reader,
            badge=self.w.badge,
        )
        self.w.show_page(page)
        if self.w.reader is not None:
            self.w.speaker.say(page.spoken_text())
        self._print_receipts([c.id for c, _ in done.cases], page)

    def _print_receipts(self, case_ids: list[str], page: DonePage) -> None:
        """The 回执 of each case, at the end of the transaction, unless switched off or no
        receipt printer is set; a printer problem shows on the page and stops nothing."""
        settings = self.w.ctx.settings
        if not (settings.receipt_enabled and settings.receipt_printer):
            return
        from kiosk.services.receipts import print_receipt

        actor, ctx = self.w.session.actor, self.w.ctx
        for case_id in case_ids:
            self.w.runner.run(
                partial(print_receipt, ctx, case_id, actor=actor),
                lambda result: page.show_status(result.message),
                lambda _exc: page.show_status(S.RECEIPT_FAILED),
            )

    # ----- 好差评 ---------------------------------------------------------------------------

    def ask_rating(self, case_ids: list[str]) -> None:
        """After 完成: the rating (kiosk/ui/rating_page.py)."""
        from kiosk.ui.rating_page import ask_rating

        ask_rating(self.w, case_ids)

    def print_case(self, case_id: str) -> None:
        from kiosk.ui.printing_flow import print_with_preview

        print_with_preview(self.w, case_id)

    def print_all(self, case_ids: list[str]) -> None:
        from kiosk.ui.printing_flow import print_all_with_preview

        print_all_with_preview(self.w, case_ids)
