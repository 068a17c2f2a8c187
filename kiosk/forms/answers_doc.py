"""Whole answers documents in and out of a FormFill.

In (``kiosk fill``, imports, tests): every value is checked for its type and stored,
then relevance and calculations are computed once over the whole document and the
ID numbers' prefill fills what the document left empty. The order of keys in the file
does not matter, and the result is what a person reaching the same answers page by
page would have: the same frozen answers, the same content hash. Calculated values in
a document are ignored (they are computed). Rules (required, constraint) are judged
afterwards by ``check_all``, on what is relevant.

Out: the frozen answers (only what is relevant), and the rows of the check-answers page.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from kiosk.forms.paths import Instance, format_path
from kiosk.forms.results import AnswerProblem, SummaryRow
from kiosk.forms.value_problems import is_empty
from kiosk.forms.values import coerce

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill


def apply_answers(fill: FormFill, raw: dict[str, Any]) -> list[AnswerProblem]:
    """Set a whole answers document; return every problem of type or shape (none stops
    the rest). Repeats are lists of objects, nested repeats lists inside an item."""
    problems: list[AnswerProblem] = []
    ids: list[tuple[str, Any, Instance]] = []
    _apply_record(fill, (), raw, problems, ids)
    fill.recompute()
    changed: set[str] = set()
    for path, value, inst in ids:
        changed |= fill.marks.refresh(path, value, inst)
    if changed:
        fill.recompute(changed)
    return problems


def _apply_record(
    fill: FormFill,
    inst: Instance,
    doc: dict[str, Any],
    problems: list[AnswerProblem],
    ids: list[tuple[str, Any, Instance]],
) -> None:
    chain = tuple(r for r, _ in inst)
    level = {n.name: n for n in fill.model.nodes.values() if n.repeats == chain}
    for key, value in doc.items():
        path = format_path(str(key), inst)
        node = level.get(str(key))
        if node is None:
            problems.append(
                AnswerProblem.make(
                    path, str(key), "question.unknown", "没有这一题。", f"unknown question '{key}'"
                )
            )
            continue
        q = node.question
        if q.type == "calculate":
            continue  # computed, whatever the document says
        if q.type in ("group", "note"):
            problems.append(
                AnswerProblem.make(
                    path,
                    q.label,
                    "question.not_answerable",
                    "这一项不用填。",
                    f"a {q.type} takes no answer",
                )
            )
            continue
        if q.type == "repeat":
            _apply_items(fill, inst, q.name, q.label, value, problems, ids)
            continue
        coerced, found = coerce(q, value, today=fill.today, choices=fill.choices(q))
        problems.extend(AnswerProblem(path, q.label, p) for p in found)
        if any(p.severity == "error" for p in found):
            continue
        # A document states the person's own answers: even one equal to what records
        # prefilled is theirs now, so a later ID number does not replace it.
        fill.marks.forget(path)
        fill.store_unchecked(path, coerced)
        if q.type == "id_number" and coerced:
            ids.append((path, coerced, inst))


def _apply_items(
    fill: FormFill,
    inst: Instance,
    name: str,
    label: str,
    items: Any,
    problems: list[AnswerProblem],
    ids: list[tuple[str, Any, Instance]],
) -> None:
    path = format_path(name, inst)
    if items is None:  # `"heirs": null` means none, as an empty list does
        items = []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append(
            AnswerProblem.make(
                path, label, "repeat.shape", "格式不对。", "a repeat needs a list of objects"
            )
        )
        return
    box = fill.container(inst, create=True)
    if box is None:
        return
    box[name] = [{} for _ in items]
    for i, item in enumerate(items):
        _apply_record(fill, (*inst, (name, i)), item, problems, ids)


def final_answers(fill: FormFill) -> dict[str, Any]:
    """Only what applies: the relevant, non-empty answers (calculations included), repeats
    as lists of items; what is not relevant is left out at any depth."""
    return _final(fill, None, ())


def _final(fill: FormFill, parent: str | None, inst: Instance) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fill.model.children(parent):
        q = fill.model.nodes[name].question
        if not fill.relevant(name, inst) or q.type == "note":
            continue
        if q.type == "group":
            out.update(_final(fill, name, inst))
        elif q.type == "repeat":
            count = len(fill.raw_items(name, inst))
            items = [_final(fill, name, (*inst, (name, i))) for i in range(count)]
            if items:
                out[name] = items
        else:
            value = fill._raw(name, inst)
            if not is_empty(value):
                out[name] = copy.deepcopy(value)
    return out


def item_titles(fill: FormFill, inst: Instance) -> str | None:
    """第2位继承人, or 第1位家庭成员 · 第2项收入 inside a nested repeat."""
    if not inst:
        return None
    return " · ".join(
        fill.item_title(fill.model.nodes[repeat].question, index) for repeat, index in inst
    )


def summary(fill: FormFill) -> list[SummaryRow]:
    """Every visible answer in words, for the check-answers page."""
    rows = []
    for page in fill.pages():
        q = page.question
        if q.type in ("repeat", "note"):
            continue
        rows.append(
            SummaryRow(
                page.path,
                q.label,
                fill.display(q, fill.value(page.path)),
                page.section,
                item_titles(fill, page.instance),
                fill.prefill_label(page.path),
            )
        )
    return rows
