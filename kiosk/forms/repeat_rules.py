"""Rules over a repeat's items together: an answer that may appear in one item only
(a question's repeat lists it in ``unique``: the same person twice among the heirs).

XLSForm writes this as a constraint comparing the answer with the other items'; here it
is a declared rule so every form that lists people says it the same way and the engine
checks it like any constraint (the answer is refused and not saved; 确认 names the item).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.forms.paths import Instance, format_path
from kiosk.forms.results import AnswerProblem
from kiosk.forms.value_problems import is_empty

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill
    from kiosk.forms.schema import Question

DEFAULT_MESSAGE = "这一项前面已经填过了，同一个不能填两次。"


def repeated_answer(
    fill: FormFill, q: Question, inst: Instance, *, earlier_only: bool
) -> AnswerProblem | None:
    """The problem when the answer to ``q`` in item ``inst`` is also another item's answer
    to it and its repeat declares it ``unique``; None otherwise. ``earlier_only``: only
    the items before count (checking the whole form flags the second time, not both);
    else every other item (an answer being given is refused whichever came first)."""
    if not inst:
        return None
    repeat_name, index = inst[-1]
    repeat = fill.model.nodes[repeat_name].question
    if q.name not in repeat.unique:
        return None
    value = fill.value(format_path(q.name, inst))
    if is_empty(value):
        return None
    items = fill.raw_items(repeat_name, inst[:-1])
    others = items[:index] if earlier_only else items[:index] + items[index + 1 :]
    if not any(_same(item.get(q.name), value) for item in others):
        return None
    path = format_path(q.name, inst)
    message = repeat.unique_message or DEFAULT_MESSAGE
    en = f"the same answer to {q.name} is in another item of {repeat_name}"
    return AnswerProblem.make(path, q.label, "repeat.unique", message, en)


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().upper() == b.strip().upper()
    return a == b
