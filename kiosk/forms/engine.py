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
"""

from __future__ import annotations

import copy
import logging
from datetime import date
from typing import Any

from kiosk.forms.copy_items import sync_copies
from kiosk.forms.expr import ExprEvalError, truthy
from kiosk.forms.model import FormModel, Node, model_of
from kiosk.forms.one_name import follow_name
from kiosk.forms.paths import BadPath, Instance, format_path, parse_item, parse_path
from kiosk.forms.policy import RESIDENT_UNCONFIRMED
from kiosk.forms.policy_taint import unconfirmed_calculations
from kiosk.forms.prefill import PrefillSource, default_prefill
from kiosk.forms.prefill_marks import PrefillMarks
from kiosk.forms.repeat_rules import repeated_answer
from kiosk.forms.results import AnswerProblem, Page, SummaryRow
from kiosk.forms.schema import Choice, FormDefinition, Material, Question
from kiosk.forms.scope import AnswerScope
from kiosk.forms.value_types import store as store_typed
from kiosk.forms.values import coerce, display, is_empty, recheck, typed

__all__ = ["AnswerProblem", "FormFill", "Page", "SummaryRow"]

log = logging.getLogger(__name__)
NOT_ANSWERABLE = frozenset({"repeat", "group", "note", "calculate"})


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

    # ----- pages ---------------------------------------------------------------------------

    def pages(self) -> list[Page]:
        """The visible question pages, in order; a repeat adds its list page then its items."""
        out: list[Page] = []
        self._pages(None, None, (), out)
        return out

    def _pages(
        self, parent: str | None, section: str | None, inst: Instance, out: list[Page]
    ) -> None:
        for name in self.model.children(parent):
            q = self.model.nodes[name].question
            if not self._relevant.get((name, inst), False) or q.type == "calculate":
                continue
            if name in self.model.copied:
                continue  # copied from another repeat: asked there
            if q.type == "group":
                self._pages(name, q.label or section, inst, out)
                continue
            if q.copy_items is None:  # copied items are not added or removed here
                out.append(_page(format_path(name, inst), q, section, inst))
            if q.type == "repeat":
                for i in range(len(self.raw_items(name, inst))):
                    self._pages(name, section, (*inst, (name, i)), out)

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
        paths = [p.path for p in self.pages()]
        if current not in paths:
            return None
        i = paths.index(current)
        return self.pages()[i - 1] if i > 0 else None

    def first_unfinished(self) -> Page | None:
        """The first page with an error (or unanswered required question), for resuming."""
        for page in self.pages():
            if any(p.is_error for p in self.check_page(page.path)):
                return page
        return None

    # ----- answering -----------------------------------------------------------------------

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

    def set_answer(self, path: str, raw: Any) -> list[AnswerProblem]:
        """Coerce and check one answer; store it unless there is an error. Returns problems."""
        found = self._locate(path)
        if isinstance(found, AnswerProblem):
            return [found]
        node, inst = found
        q = node.question
        if q.type in NOT_ANSWERABLE or q.name in self.model.copied:
            # Even an empty value is refused: it would wipe a repeat's items or a calculation.
            return [
                AnswerProblem.make(
                    path,
                    q.label,
                    "question.not_answerable",
                    "这一项不用填。",
                    f"a {q.type} takes no answer"
                    if q.name not in self.model.copied
                    else "copied from another repeat",
                )
            ]
        value, problems = coerce(q, raw, today=self.today, choices=self.choices(q))
        result = [AnswerProblem(path, q.label, p) for p in problems]
        if any(p.is_error for p in result):
            return result
        if value == self._raw(q.name, inst):
            return result + self._check_value(path, q, inst, earlier_only=False)
        before = copy.deepcopy(self.answers), self.marks.snapshot(), dict(self._relevant)
        self.recompute(self._put(q, inst, value))
        broken = self._check_value(path, q, inst, earlier_only=False)
        if any(p.is_error for p in broken):  # a broken rule is undone: nothing saved
            self.answers, self._relevant = before[0], before[2]
            self.marks.restore(before[1])
        return result + broken

    def _put(self, q: Question, inst: Instance, value: Any) -> set[str]:
        """Store a person's answer; return the names whose value changed (prefill included)."""
        path = format_path(q.name, inst)
        self.marks.forget(path)  # changed by a person: no longer "from records"
        self._store(q.name, inst, value)
        changed = {q.name}
        if q.type == "id_number":
            changed |= self.marks.refresh(path, value, inst)
        else:  # what was copied from this answer no longer holds (kiosk.forms.prefill_marks)
            changed |= self.marks.source_changed(path)
            changed |= follow_name(self, q.name, inst, value)  # one name per ID number
        return changed

    def store_unchecked(self, path: str, value: Any) -> None:
        """Store a coerced value without recomputing (whole documents: kiosk.forms.answers_doc)."""
        name, inst = parse_path(path)
        self._store(name, inst, value)

    def _own_repeat(self, repeat_path: str) -> tuple[str, Instance]:
        """A repeat whose items a person adds, moves and removes; BadPath otherwise."""
        name, inst = parse_path(repeat_path)
        node = self.model.nodes.get(name)
        if (
            node is None
            or node.question.type != "repeat"
            or tuple(r for r, _ in inst) != node.repeats
        ):
            raise BadPath(f"'{repeat_path}' is not a repeat")
        if node.question.copy_items is not None:
            source = node.question.copy_items.source
            raise BadPath(f"'{repeat_path}' copies its items from '{source}'")
        return name, inst

    def add_item(self, repeat_path: str) -> int:
        """Add an empty item to a repeat (``heirs``, ``members[0].incomes``); its index.
        BadPath for a path that is no repeat or a repeat copying another's items."""
        name, inst = self._own_repeat(repeat_path)
        box = self.container(inst, create=True)
        if box is None:
            raise BadPath(f"no such item holds {repeat_path}")
        items = box.setdefault(name, [])
        items.append({})
        self.recompute({name})  # every node inside depends on the repeat, as do its counts
        return len(items) - 1

    def move_item(self, repeat_path: str, index: int, to: int) -> None:
        """Move item ``index`` of a repeat to position ``to`` (both from 0); what counts or
        indexes items (position(), indexed-repeat()) is recomputed."""
        name, inst = self._own_repeat(repeat_path)
        box = self.container(inst)
        items = box.get(name) if box else None
        if not isinstance(items, list) or not (0 <= index < len(items) and 0 <= to < len(items)):
            raise BadPath(f"no item {index} or {to} in {repeat_path}")
        items.insert(to, items.pop(index))
        self.marks.item_moved(format_path(name, inst), index, to, len(items))
        self.recompute({name})

    def remove_item(self, repeat_path: str, index: int) -> None:
        """Remove an item (a missing one: nothing); BadPath for a copying repeat."""
        name, inst = parse_path(repeat_path)
        node = self.model.nodes.get(name)
        if node is not None and node.question.copy_items is not None:
            self._own_repeat(repeat_path)
        items = self.raw_items(name, inst)
        box = self.container(inst)
        if box is None or not 0 <= index < len(items):
            return
        del box[name][index]
        cleared = self.marks.item_removed(format_path(name, inst), index)
        self.recompute({name, *cleared})

    # ----- checks --------------------------------------------------------------------------

    def _check_value(
        self, path: str, q: Question, inst: Instance, *, earlier_only: bool = True
    ) -> list[AnswerProblem]:
        value = self._raw(q.name, inst)
        if is_empty(value):
            return []
        stale = recheck(q, value, today=self.today, choices=self.choices(q))
        if stale:
            return [AnswerProblem(path, q.label, p) for p in stale]
        twice = repeated_answer(self, q, inst, earlier_only=earlier_only)
        if twice is not None:
            return [twice]
        if not q.constraint:
            return []
        current = typed(q, value, self.model.value_type(q.name))
        if self._truth(q.constraint, inst, default=False, current=current):
            return []
        en = q.constraint_message_en or f"does not meet the rule {q.constraint}"
        return [
            AnswerProblem.make(
                path, q.label, "constraint", q.constraint_message or "这个回答不符合要求。", en
            )
        ]

    def _is_required(self, q: Question, inst: Instance) -> bool:
        if isinstance(q.required, bool):
            return q.required
        return self._truth(q.required, inst, default=True)

    def check_page(self, path: str) -> list[AnswerProblem]:
        """What stops a person leaving this page: a missing required answer or a broken rule."""
        found = self._locate(path)
        if isinstance(found, AnswerProblem):
            return [found]
        node, inst = found
        q = node.question
        if q.type == "repeat":
            return self._check_repeat(path, q, len(self.raw_items(q.name, inst)))
        if not q.holds_value or q.type == "calculate":
            return []
        if is_empty(self._raw(q.name, inst)):
            if self._is_required(q, inst):
                message = q.required_message or "这一题需要回答。"
                return [
                    AnswerProblem.make(path, q.label, "required", message, "an answer is required")
                ]
            return []
        return self._check_value(path, q, inst)

    @staticmethod
    def _check_repeat(path: str, q: Question, count: int) -> list[AnswerProblem]:
        if count < q.min_items:
            return [
                AnswerProblem.make(
                    path,
                    q.label,
                    "repeat.min",
                    f"至少要填{q.min_items}个。",
                    f"needs at least {q.min_items} item(s), has {count}",
                )
            ]
        if q.max_items is not None and count > q.max_items:
            return [
                AnswerProblem.make(
                    path,
                    q.label,
                    "repeat.max",
                    f"最多只能填{q.max_items}个。",
                    f"allows at most {q.max_items} item(s), has {count}",
                )
            ]
        return []

    def normalize_answers(self) -> list[str]:
        """After a migration: every stored answer read again as its question now is
        (``"a"`` becomes ``["a"]`` for what is now a multiple choice); answers that fail
        stay as they are (``stale_answers`` lists them). Returns the paths of answers the
        new version has no place for: they are dropped."""
        lost: list[str] = []
        self._normalize((), self.answers, lost)
        self.recompute()
        return lost

    def _normalize(self, inst: Instance, box: dict[str, Any], lost: list[str]) -> None:
        chain = tuple(r for r, _ in inst)
        for key in list(box):
            node = self.model.nodes.get(key)
            path = format_path(key, inst)
            q = node.question if node is not None else None
            if q is None or node is None or node.repeats != chain or q.type in ("group", "note"):
                lost.append(path)
                del box[key]
            elif q.type == "repeat":
                items = box[key]
                if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                    lost.append(path)
                    del box[key]
                    continue
                for i, item in enumerate(items):
                    self._normalize((*inst, (key, i)), item, lost)
            elif q.type != "calculate":
                value, problems = coerce(q, box[key], today=self.today, choices=self.choices(q))
                if value is not None and not any(p.severity == "error" for p in problems):
                    box[key] = value

    def stale_answers(self) -> list[str]:
        """Paths of visible answers that no longer fit their question (after a form update:
        a removed choice, a new maximum), in page order: take the person to each."""
        out = []
        for page in self.pages():
            q = page.question
            value = self.value(page.path)
            if recheck(q, value, today=self.today, choices=self.choices(q)):
                out.append(page.path)
        return out

    def check_all(self) -> list[AnswerProblem]:
        """Every problem on every visible page, in page order."""
        return [p for page in self.pages() for p in self.check_page(page.path)]

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


def _page(path: str, q: Question, section: str | None, inst: Instance) -> Page:
    if not inst:
        return Page(path, q, section)
    repeat, index = inst[-1]
    return Page(path, q, section, format_path(repeat, inst[:-1]), index, inst)


def item_path(repeat_path: str, index: int) -> str:
    """``heirs``, 1 → ``heirs[1]`` (a repeat item, as parse_item reads it)."""
    parse_item(f"{repeat_path}[{index}]")
    return f"{repeat_path}[{index}]"
