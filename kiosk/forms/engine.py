"""The form engine: one person's answers to one form, evaluated as the XForms model says.

Navigation is data (Electrum's wizard, GOV.UK's question pages): the engine decides
which pages exist, which comes next and what is wrong; the UI and the CLI only render
and report. Nothing here touches Qt or the database.

The model, in short (docs/forms.md, "How answers are evaluated"):

- Relevance cascades: a question is relevant when its own ``relevant`` holds and its
  group, repeat and item are relevant. A non-relevant question is empty to every
  expression; its answer stays in the draft (turning it back on restores it) but is
  never frozen, printed, put in a QR code or synced.
- One dependency graph (kiosk.forms.model) orders relevance and calculations; a change
  recomputes exactly what depends on it.
- Values are typed (kiosk.forms.value_types): numbers are int or Decimal, never text.
- Prefilled answers remember their source; a new ID number replaces what the old one
  filled, and a value the person edited is theirs.

Paths name answers (kiosk.forms.paths): ``death_date``, ``heirs[1].heir_name``,
``members[0].incomes[2].income_amount``.

This module holds FormFill's state, structure and evaluation; its pages, answering and
checks are in kiosk.forms.fill_pages, kiosk.forms.fill_answering and
kiosk.forms.fill_checks, whose functions FormFill binds as its methods.
"""

from __future__ import annotations

import copy
import logging
from datetime import date
from typing import Any

from kiosk.forms import fill_answering, fill_checks, fill_pages
from kiosk.forms.copy_items import sync_copies
from kiosk.forms.expr import ExprEvalError, truthy
from kiosk.forms.fill_answering import NOT_ANSWERABLE as NOT_ANSWERABLE
from kiosk.forms.fill_pages import item_path as item_path
from kiosk.forms.model import FormModel, Node, model_of
from kiosk.forms.paths import BadPath, Instance, format_path, parse_path
from kiosk.forms.policy import RESIDENT_UNCONFIRMED
from kiosk.forms.policy_taint import unconfirmed_calculations
from kiosk.forms.prefill import PrefillSource, default_prefill
from kiosk.forms.prefill_marks import PrefillMarks
from kiosk.forms.results import AnswerProblem, Page, SummaryRow
from kiosk.forms.schema import Choice, FormDefinition, Material, Question
from kiosk.forms.scope import AnswerScope
from kiosk.forms.value_display import display
from kiosk.forms.value_problems import is_empty
from kiosk.forms.value_types import store as store_typed
from kiosk.forms.values import typed

__all__ = ["AnswerProblem", "FormFill", "Page", "SummaryRow"]

log = logging.getLogger(__name__)


