"""FormFlow's repeats: 添加 / 修改 / 删除 on a list page (kiosk/ui/form_flow.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.forms.engine import Page
from kiosk.services import cases
from kiosk.services.views import AnswerResult, DraftView
from kiosk.ui import backend, flow
from kiosk.ui.question_page import RepeatPage

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow


class _RepeatsMixin:
    """Add, edit and remove the items of a repeat."""

    if TYPE_CHECKING:  # FormFlow's, for the type checker
        w: MainWindow

        @property
        def draft(self) -> DraftView: ...
        def go(self, path: str | None) -> None: ...

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
            if result is None:
                raise RuntimeError("no item to remove (a bug)")
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
