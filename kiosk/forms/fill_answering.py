"""Answering a FormFill: one answer set and checked, a repeat's items added, moved, removed.

An answer is coerced (kiosk.forms.values) and checked; a broken rule undoes it, so
nothing wrong is kept. A person's answer is theirs: its prefill mark goes, and what was
copied from it is refreshed (kiosk.forms.prefill_marks, kiosk.forms.one_name). FormFill's
``set_answer``, ``add_item``, ``move_item`` and ``remove_item`` are these functions.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from kiosk.forms.fill_checks import _check_value
from kiosk.forms.one_name import follow_name
from kiosk.forms.paths import BadPath, Instance, format_path, parse_path
from kiosk.forms.results import AnswerProblem
from kiosk.forms.schema import Question
from kiosk.forms.values import coerce

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill

NOT_ANSWERABLE = frozenset({"repeat", "group", "note", "calculate"})


def set_answer(fill: FormFill, path: str, raw: Any) -> list[AnswerProblem]:
    """Coerce and check one answer; store it unless there is an error. Returns problems."""
    found = fill._locate(path)
    if isinstance(found, AnswerProblem):
        return [found]
    node, inst = found
    q = node.question
    if q.type in NOT_ANSWERABLE or q.name in fill.model.copied:
        # Even an empty value is refused: it would wipe a repeat's items or a calculation.
        return [
            AnswerProblem.make(
                path,
                q.label,
                "question.not_answerable",
                "这一项不用填。",
                f"a {q.type} takes no answer"
                if q.name not in fill.model.copied
                else "copied from another repeat",
            )
        ]
    value, problems = coerce(q, raw, today=fill.today, choices=fill.choices(q))
    result = [AnswerProblem(path, q.label, p) for p in problems]
    if any(p.is_error for p in result):
        return result
    if value == fill._raw(q.name, inst):
        return result + _check_value(fill, path, q, inst, earlier_only=False)
    before = copy.deepcopy(fill.answers), fill.marks.snapshot(), dict(fill._relevant)
    fill.recompute(_put(fill, q, inst, value))
    broken = _check_value(fill, path, q, inst, earlier_only=False)
    if any(p.is_error for p in broken):  # a broken rule is undone: nothing saved
        fill.answers, fill._relevant = before[0], before[2]
        fill.marks.restore(before[1])
    return result + broken


def _put(fill: FormFill, q: Question, inst: Instance, value: Any) -> set[str]:
    """Store a person's answer; return the names whose value changed (prefill included)."""
    path = format_path(q.name, inst)
    fill.marks.forget(path)  # changed by a person: no longer "from records"
    fill._store(q.name, inst, value)
    changed = {q.name}
    if q.type == "id_number":
        changed |= fill.marks.refresh(path, value, inst)
    else:  # what was copied from this answer no longer holds (kiosk.forms.prefill_marks)
        changed |= fill.marks.source_changed(path)
        changed |= follow_name(fill, q.name, inst, value)  # one name per ID number
    return changed


def _own_repeat(fill: FormFill, repeat_path: str) -> tuple[str, Instance]:
    """A repeat whose items a person adds, moves and removes; BadPath otherwise."""
    name, inst = parse_path(repeat_path)
    node = fill.model.nodes.get(name)
    if node is None or node.question.type != "repeat" or tuple(r for r, _ in inst) != node.repeats:
        raise BadPath(f"'{repeat_path}' is not a repeat")
    if node.question.copy_items is not None:
        source = node.question.copy_items.source
        raise BadPath(f"'{repeat_path}' copies its items from '{source}'")
    return name, inst


def add_item(fill: FormFill, repeat_path: str) -> int:
    """Add an empty item to a repeat (``heirs``, ``members[0].incomes``); its index.
    BadPath for a path that is no repeat or a repeat copying another's items."""
    name, inst = _own_repeat(fill, repeat_path)
    box = fill.container(inst, create=True)
    if box is None:
        raise BadPath(f"no such item holds {repeat_path}")
    items = box.setdefault(name, [])
    items.append({})
    fill.recompute({name})  # every node inside depends on the repeat, as do its counts
    return len(items) - 1


def move_item(fill: FormFill, repeat_path: str, index: int, to: int) -> None:
    """Move item ``index`` of a repeat to position ``to`` (both from 0); what counts or
    indexes items (position(), indexed-repeat()) is recomputed."""
    name, inst = _own_repeat(fill, repeat_path)
    box = fill.container(inst)
    items = box.get(name) if box else None
    if not isinstance(items, list) or not (0 <= index < len(items) and 0 <= to < len(items)):
        raise BadPath(f"no item {index} or {to} in {repeat_path}")
    items.insert(to, items.pop(index))
    fill.marks.item_moved(format_path(name, inst), index, to, len(items))
    fill.recompute({name})


def remove_item(fill: FormFill, repeat_path: str, index: int) -> None:
    """Remove an item (a missing one: nothing); BadPath for a copying repeat."""
    name, inst = parse_path(repeat_path)
    node = fill.model.nodes.get(name)
    if node is not None and node.question.copy_items is not None:
        _own_repeat(fill, repeat_path)
    items = fill.raw_items(name, inst)
    box = fill.container(inst)
    if box is None or not 0 <= index < len(items):
        return
    del box[name][index]
    cleared = fill.marks.item_removed(format_path(name, inst), index)
    fill.recompute({name, *cleared})
