"""What an expression sees from where it is evaluated (XForms evaluation context).

From inside a repeat item, a field of the same item (or of an enclosing item) is one
value; a field of a repeat the expression is not inside is the list of its values
across that repeat's items (XLSForm's rule), to be aggregated with sum(), count() ...
A question that is not relevant, or sits in a group, repeat or item that is not, is
empty to every expression. Numbers come out as int or Decimal, dates as dates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kiosk.forms.paths import Instance

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill


class AnswerScope:
    """The evaluation context at one instance (() at the top level)."""

    def __init__(self, fill: FormFill, instance: Instance = (), current: Any = None) -> None:
        self._fill = fill
        self._instance = instance
        self.current = current
        self.today = fill.today

    def lookup(self, name: str) -> object:
        fill = self._fill
        constants = fill.form.constants
        if name in constants:
            value = constants[name]
            return Decimal(repr(value)) if isinstance(value, float) else value
        node = fill.model.nodes[name]  # KeyError for unknown names, as the language expects
        base, rest = self._resolve(node.repeats)
        if node.question.type == "repeat":
            return [
                item
                for inst in fill.instances_from(base, rest)
                for item in fill.items_of(name, inst)
            ]
        if not rest:
            return fill.effective(name, base)
        return [fill.effective(name, inst) for inst in fill.instances_from(base, rest)]

    def policy(self, name: str) -> object:
        """policy('name'): the value in the district policy the form was loaded with;
        KeyError for an unknown name."""
        policy = self._fill.form.policy
        if policy is None:
            raise KeyError(name)
        return policy.expression_value(name)

    def _resolve(self, repeats: tuple[str, ...]) -> tuple[Instance, tuple[str, ...]]:
        """The part of this instance the name shares, and the repeats it ranges over."""
        k = 0
        here = self._instance
        while k < len(repeats) and k < len(here) and here[k][0] == repeats[k]:
            k += 1
        return here[:k], repeats[k:]

    def position(self) -> int:
        """position(): the 1-based number of the innermost item being evaluated."""
        if not self._instance:
            from kiosk.forms.expr_values import ExprEvalError

            raise ExprEvalError("position() is only meaningful inside a repeat")
        return self._instance[-1][1] + 1

    def indexed(self, field: str, repeat: str, n: int) -> object:
        """indexed-repeat(${field}, ${repeat}, n): field of item n (1-based) of the repeat."""
        fill = self._fill
        rnode = fill.model.nodes.get(repeat)
        fnode = fill.model.nodes.get(field)
        if rnode is None or fnode is None or rnode.question.type != "repeat":
            return None
        base, rest = self._resolve(rnode.repeats)
        if rest or fnode.repeats[: len(rnode.repeats) + 1] != (*rnode.repeats, repeat):
            return None
        if not 1 <= n <= len(fill.items_of(repeat, base)):
            return None
        inst = (*base, (repeat, n - 1))
        deeper = fnode.repeats[len(inst) :]
        if deeper:
            return [fill.effective(field, i) for i in fill.instances_from(inst, deeper)]
        return fill.effective(field, inst)