class FormFill:
    """One person's answers to one form, with everything the pages need to know."""

    def __init__(
        self,
        form: FormDefinition,
        lists: dict[str, list[Choice]],
        *,
        today: date,
        answers: dict[str, Any] | None = None,
        prefilled: dict[str, Any] | None = None,
        prefill: PrefillSource | None = None,
        resident_id: str | None = None,
    ) -> None:
        self.form = form
        self.model: FormModel = model_of(form)
        self.today = today
        self.answers: dict[str, Any] = copy.deepcopy(answers) if answers else {}
        self._lists = lists
        self.marks = PrefillMarks(self, prefill or default_prefill(), prefilled)
        self._relevant: dict[tuple[str, Instance], bool] = {}
        # Calculations resting on a 待核实 policy parameter: shown with the caveat.
        self._unconfirmed = unconfirmed_calculations(self.model)
        self.recompute()
        if resident_id:
            self.recompute(self.marks.refresh("@resident", resident_id, ()))

    @property
    def prefilled(self) -> dict[str, Any]:
        """Prefill marks by path (stored with the draft): {"label": 来源, "from": origin}."""
        return self.marks.by_path

    def prefill_label(self, path: str) -> str | None:
        """Where a prefilled answer came from, in words (None: the person's own answer)."""
        return self.marks.label(path)

    # ----- structure -------------------------------------------------------------------

    def choices(self, q: Question) -> list[Choice]:
        if isinstance(q.choices, list):
            return q.choices
        name = q.choice_list_name
        if name is None:
            return []
        return self.form.choices.get(name) or self._lists.get(name, [])

    def question(self, path: str) -> Question:
        name, _ = parse_path(path)
        return self.model.nodes[name].question

    def value_type(self, q: Question) -> str | None:
        return self.model.value_type(q.name)

    def display(self, q: Question, value: Any) -> str:
        """An answer in words in its value type (money as 3,600.00 元, yes/no as 是/否). A
        calculation derived from an unconfirmed policy parameter ends in
        （以窗口核定为准）: never a promise to a resident (kiosk.forms.policy_taint)."""
        text = display(q, value, self.choices(q), self.value_type(q))
        if text and q.name in self._unconfirmed:
            return f"{text}（{RESIDENT_UNCONFIRMED}）"
        return text

    def container(self, instance: Instance, create: bool = False) -> dict[str, Any] | None:
        """The answers dict of one instance (the whole draft at ()); None if missing."""
        here: dict[str, Any] = self.answers
        for repeat, index in instance:
            items = here.get(repeat)
            if not isinstance(items, list) or not 0 <= index < len(items):
                return None
            item = items[index]
            if not isinstance(item, dict):
                if not create:
                    return None
                item = items[index] = {}
            here = item
        return here

    def raw_items(self, repeat: str, instance: Instance) -> list[dict[str, Any]]:
        """A repeat's items in one instance of its parent, relevant or not."""
        box = self.container(instance)
        items = box.get(repeat) if box else None
        return [i if isinstance(i, dict) else {} for i in items] if isinstance(items, list) else []

    def items_of(self, repeat: str, instance: Instance) -> list[dict[str, Any]]:
        """The items of a relevant repeat (none when the repeat is not relevant)."""
        if not self._relevant.get((repeat, instance), False):
            return []
        return self.raw_items(repeat, instance)

    def items(self, repeat_path: str) -> list[dict[str, Any]]:
        """The items of ``heirs`` or ``members[0].incomes`` (the repeat page lists them)."""
        name, inst = parse_path(repeat_path)
        return self.raw_items(name, inst)

    def instances_from(self, base: Instance, repeats: tuple[str, ...]) -> list[Instance]:
        """Every instance reached from ``base`` through the items of ``repeats``."""
        out = [base]
        for repeat in repeats:
            out = [
                (*inst, (repeat, i))
                for inst in out
                for i in range(len(self.raw_items(repeat, inst)))
            ]
        return out

    def _raw(self, name: str, instance: Instance) -> Any:
        box = self.container(instance)
        return None if box is None else box.get(name)

    def value(self, path: str) -> Any:
        """The stored answer at a path (kept in the draft even while not relevant)."""
        try:
            name, inst = parse_path(path)
        except BadPath:
            return None
        return self._raw(name, inst)

    def effective(self, name: str, instance: Instance) -> Any:
        """The value expressions see: typed, and empty when not relevant."""
        if not self._relevant.get((name, instance), False):
            return None
        q = self.model.nodes[name].question
        if q.type == "repeat":
            return self.raw_items(name, instance)
        return typed(q, self._raw(name, instance), self.model.value_type(name))

    def _store(self, name: str, instance: Instance, value: Any) -> None:
        box = self.container(instance, create=True)
        if box is None:
            raise BadPath(f"no such item: {format_path(name, instance)}")
        if is_empty(value):
            box.pop(name, None)
        else:
            box[name] = value

    # ----- evaluation (the XForms recompute) ---------------------------------------------

    def recompute(self, changed: set[str] | None = None) -> None:
        """Recompute relevance and calculations: everything (``changed`` None), or what
        depends on the named nodes, in dependency order."""
        model = self.model
        if changed is None:
            names = model.order
            self._relevant.clear()
        else:
            names = model.dependents(changed)
            drop = set(names)
            self._relevant = {k: v for k, v in self._relevant.items() if k[0] not in drop}
        for name in names:
            node = model.nodes[name]
            for inst in self.instances_from((), node.repeats):
                self._evaluate(node, inst)
        if model.copies:
            copied = sync_copies(self)
            if copied:
                self.recompute(copied)

    def _evaluate(self, node: Node, inst: Instance) -> None:
        q = node.question
        relevant = self._parent_relevant(node, inst)
        if relevant and q.relevant:
            relevant = self._truth(q.relevant, inst, default=True)
        self._relevant[(q.name, inst)] = relevant
        if q.type == "calculate":
            value = None
            if relevant:
                try:
                    value = self.model.expr(q.calculation or "").evaluate(AnswerScope(self, inst))
                except ExprEvalError:
                    # The exception names the values (a resident's answers): never logged.
                    log.warning("%s: the calculation of %s failed", self.form.id, q.name)
            self._store(q.name, inst, store_typed(value, self.model.value_type(q.name)))

    def _parent_relevant(self, node: Node, inst: Instance) -> bool:
        if node.parent is None:
            return True
        parent = self.model.nodes[node.parent]
        key = inst[:-1] if parent.question.type == "repeat" else inst
        return self._relevant.get((node.parent, key), False)

    def _truth(self, text: str, inst: Instance, *, default: bool, current: Any = None) -> bool:
        try:
            return truthy(self.model.expr(text).evaluate(AnswerScope(self, inst, current)))
        except ExprEvalError:
            # When in doubt, show the question / ask for the paper: hiding costs more.
            # The exception names the values (a resident's answers): never logged.
            log.warning("%s: cannot evaluate %r", self.form.id, text)
            return default

    def relevant(self, name: str, instance: Instance = ()) -> bool:
        return self._relevant.get((name, instance), False)

    def visible(self, path: str) -> bool:
        try:
            name, inst = parse_path(path)
        except BadPath:
            return False
        return self._relevant.get((name, inst), False)

    def holds_at(self, expression: str, instance: Instance) -> bool:
        """Whether an expression is true at one instance (a repeat item's fields in view)."""
        return self._truth(expression, instance, default=True)

    def holds(self, expression: str) -> bool:
        """Whether an expression is true on the whole form (materials, bundle conditions)."""
        return self._truth(expression, (), default=True)

    def materials(self) -> list[Material]:
        """The materials to bring for these answers (a material's ``relevant`` must hold)."""
        return [m for m in self.form.materials if not m.relevant or self.holds(m.relevant)]

    # The pages, answering and checks are functions of their own modules taking the fill
    # first: bound here as FormFill's methods (the same functions, docstrings with them).

    # ----- pages (kiosk.forms.fill_pages) --------------------------------------------------

    pages = fill_pages.pages
    next_page = fill_pages.next_page
    previous_page = fill_pages.previous_page
    first_unfinished = fill_pages.first_unfinished

    # ----- answering (kiosk.forms.fill_answering) ------------------------------------------

    def _locate(self, path: str) -> tuple[Node, Instance] | AnswerProblem:
        try:
            name, inst = parse_path(path)
        except BadPath:
            name, inst = path, ()
        node = self.model.nodes.get(name)
        if node is None:
            return AnswerProblem.make(
                path, path, "question.unknown", "没有这一题。", f"unknown question '{name}'"
            )
        # An item answer needs an existing item (add_item first): a path never grows a list.
        if tuple(r for r, _ in inst) != node.repeats or self.container(inst) is None:
            return AnswerProblem.make(
                path,
                node.question.label,
                "question.path",
                "没有这一题。",
                f"'{path}' does not name an answer",
            )
        return node, inst

    set_answer = fill_answering.set_answer
    add_item = fill_answering.add_item
    move_item = fill_answering.move_item
    remove_item = fill_answering.remove_item

    def store_unchecked(self, path: str, value: Any) -> None:
        """Store a coerced value without recomputing (whole documents: kiosk.forms.answers_doc)."""
        name, inst = parse_path(path)
        self._store(name, inst, value)

    # ----- checks (kiosk.forms.fill_checks) ------------------------------------------------

    check_page = fill_checks.check_page
    normalize_answers = fill_checks.normalize_answers
    stale_answers = fill_checks.stale_answers
    check_all = fill_checks.check_all

    # ----- whole answers in and out (kiosk.forms.answers_doc) ------------------------------

    def apply_answers(self, raw: dict[str, Any]) -> list[AnswerProblem]:
        """Set a whole answers document (CLI, import, tests); report every problem."""
        from kiosk.forms.answers_doc import apply_answers

        return apply_answers(self, raw)

    def final_answers(self) -> dict[str, Any]:
        """Only what applies: the relevant answers, which are frozen, printed and synced."""
        from kiosk.forms.answers_doc import final_answers

        return final_answers(self)

    def item_title(self, repeat: Question, index: int) -> str:
        template = repeat.item_label or "第{n}项"
        return template.replace("{n}", str(index + 1))

    def summary(self) -> list[SummaryRow]:
        """Every visible answer in words, for the check-answers page."""
        from kiosk.forms.answers_doc import summary

        return summary(self)
