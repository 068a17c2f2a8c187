"""The form engine: one question per page, visibility, checks, calculations, repeats, prefill.

Navigation is data (Electrum's wizard, GOV.UK's question pages): the engine
decides which pages exist, which comes next and what is wrong; the UI and the
CLI only render and report. Nothing here touches Qt or the database.

Result types live in kiosk.forms.results (re-exported here); whole answers documents
are read by kiosk.forms.answers_doc.

Paths name answers: ``death_date`` at the top level, ``heirs[1].heir_name``
inside the second item of the ``heirs`` repeat.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from kiosk.forms.expr import Expression, ExprEvalError, compile_expression, truthy
from kiosk.forms.prefill import PrefillSource, default_prefill
from kiosk.forms.results import AnswerProblem, Page, SummaryRow
from kiosk.forms.schema import Choice, FormDefinition, Material, Question
from kiosk.forms.scope import AnswerScope, Slot
from kiosk.forms.values import coerce, is_empty, jsonable, typed

__all__ = ["AnswerProblem", "FormFill", "Page", "SummaryRow"]

_PATH = re.compile(r"^([a-z][a-z0-9_]*)\[(\d+)\]\.([a-z][a-z0-9_]*)$")


class FormFill:
    """One person's answers to one form, with everything the pages need to know."""

    def __init__(
        self,
        form: FormDefinition,
        lists: dict[str, list[Choice]],
        *,
        today: date,
        answers: dict[str, Any] | None = None,
        prefilled: dict[str, str] | None = None,
        prefill: PrefillSource | None = None,
        resident_id: str | None = None,
    ) -> None:
        self.form = form
        self.today = today
        self.answers: dict[str, Any] = copy.deepcopy(answers) if answers else {}
        self.prefilled: dict[str, str] = dict(prefilled or {})
        self._lists = lists
        self._prefill = prefill or default_prefill()
        self.slots: dict[str, Slot] = {}
        self._index(form.questions, None, ())
        self._exprs: dict[str, Expression] = {}
        if resident_id:
            self._apply_prefill("@resident", resident_id)
        self._recalculate()

    # ----- structure -------------------------------------------------------------------

    def _index(
        self,
        qs: list[Question],
        repeat: Question | None,
        outer: tuple[Question, ...],
        inner: tuple[Question, ...] = (),
    ) -> None:
        for q in qs:
            self.slots[q.name] = Slot(q, repeat, outer, inner)
            if q.type == "repeat":
                self._index(q.children, q, outer)
            elif q.type == "group" and repeat is None:
                self._index(q.children, repeat, (*outer, q))
            elif q.type == "group":
                self._index(q.children, repeat, outer, (*inner, q))

    def _expr(self, text: str) -> Expression:
        expr = self._exprs.get(text)
        if expr is None:
            expr = self._exprs[text] = compile_expression(text)
        return expr

    def choices(self, q: Question) -> list[Choice]:
        if isinstance(q.choices, list):
            return q.choices
        name = q.choice_list_name
        if name is None:
            return []
        return self.form.choices.get(name) or self._lists.get(name, [])

    @staticmethod
    def split(path: str) -> tuple[str, tuple[str, int] | None]:
        """``heirs[1].heir_name`` → ("heir_name", ("heirs", 1)); ``x`` → ("x", None)."""
        m = _PATH.match(path)
        if m:
            return m.group(3), (m.group(1), int(m.group(2)))
        return path, None

    def question(self, path: str) -> Question:
        name, _ = self.split(path)
        return self.slots[name].question

    def value(self, path: str) -> Any:
        name, item = self.split(path)
        if item is None:
            return self.answers.get(name)
        items = self.answers.get(item[0]) or []
        return items[item[1]].get(name) if item[1] < len(items) else None

    # ----- visibility ------------------------------------------------------------------

    def _relevant(self, q: Question, item: tuple[str, int] | None) -> bool:
        if not q.relevant:
            return True
        return truthy(self._expr(q.relevant).evaluate(AnswerScope(self, item)))

    def visible(self, path: str) -> bool:
        name, item = self.split(path)
        slot = self.slots[name]
        if any(not self._relevant(g, None) for g in slot.outer_groups):
            return False
        if slot.repeat is not None and not self._relevant(slot.repeat, None):
            return False
        if any(not self._relevant(g, item) for g in slot.inner_groups):
            return False
        return self._relevant(slot.question, item)

    def pages(self) -> list[Page]:
        """The visible question pages, in order; a repeat adds its list page then its items."""
        return list(self._pages(self.form.questions, None, None))

    def _pages(self, qs: list[Question], section: str | None, item: tuple[str, int] | None) -> Any:
        for q in qs:
            if not self._relevant(q, item):
                continue
            if q.type == "group":
                yield from self._pages(q.children, q.label or section, item)
            elif q.type == "repeat":
                yield Page(q.name, q, section)
                for i, _ in enumerate(self.answers.get(q.name) or []):
                    yield from self._pages(q.children, section, (q.name, i))
            elif q.type != "calculate":
                path = q.name if item is None else f"{item[0]}[{item[1]}].{q.name}"
                yield Page(path, q, section, *(item or (None, None)))

    def next_page(self, current: str | None) -> Page | None:
        pages = self.pages()
        if current is None:
            return pages[0] if pages else None
        paths = [p.path for p in pages]
        if current not in paths:
            return self.first_unfinished()
        i = paths.index(current)
        return pages[i + 1] if i + 1 < len(pages) else None

    def previous_page(self, current: str) -> Page | None:
        pages = self.pages()
        paths = [p.path for p in pages]
        if current not in paths:
            return None
        i = paths.index(current)
        return pages[i - 1] if i > 0 else None

    def holds(self, expression: str) -> bool:
        """Whether an expression is true on the whole form (materials, bundle conditions)."""
        return truthy(self._expr(expression).evaluate(AnswerScope(self, None)))

    def materials(self) -> list[Material]:
        """The materials to bring for these answers (a material's ``relevant`` must hold)."""
        return [m for m in self.form.materials if not m.relevant or self._may_hold(m.relevant)]

    def _may_hold(self, expression: str) -> bool:
        try:
            return self.holds(expression)
        except ExprEvalError:
            return True  # when in doubt, ask people to bring it: a wasted trip costs more

    def first_unfinished(self) -> Page | None:
        """The first page with an error (or unanswered required question), for resuming."""
        for page in self.pages():
            if any(p.is_error for p in self.check_page(page.path)):
                return page
        return None

    # ----- answering -------------------------------------------------------------------

    def set_answer(self, path: str, raw: Any) -> list[AnswerProblem]:
        """Coerce and check one answer; store it unless there is an error. Returns problems."""
        name, item = self.split(path)
        slot = self.slots.get(name)
        if slot is None:
            return [
                AnswerProblem.make(
                    path, path, "question.unknown", "没有这一题。", f"unknown question '{name}'"
                )
            ]
        q = slot.question
        # An item answer needs an existing item (add_item first): a path never grows a list.
        if (
            (slot.repeat is None) != (item is None)
            or (item and item[0] != slot.repeat.name)  # type: ignore[union-attr]
            or (item and item[1] >= len(self.answers.get(item[0]) or []))
        ):
            return [
                AnswerProblem.make(
                    path,
                    q.label,
                    "question.path",
                    "没有这一题。",
                    f"'{path}' does not name an answer",
                )
            ]
        if q.type in ("repeat", "group", "note", "calculate"):
            # Even an empty value is refused: it would wipe a repeat's items or a calculation.
            return [
                AnswerProblem.make(
                    path,
                    q.label,
                    "question.not_answerable",
                    "这一项不用填。",
                    f"a {q.type} takes no answer",
                )
            ]
        value, problems = coerce(q, raw, today=self.today, choices=self.choices(q))
        found = [AnswerProblem(path, q.label, p) for p in problems]
        if any(p.is_error for p in found):
            return found
        # The constraint is judged with the value in place; a broken one is undone.
        before = copy.deepcopy(self.answers), dict(self.prefilled)
        if value != self.value(path):
            self.prefilled.pop(path, None)  # changed by a person: no longer "from records"
        self._store(path, value)
        if q.type == "id_number" and value:
            self._apply_prefill(name, value, item)
        self._recalculate()
        broken = self._check_value(path, q, item)
        if any(p.is_error for p in broken):
            self.answers, self.prefilled = before
        return found + broken

    def _store(self, path: str, value: Any) -> None:
        name, item = self.split(path)
        if item is None:
            if value is None:
                self.answers.pop(name, None)
            else:
                self.answers[name] = value
            return
        items = self.answers.setdefault(item[0], [])
        while len(items) <= item[1]:
            items.append({})
        if value is None:
            items[item[1]].pop(name, None)
        else:
            items[item[1]][name] = value

    def add_item(self, repeat: str) -> int:
        """Add an empty item to a repeat; return its index."""
        items = self.answers.setdefault(repeat, [])
        items.append({})
        return len(items) - 1

    def remove_item(self, repeat: str, index: int) -> None:
        items = self.answers.get(repeat) or []
        if 0 <= index < len(items):
            del items[index]
            # Drop the removed item's prefill marks; later items move up one, and so do theirs.
            marks: dict[str, str] = {}
            for path, source in self.prefilled.items():
                name, item = self.split(path)
                if item is None or item[0] != repeat or item[1] < index:
                    marks[path] = source
                elif item[1] > index:
                    marks[f"{repeat}[{item[1] - 1}].{name}"] = source
            self.prefilled = marks
        self._recalculate()

    def _apply_prefill(
        self, source: str, id_number: str, item: tuple[str, int] | None = None
    ) -> None:
        known = self._prefill.lookup(id_number, today=self.today)
        for slot in self.slots.values():
            q = slot.question
            if q.prefill is None or q.prefill.source != source or q.prefill.field not in known:
                continue
            in_item = item is not None and slot.repeat is not None and slot.repeat.name == item[0]
            if slot.repeat is not None and not in_item:
                continue
            path = q.name if not in_item else f"{item[0]}[{item[1]}].{q.name}"  # type: ignore[index]
            if not is_empty(self.value(path)) and path not in self.prefilled:
                continue  # a person's answer is never overwritten
            found = known[q.prefill.field]
            value, problems = coerce(q, found.value, today=self.today, choices=self.choices(q))
            if value is not None and not any(p.severity == "error" for p in problems):
                self._store(path, value)
                self.prefilled[path] = found.source
                if q.type == "id_number" and source == "@resident":
                    # The resident's own number prefills what hangs off it (name, phone).
                    self._apply_prefill(q.name, value, item)

    def _recalculate(self) -> None:
        for slot in self.slots.values():
            q = slot.question
            if q.type != "calculate" or q.calculation is None:
                continue
            expr = self._expr(q.calculation)
            if slot.repeat is None:
                self._store(q.name, jsonable(expr.evaluate(AnswerScope(self, None))))
                continue
            for i, _ in enumerate(self.answers.get(slot.repeat.name) or []):
                item = (slot.repeat.name, i)
                value = jsonable(expr.evaluate(AnswerScope(self, item)))
                self._store(f"{item[0]}[{i}].{q.name}", value)

    # ----- checks ----------------------------------------------------------------------

    def _check_value(
        self, path: str, q: Question, item: tuple[str, int] | None
    ) -> list[AnswerProblem]:
        value = self.value(path)
        if is_empty(value) or not q.constraint:
            return []
        ctx = AnswerScope(self, item, current=typed(q, value))
        if truthy(self._expr(q.constraint).evaluate(ctx)):
            return []
        en = q.constraint_message_en or f"does not meet the rule {q.constraint}"
        return [
            AnswerProblem.make(
                path, q.label, "constraint", q.constraint_message or "这个回答不符合要求。", en
            )
        ]

    def _is_required(self, q: Question, item: tuple[str, int] | None) -> bool:
        if isinstance(q.required, bool):
            return q.required
        return truthy(self._expr(q.required).evaluate(AnswerScope(self, item)))

    def check_page(self, path: str) -> list[AnswerProblem]:
        """What stops a person leaving this page: a missing required answer or a broken rule."""
        name, item = self.split(path)
        q = self.slots[name].question
        if q.type == "repeat":
            return self._check_repeat(q)
        if not q.holds_value:
            return []
        if is_empty(self.value(path)):
            if self._is_required(q, item):
                return [
                    AnswerProblem.make(
                        path,
                        q.label,
                        "required",
                        q.required_message or "这一题需要回答。",
                        "an answer is required",
                    )
                ]
            return []
        return self._check_value(path, q, item)

    def _check_repeat(self, q: Question) -> list[AnswerProblem]:
        count = len(self.answers.get(q.name) or [])
        if count < q.min_items:
            return [
                AnswerProblem.make(
                    q.name,
                    q.label,
                    "repeat.min",
                    f"至少要填{q.min_items}个。",
                    f"needs at least {q.min_items} item(s), has {count}",
                )
            ]
        if q.max_items is not None and count > q.max_items:
            return [
                AnswerProblem.make(
                    q.name,
                    q.label,
                    "repeat.max",
                    f"最多只能填{q.max_items}个。",
                    f"allows at most {q.max_items} item(s), has {count}",
                )
            ]
        return []

    def check_all(self) -> list[AnswerProblem]:
        """Every problem on every visible page, in page order."""
        return [p for page in self.pages() for p in self.check_page(page.path)]

    def apply_answers(self, raw: dict[str, Any]) -> list[AnswerProblem]:
        """Set a whole answers document (CLI, import, tests) in form order; report every problem."""
        from kiosk.forms.answers_doc import apply_answers

        return apply_answers(self, raw)

    # ----- results (whole answers out: kiosk.forms.answers_doc) --------------------------

    def final_answers(self) -> dict[str, Any]:
        """Only what applies (skip logic followed): the answers that are frozen and printed."""
        from kiosk.forms.answers_doc import final_answers

        return final_answers(self)

    def item_title(self, repeat: Question, index: int) -> str:
        template = repeat.item_label or "第{n}项"
        return template.replace("{n}", str(index + 1))

    def summary(self) -> list[SummaryRow]:
        """Every visible answer in words, for the check-answers page."""
        from kiosk.forms.answers_doc import summary

        return summary(self)
