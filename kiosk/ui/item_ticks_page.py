"""One yes/no question asked of every item of a copied list on one page (``flow.tick_group``:
each heir's 同意 in the 家人去世 bundle): the question as the heading, then a row per
person with its own 是 / 否, none preselected. Each row is saved as that item's own answer
and checked by the form (a 否 where the form needs 是 says so, naming the person); an
unanswered row is asked for. One page instead of one per person (issue 15, time on task)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.forms.engine import FormFill, Page
from kiosk.forms.results import AnswerProblem
from kiosk.services import cases
from kiosk.services.views import AnswerResult
from kiosk.ui.answer_widgets import YesNoEditor
from kiosk.ui.common_widgets import frame, label
from kiosk.ui.look import metrics
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QHBoxLayout
from kiosk.ui.question_page import section_text

if TYPE_CHECKING:
    from kiosk.ui.form_flow import FormFlow

TICKS_HINT = "每一位都要回答，点“是”或者“否”。"
UNANSWERED = "{person}，还没有回答。"


class ItemTicksPage(BasePage):
    """Rows ``tick-{i}`` with buttons ``tick-{i}-yes`` / ``tick-{i}-no``; ``values()`` maps
    each page path to True, False or None (not answered)."""

    def __init__(
        self,
        *,
        fill: FormFill,
        pages: list[Page],
        progress: tuple[int, int],
        on_next: Callable[[dict[str, Any]], None],
        on_back: Callable[[], None],
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        q = pages[0].question
        hint = "　".join(t for t in (q.hint, TICKS_HINT) if t)
        super().__init__(q.label, hint, name="ticks", on_read=on_read, badge=badge)
        self.path = pages[0].path
        self.set_section(section_text(fill, Page(pages[0].path, q, pages[0].section), progress))
        self.people = [person_text(fill, p) for p in pages]
        self.editors: dict[str, YesNoEditor] = {}
        for i, (page, person) in enumerate(zip(pages, self.people, strict=True)):
            box, layout = frame("panel", name=f"tick-{i}")
            row = QHBoxLayout()  # the person beside their 是 / 否: three heirs in view
            row.setSpacing(metrics().gap)
            row.addWidget(label(person, "large"), 2)
            editor = YesNoEditor(fill.value(page.path))
            for value, b in editor.buttons.items():
                b.setObjectName(f"tick-{i}-{value}")
            row.addWidget(editor, 3)
            layout.addLayout(row)
            self.body.addWidget(box)
            self.editors[page.path] = editor
        self.body.addStretch(1)
        self.set_nav(back=on_back, home=on_home, next=lambda: on_next(self.values()))

    def values(self) -> dict[str, Any]:
        return {path: editor.value() for path, editor in self.editors.items()}

    def extra_spoken(self) -> list[str]:
        parts = []
        for person, editor in zip(self.people, self.editors.values(), strict=True):
            parts.append(f"{person}：{editor.spoken_answer() or '还没有回答'}")
        return parts


def person_text(fill: FormFill, page: Page) -> str:
    """第2位继承人：张建国 (the item's title and its first text answer, when it has one)."""
    if page.repeat is None or page.index is None:
        raise RuntimeError(f"page {page.path} is not a repeat's item (a bug)")
    repeat = fill.question(page.repeat)
    text = fill.item_title(repeat, page.index)
    item = fill.items(page.repeat)[page.index]
    first = next((c.name for c in repeat.children if c.type == "text" and item.get(c.name)), None)
    return f"{text}：{item[first]}" if first else text


def show_item_ticks(flow_: FormFlow, group: list[str], common: dict[str, Any]) -> None:
    """Show the page for ``group`` (``flow.tick_group``); 下一步 saves every row, then goes
    on after the last item (or back to the check page when changing from there)."""
    w = flow_.w
    fill = flow_.draft.fill
    pages = [p for p in fill.pages() if p.path in group]
    w.session.page = pages[0].path  # 上一步 goes before the first person
    page = ItemTicksPage(
        fill=fill,
        pages=pages,
        progress=common["progress"],
        on_next=lambda values: _save(flow_, pages, values),
        on_back=common["on_back"],
        on_home=common["on_home"],
        on_read=common["on_read"],
        badge=common["badge"],
    )
    w.show_page(page)


def _save(flow_: FormFlow, pages: list[Page], values: dict[str, Any]) -> None:
    w = flow_.w
    shown = w.page
    fill = flow_.draft.fill
    people = {p.path: person_text(fill, p) for p in pages}
    case_id, actor, ctx = flow_.draft.case.id, w.session.actor, w.ctx

    def save() -> AnswerResult:
        result = None
        problems: list[AnswerProblem] = []
        for path, value in values.items():
            if value is not None and value != fill.value(path):
                result = cases.answer(ctx, case_id, path, value, actor=actor)
                problems += [p for p in result.problems if p.is_error]
        draft = result.draft if result is not None else flow_.draft
        return AnswerResult(problems, draft)

    def saved(result: AnswerResult) -> None:
        w.session.draft = result.draft
        errors = row_errors(result.draft.fill, pages, values, result.problems, people)
        if errors or w.page is not shown:
            if errors:
                w.say_errors(errors)
            return
        if w.session.back_to_check and not w.session.edit_queue:
            flow_.after_change()  # changed from the check page: what it left, then back
            return
        w.session.page = pages[-1].path
        flow_._leave(pages[-1])

    w.op(save, saved)


def row_errors(
    fill: FormFill,
    pages: list[Page],
    values: dict[str, Any],
    refused: list[AnswerProblem],
    people: dict[str, str],
) -> list[str]:
    """What stops the page, in row order, one say per row: an unanswered row is asked for;
    a refused answer says the form's reason (a 否 where all must agree), not also that the
    row still needs an answer (it was answered: the refusal left it unsaved); else the
    form's own check of the row (a 否 kept from before, too)."""
    out: list[str] = []
    for page in pages:
        person, value = people[page.path], values.get(page.path)
        if value is None:
            out.append(UNANSWERED.format(person=person))
            continue
        said = [p.problem.message for p in refused if p.path == page.path and p.is_error]
        if not said:
            said = [e.problem.message for e in fill.check_page(page.path) if e.is_error]
        out += [f"{person}，{m}" for m in dict.fromkeys(said)]
    return out
