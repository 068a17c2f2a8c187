"""The question screens: start or resume a draft, answer page by page, check, finalize,
done, print. Every answer is saved by the service as it is given (the draft is encrypted
in the store), so leaving at any point loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from kiosk.domain.case_states import CaseState
from kiosk.forms.engine import Page
from kiosk.forms.values import is_person_name
from kiosk.services import cases
from kiosk.services.consent import GuardianConsentNeeded, Notice, give_consent, notice_for
from kiosk.services.duplicates import DuplicateClaim
from kiosk.services.views import AnswerResult, DraftView
from kiosk.ui import backend, flow
from kiosk.ui import strings as S
from kiosk.ui.answer_widgets import KEYPAD_TYPES, GroupEditor, VillageEditor
from kiosk.ui.check_page import CheckPage
from kiosk.ui.done_page import DonePage
from kiosk.ui.duplicate_page import DuplicatePage
from kiosk.ui.item_ticks_page import show_item_ticks
from kiosk.ui.known_people import answer_known_person
from kiosk.ui.notice_page import NoticePage
from kiosk.ui.offers import Offer
from kiosk.ui.person_pick_widget import offer_known_people
from kiosk.ui.question_page import QuestionPage, RepeatPage
from kiosk.ui.speech import spoken_join

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow


class FormFlow:
    def __init__(self, window: MainWindow) -> None:
        self.w = window

    @property
    def draft(self) -> DraftView:
        assert self.w.session.draft is not None
        return self.w.session.draft

    # ----- start and resume ---------------------------------------------------------------

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

    # ----- pages --------------------------------------------------------------------------

    def go(self, path: str | None) -> None:
        """Show the page for ``path``; None means the questions are done (the check page,
        or after the signature, finalizing). The declaration and signature pages come
        only after the check page (``flow.final_paths``)."""
        session = self.w.session
        if path is None:
            if session.checked:
                self.submit()
            else:
                self.show_check()
            return
        fill = self.draft.fill
        page = next((p for p in fill.pages() if p.path == path), None)
        if page is None or (path in flow.final_paths(fill) and not session.checked):
            self.show_check()
            return
        self.w.session.page = path
        progress = flow.progress(fill, path)
        common: dict[str, Any] = dict(
            fill=fill,
            page=page,
            progress=progress,
            on_back=self.back,
            on_home=self.w.go_home,
            on_read=self.w.reader,
            badge=self.w.badge,
        )
        if page.question.type == "repeat":
            repeat_page = RepeatPage(
                on_add=lambda: self._add(page),
                on_edit=lambda i: self._edit(page, i),
                on_remove=lambda indices, then: self._remove(page, indices, then),
                on_next=lambda: self._leave(page),
                **common,
            )
            self.w.show_page(repeat_page)
            if not self.w.session.may_see_registry:
                return  # a typed number alone: no household members from the registry
            self.w.op(
                lambda: backend.household_suggestions(self.w.ctx, fill, page.path),
                lambda found: repeat_page.show_suggestions(
                    [(s.text, partial(self._add_suggested, page, s)) for s in found]
                ),
            )
        elif (group := flow.tick_group(fill, path)) is not None:
            show_item_ticks(self, group, common)  # each heir's 同意 on one page
        else:
            notes, signed = flow.sign_paths(fill)
            if session.checked and signed and path == signed[0]:
                common["declarations"] = notes  # 声明 above the signature pad
            question = QuestionPage(
                on_next=lambda v: self._answer(page, v),
                read_deadline=self._read_deadline,
                **common,
            )
            if session.checked and flow.next_path(fill, path) is None:
                question.next_button.setText(S.SUBMIT)  # the signature: 确认提交
            self.w.show_page(question)
            if page.question.pick_known_person:  # the new 户主: one touch, not 18 digits
                offer_known_people(self, page, question)

    def _read_deadline(self) -> bool:
        """朗读 reads the form's deadline the first time only (per case)."""
        return self.w.session.first_time(f"deadline:{self.draft.case.id}")

    def _answer(self, page: Page, value: Any) -> None:
        q = page.question
        fill = self.draft.fill
        editor = getattr(self.w.page, "editor", None)
        if isinstance(editor, VillageEditor) and editor.with_group and value is not None:
            self._ask_group(page, value, editor.stored_group)  # 组 on its own page
            return
        if not q.holds_value or value == fill.value(page.path):
            shown = self.w.page
            if getattr(shown, "warned", None) and not getattr(shown, "accepted", False):
                # The doubt still stands: a second tap on 下一步 does not pass it.
                self._warn(page, shown.warned)  # type: ignore[attr-defined]
                return
            self._leave(page)
            return
        case_id, actor = self.draft.case.id, self.w.session.actor
        if q.pick_known_person:  # a typed 户主 outside the household: a warning, not silence
            with_register = self.w.session.may_see_registry
            self.w.op(
                lambda: answer_known_person(
                    self.w.ctx, case_id, page.path, value, actor, with_register=with_register
                ),
                lambda result: self._answered(page, result),
            )
            return
        self.w.op(
            lambda: cases.answer(self.w.ctx, case_id, page.path, value, actor=actor),
            lambda result: self._answered(page, result),
        )

    def _ask_group(self, page: Page, village: str, stored_group: int | None) -> None:
        fill = self.draft.fill
        stored = str(fill.value(page.path) or "")
        same = stored.partition("-")[0] == village
        choices = fill.choices(page.question)
        names = {c.value: c.label for c in choices}
        groups = next((c.groups for c in choices if c.value == village), None)
        self.w.show_page(
            QuestionPage(
                fill=fill,
                page=page,
                progress=flow.progress(fill, page.path),
                on_next=lambda v: self._answer_group(page, v),
                on_back=lambda: self._back_to_village(page, village),
                on_home=self.w.go_home,
                on_read=self.w.reader,
                badge=self.w.badge,
                editor=GroupEditor(village, stored_group if same else None, groups),
                heading=S.VILLAGE_GROUP_IN.format(village=names.get(village, "")),
                read_deadline=self._read_deadline,
            )
        )

    def _back_to_village(self, page: Page, village: str) -> None:
        """上一步 from 组: the villages again, the one just picked still ticked."""
        self.go(page.path)
        editor = getattr(self.w.page, "editor", None)
        if isinstance(editor, VillageEditor) and village in editor.villages.buttons:
            editor.villages.buttons[village].setChecked(True)

    def _answer_group(self, page: Page, value: Any) -> None:
        if value is None:
            self.w.say_errors([S.GROUP_MISSING])
            return
        self._answer(page, value)

    def _answered(self, page: Page, result: AnswerResult) -> None:
        self.w.session.draft = result.draft
        errors = [p.problem.message for p in result.problems if p.is_error]
        warnings = [p.problem.message for p in result.problems if not p.is_error]
        if errors:
            self.w.say_errors(errors)
            return
        if self._warn_duplicates(result.draft, lambda: self._leave(page)):
            return
        if warnings and not getattr(self.w.page, "accepted", False):
            # A doubt (a passbook number failing the card check) goes on only by its own
            # labelled button, never by a second (double) tap on 下一步.
            self.w.page.warned = warnings  # type: ignore[attr-defined]
            self._warn(page, warnings)
            return
        self._leave(page)

    def _warn(self, page: Page, warnings: list[str]) -> None:
        shown = self.w.page
        keypad = page.question.type in KEYPAD_TYPES
        accept = S.ACCEPT_NUMBER if keypad else S.ACCEPT_ANSWER
        if is_person_name(page.question):
            accept = S.ACCEPT_NAME  # a name in Latin letters (a foreign resident)

        def accepted() -> None:
            shown.accepted = True  # type: ignore[attr-defined]
            self._leave(page)

        shown.show_warning(warnings, accept, accepted)
        if self.w.reader is not None:
            self.w.speaker.say(spoken_join([*warnings, accept]))

    def _leave(self, page: Page) -> None:
        """The engine's check for this page, then the next page (or back to check)."""
        fill = self.draft.fill
        errors = [p.problem.message for p in fill.check_page(page.path) if p.is_error]
        if errors:
            self.w.say_errors(errors)
            return
        session = self.w.session
        if session.back_to_check and session.edit_queue:
            following = session.edit_queue.pop(0)
            if not following:
                self.after_change()
                return
            self.go(following)
            session.back_to_check = True
            return
        if session.back_to_check and page.repeat is None:
            self.after_change()
            return
        self.go(flow.next_path(fill, page.path))

    def after_change(self) -> None:
        """A 修改 is done: first every question it left to answer (made relevant and still
        empty, or now missing or broken: flow.after_change), one by one, then the check
        page; the check page never stands for answers a change left missing."""
        session = self.w.session
        fill = self.draft.fill
        following = flow.after_change(fill, session.edit_seen)
        if following is None:
            self.show_check()
            return
        session.edit_seen |= set(flow.walk_paths(fill, following))
        self.go(following)
        session.back_to_check = True

    def back(self) -> None:
        session = self.w.session
        current = session.page
        if session.back_to_check or current is None:
            self.show_check()
            return
        finals = flow.final_paths(self.draft.fill)
        signed = flow.sign_paths(self.draft.fill)[1]
        if finals and current in (finals[0], *signed[:1]):  # the signature: back to check
            session.checked = False
            self.show_check()
            return
        previous = flow.previous_path(self.draft.fill, current)
        if previous is None:
            self._ask_leave()
            return
        page = next((p for p in self.draft.fill.pages() if p.path == previous), None)
        stored = str(self.draft.fill.value(previous) or "") if page is not None else ""
        village, _, group = stored.partition("-")
        asks_group = page is not None and page.question.type == "village"
        if page is not None and asks_group and page.question.with_group and village:
            # 上一步 from the page after 组 is 组 (b15 #9), not the list of villages
            self.w.session.page = previous
            self._ask_group(page, village, int(group) if group.isdigit() else None)
            return
        self.go(previous)

    def _ask_leave(self) -> None:
        """上一步 on the first question: nothing before it to go back to (the notice was
        agreed to), so ask 要离开吗？ with a labelled way out; staying is doing nothing."""
        self.w.page.show_warning([S.LEAVE_ASK], S.LEAVE_YES, self.w.go_home)
        if self.w.reader is not None:
            self.w.speaker.say(spoken_join([S.LEAVE_ASK, S.LEAVE_YES]))

    # ----- repeats ------------------------------------------------------------------------

    def _add(self, page: Page) -> None:
        case_id, actor = self.draft.case.id, self.w.session.actor
        self.w.op(
            lambda: cases.add_item(self.w.ctx, case_id, page.path, actor=actor),
            lambda result: self._added(page, result),
        )

    def _added(self, page: Page, result: AnswerResult) -> None:
        self.w.session.draft = result.draft
        items = result.draft.fill.items(page.path)
        fill = result.draft.fill
        self.go(flow.first_item_path(fill, page.path, len(items) - 1, asks=True) or page.path)

    def _add_suggested(self, page: Page, suggestion: backend.Suggestion) -> None:
        case_id, actor = self.draft.case.id, self.w.session.actor
        self.w.op(
            lambda: backend.add_suggested(self.w.ctx, case_id, page.path, suggestion, actor),
            lambda draft: self._added(page, AnswerResult([], draft)),
        )

    def _edit(self, page: Page, index: int) -> None:
        self.w.session.back_to_check = False
        self.go(flow.first_item_path(self.draft.fill, page.path, index) or page.path)

    def _remove(self, page: Page, indices: list[int], then: Callable[[], None] | None) -> None:
        """Remove items (after their 撤销 time ran out, or on leaving the list), then
        ``then`` or the list again."""
        case_id, actor = self.draft.case.id, self.w.session.actor

        def remove() -> AnswerResult:
            result = None
            for index in sorted(indices, reverse=True):
                result = cases.remove_item(self.w.ctx, case_id, page.path, index, actor=actor)
            assert result is not None
            return result

        def removed(result: AnswerResult) -> None:
            self.w.session.draft = result.draft
            if then is not None:
                then()
                return
            shown = self.w.page  # the list, 撤销 just ran out: shown again in place
            if not isinstance(shown, RepeatPage):
                self.go(page.path)
                return
            held = (shown.undo_text.text(), shown.scroll_area.verticalScrollBar().value())
            self.go(page.path)
            if isinstance(self.w.page, RepeatPage):
                self.w.page.hold_place(*held)

        self.w.op(remove, removed)

    # ----- check, finalize, done ----------------------------------------------------------

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
