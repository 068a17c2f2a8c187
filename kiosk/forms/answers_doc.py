"""Whole answers documents in and out of a FormFill.

In (CLI `kiosk fill`, imports, tests): answers are set in form order, as a person
would give them, so prefill and calculations see what came before; every problem is
reported, none stops the rest. Out: the frozen answers that apply, and the rows of
the check-answers page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.forms.results import AnswerProblem, SummaryRow
from kiosk.forms.schema import Question
from kiosk.forms.values import display, is_empty

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill


def apply_answers(fill: FormFill, raw: dict[str, Any]) -> list[AnswerProblem]:
    """Set a whole answers document (CLI, import, tests) in form order; report every problem."""
    found: list[AnswerProblem] = []
    for name in raw:
        if name not in fill.slots or fill.slots[name].repeat is not None:
            found.append(
                AnswerProblem.make(
                    name, name, "question.unknown", "没有这一题。", f"unknown question '{name}'"
                )
            )
    for name, slot in fill.slots.items():
        if name not in raw or slot.repeat is not None:
            continue
        q = slot.question
        if q.type == "repeat":
            found.extend(_apply_items(fill, q, raw[name]))
        elif q.type not in ("calculate", "note", "group"):
            found.extend(fill.set_answer(name, raw[name]))
    return found


def _apply_items(fill: FormFill, q: Question, items: Any) -> list[AnswerProblem]:
    if items is None:  # `"heirs": null` means none, as an empty list does
        items = []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return [
            AnswerProblem.make(
                q.name, q.label, "repeat.shape", "格式不对。", "a repeat needs a list of objects"
            )
        ]
    found: list[AnswerProblem] = []
    fill.answers[q.name] = []
    for i, item in enumerate(items):
        fill.add_item(q.name)
        for key in item:
            slot = fill.slots.get(key)
            if slot is None or slot.repeat is not q:
                found.append(
                    AnswerProblem.make(
                        f"{q.name}[{i}].{key}",
                        key,
                        "question.unknown",
                        "没有这一题。",
                        f"unknown question '{key}'",
                    )
                )
        for child in (s.question for s in fill.slots.values() if s.repeat is q):
            if child.name in item and child.type not in ("calculate", "note", "group"):
                found.extend(fill.set_answer(f"{q.name}[{i}].{child.name}", item[child.name]))
    return found


def final_answers(fill: FormFill) -> dict[str, Any]:
    """Only what applies (skip logic followed): the answers that are frozen and printed."""
    out: dict[str, Any] = {}
    for name, slot in fill.slots.items():
        q = slot.question
        if slot.repeat is not None or not q.holds_value or not fill.visible(name):
            continue
        if q.type == "repeat":
            items = []
            for i, item in enumerate(fill.answers.get(name) or []):
                kept = {k: v for k, v in item.items() if fill.visible(f"{name}[{i}].{k}")}
                items.append(kept)
            out[name] = items
        elif not is_empty(fill.answers.get(name)):
            out[name] = fill.answers[name]
    return out


def summary(fill: FormFill) -> list[SummaryRow]:
    """Every visible answer in words, for the check-answers page."""
    rows = []
    for page in fill.pages():
        q = page.question
        if q.type in ("repeat", "note"):
            continue
        title = None
        if page.repeat is not None and page.index is not None:
            title = fill.item_title(fill.slots[page.repeat].question, page.index)
        rows.append(
            SummaryRow(
                page.path,
                q.label,
                display(q, fill.value(page.path), fill.choices(q)),
                page.section,
                title,
                fill.prefilled.get(page.path),
            )
        )
    return rows
