"""The question screens: start or resume a draft, answer page by page, check, finalize,
done, print. Every answer is saved by the service as it is given (the draft is encrypted
in the store), so leaving at any point loses nothing."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from kiosk.forms.engine import Page
from kiosk.forms.values import is_person_name
from kiosk.services import cases
from kiosk.services.views import AnswerResult, DraftView
from kiosk.ui import backend, flow
from kiosk.ui import strings as S
from kiosk.ui.answer_widgets import KEYPAD_TYPES, GroupEditor, VillageEditor
from kiosk.ui.form_finish import _FinishMixin
from kiosk.ui.form_repeats import _RepeatsMixin
from kiosk.ui.form_start import _StartMixin
from kiosk.ui.item_ticks_page import show_item_ticks
from kiosk.ui.known_people import answer_known_person
from kiosk.ui.person_pick_widget import offer_known_people
from kiosk.ui.question_page import QuestionPage, RepeatPage
from kiosk.ui.speech import spoken_join

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow


class FormFlow(_StartMixin, _RepeatsMixin, _FinishMixin):
    """The questions, one page each. Start and resume (and duplicate claims) are
    kiosk/ui/form_start.py's; repeats kiosk/ui/form_repeats.py's; check, finalize, done
    and 好差评 kiosk/ui/form_finish.py's."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window

    @property
    def draft(self) -> DraftView:
        draft = self.w.session.draft
        if draft is None:
            raise RuntimeError("no draft is open (a bug)")
        return draft

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
