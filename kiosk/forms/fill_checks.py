"""Checking a FormFill: what stops a person leaving a page, and answers that no longer fit.

A required answer missing, a value its question refuses now (a removed choice, a new
maximum: kiosk.forms.values.recheck), the same answer twice where a repeat forbids it
(kiosk.forms.repeat_rules), a broken ``constraint``; after a migration, the stored answers
read again as their questions now are. FormFill's ``check_page``, ``check_all``,
``normalize_answers`` and ``stale_answers`` are these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.forms.paths import Instance, format_path
from kiosk.forms.repeat_rules import repeated_answer
from kiosk.forms.results import AnswerProblem
from kiosk.forms.schema import Question
from kiosk.forms.value_problems import is_empty
from kiosk.forms.values import coerce, recheck, typed

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill


def _check_value(
    fill: FormFill, path: str, q: Question, inst: Instance, *, earlier_only: bool = True
) -> list[AnswerProblem]:
    value = fill._raw(q.name, inst)
    if is_empty(value):
        return []
    stale = recheck(q, value, today=fill.today, choices=fill.choices(q))
    if stale:
        return [AnswerProblem(path, q.label, p) for p in stale]
    twice = repeated_answer(fill, q, inst, earlier_only=earlier_only)
    if twice is not None:
        return [twice]
    if not q.constraint:
        return []
    current = typed(q, value, fill.model.value_type(q.name))
    if fill._truth(q.constraint, inst, default=False, current=current):
        return []
    en = q.constraint_message_en or f"does not meet the rule {q.constraint}"
    return [
        AnswerProblem.make(
            path, q.label, "constraint", q.constraint_message or "这个回答不符合要求。", en
        )
    ]


def _is_required(fill: FormFill, q: Question, inst: Instance) -> bool:
    if isinstance(q.required, bool):
        return q.required
    return fill._truth(q.required, inst, default=True)


def check_page(fill: FormFill, path: str) -> list[AnswerProblem]:
    """What stops a person leaving this page: a missing required answer or a broken rule."""
    found = fill._locate(path)
    if isinstance(found, AnswerProblem):
        return [found]
    node, inst = found
    q = node.question
    if q.type == "repeat":
        return _check_repeat(path, q, len(fill.raw_items(q.name, inst)))
    if not q.holds_value or q.type == "calculate":
        return []
    if is_empty(fill._raw(q.name, inst)):
        if _is_required(fill, q, inst):
            message = q.required_message or "这一题需要回答。"
            return [AnswerProblem.make(path, q.label, "required", message, "an answer is required")]
        return []
    return _check_value(fill, path, q, inst)


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


def normalize_answers(fill: FormFill) -> list[str]:
    """After a migration: every stored answer read again as its question now is
    (``"a"`` becomes ``["a"]`` for what is now a multiple choice); answers that fail
    stay as they are (``stale_answers`` lists them). Returns the paths of answers the
    new version has no place for: they are dropped."""
    lost: list[str] = []
    _normalize(fill, (), fill.answers, lost)
    fill.recompute()
    return lost


def _normalize(fill: FormFill, inst: Instance, box: dict[str, Any], lost: list[str]) -> None:
    chain = tuple(r for r, _ in inst)
    for key in list(box):
        node = fill.model.nodes.get(key)
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
                _normalize(fill, (*inst, (key, i)), item, lost)
        elif q.type != "calculate":
            value, problems = coerce(q, box[key], today=fill.today, choices=fill.choices(q))
            if value is not None and not any(p.severity == "error" for p in problems):
                box[key] = value


def stale_answers(fill: FormFill) -> list[str]:
    """Paths of visible answers that no longer fit their question (after a form update:
    a removed choice, a new maximum), in page order: take the person to each."""
    out = []
    for page in fill.pages():
        q = page.question
        value = fill.value(page.path)
        if recheck(q, value, today=fill.today, choices=fill.choices(q)):
            out.append(page.path)
    return out


def check_all(fill: FormFill) -> list[AnswerProblem]:
    """Every problem on every visible page, in page order."""
    return [p for page in fill.pages() for p in fill.check_page(page.path)]
