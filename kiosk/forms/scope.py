"""Where each question lives, and what an expression sees from there.

A question inside a repeat sees its own item's answers first; from outside, a
repeat's field is the list of its values across items (XLSForm's rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.forms.schema import Question
from kiosk.forms.values import typed

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill


@dataclass(frozen=True)
class Slot:
    """Where a question lives: its definition, its repeat (if any), its enclosing groups.

    Groups outside the repeat are judged on the whole form; groups inside it, per item.
    """

    question: Question
    repeat: Question | None
    outer_groups: tuple[Question, ...]
    inner_groups: tuple[Question, ...] = ()


class AnswerScope:
    """What an expression sees: answers of the form, or of one repeat item first."""

    def __init__(self, fill: FormFill, item: tuple[str, int] | None, current: Any = None) -> None:
        self._fill = fill
        self._item = item
        self.current = current
        self.today = fill.today

    def lookup(self, name: str) -> object:
        fill = self._fill
        if name in fill.form.constants:
            return fill.form.constants[name]
        slot = fill.slots[name]  # KeyError for unknown names, as the language expects
        if slot.repeat is None:
            return typed(slot.question, fill.answers.get(name))
        items = fill.answers.get(slot.repeat.name) or []
        if self._item and self._item[0] == slot.repeat.name:
            return typed(slot.question, items[self._item[1]].get(name))
        return [typed(slot.question, item.get(name)) for item in items]
