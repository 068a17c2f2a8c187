"""Value types of answers and calculations, and how a calculated value is stored.

Every answer has a value type that the expression language, the store, the check
page and the print agree on (ODK's ``bind::type``): ``integer``, ``decimal``,
``money``, ``yes_no``, ``date``, ``text`` or ``list``. A question's type gives its
value type; a ``calculate`` may declare one with ``result_type`` and otherwise has
the type its expression infers statically (``${a} + ${b}`` of two money answers is
money; a comparison is yes/no). Numbers are decimals in arithmetic and comparison,
never text.

Stored (JSON-native, hashed, encrypted, sent): integer as a JSON integer; decimal as
exact decimal text ("0.125"); money as yuan with two places ("4800.00", rounded half
up to the fen, 四舍五入, which is what a money amount means); yes/no as true/false;
date as "YYYY-MM-DD"; text as text. No other rounding happens: ``round(x, n)`` in the
form says where.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from kiosk.forms.expr import And, Binary, Call, Literal, Negate, Node, Or, Ref
from kiosk.forms.expr_values import to_date, to_number, to_string, truthy

VALUE_TYPES = ("integer", "decimal", "money", "yes_no", "date", "text")
NUMERIC = frozenset({"integer", "decimal", "money"})
CENT = Decimal("0.01")

# A question type → the value type of its answer (None: no single value, e.g. a repeat).
QUESTION_VALUE_TYPES: dict[str, str | None] = {
    "text": "text",
    "number": "integer",
    "decimal": "decimal",
    "money": "money",
    "date": "date",
    "select_one": "text",
    "select_multiple": "list",
    "yes_no": "yes_no",
    "id_number": "text",
    "phone": "text",
    "bank_account": "text",
    "village": "text",
    "relationship": "text",
    "signature": "text",
    "note": None,
    "group": None,
    "repeat": None,
    "calculate": None,
}

_BOOL_FUNCTIONS = frozenset(
    {"not", "true", "false", "selected", "regex", "contains", "starts-with", "boolean"}
)
_INT_FUNCTIONS = frozenset(
    {
        "count",
        "count-selected",
        "string-length",
        "int",
        "age",
        "years-between",
        "days-between",
        "position",
    }
)


def unify(types: list[str | None]) -> str | None:
    """The one type several branches share: integer and decimal give decimal; any money
    mixed with plain numbers gives money; anything else mixed gives no single type."""
    known = {t for t in types if t is not None}
    if len(known) == 1:
        return known.pop()
    if known and known <= NUMERIC:
        return "money" if "money" in known else "decimal"
    return None


def infer(node: Node, ref_type: Callable[[str], str | None]) -> str | None:
    """The static value type of an expression; ``ref_type(name)`` gives a reference's type."""
    if isinstance(node, Literal):
        v = node.value
        if isinstance(v, bool):
            return "yes_no"
        if isinstance(v, int):
            return "integer"
        if isinstance(v, Decimal):
            return "decimal"
        return "text" if isinstance(v, str) else None
    if isinstance(node, Ref):
        return ref_type(node.name)
    if isinstance(node, Negate):
        return infer(node.operand, ref_type)
    if isinstance(node, And | Or):
        return "yes_no"
    if isinstance(node, Binary):
        return _infer_binary(node, ref_type)
    if isinstance(node, Call):
        return _infer_call(node, ref_type)
    return None  # ``.``: the value being checked, only in constraints


def _infer_binary(node: Binary, ref_type: Callable[[str], str | None]) -> str | None:
    if node.op in ("=", "!=", "<", "<=", ">", ">="):
        return "yes_no"
    a, b = infer(node.left, ref_type), infer(node.right, ref_type)
    if "date" in (a, b):
        return "integer" if (a, b, node.op) == ("date", "date", "-") else "date"
    if a not in NUMERIC or b not in NUMERIC:
        return "decimal" if a in NUMERIC or b in NUMERIC else None
    if node.op in ("+", "-"):
        return unify([a, b])
    if node.op == "*":
        return "money" if "money" in (a, b) else unify([a, b])
    if node.op == "div":  # money shared out stays money; a ratio of two amounts does not
        return "money" if a == "money" and b != "money" else "decimal"
    return "integer" if a == b == "integer" else "decimal"  # mod


def _infer_call(node: Call, ref_type: Callable[[str], str | None]) -> str | None:
    name = node.name
    args = [infer(arg, ref_type) for arg in node.args]
    if name in _BOOL_FUNCTIONS:
        return "yes_no"
    if name in _INT_FUNCTIONS:
        return "integer"
    if name in ("today", "date"):
        return "date"
    if name in ("string", "concat", "join", "substr"):
        return "text"
    if name == "number":
        return "decimal"
    if name == "if":
        return unify(args[1:])
    if name in ("coalesce", "min", "max"):
        return unify(args)
    if name in ("sum", "round"):
        return "money" if args[0] == "money" else ("integer" if args[0] == "integer" else "decimal")
    if name == "indexed-repeat":
        return args[0]
    return None


# ----- stored form ---------------------------------------------------------------------------


def _decimal(value: object) -> Decimal | None:
    number = to_number(value)
    if number is None or isinstance(number, bool):
        return None
    try:
        d = number if isinstance(number, Decimal) else Decimal(str(number))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def decimal_text(d: Decimal) -> str:
    """Exact decimal text, never exponent notation, never ``-0``."""
    if d == 0:
        d = abs(d)
    return format(d, "f")


def store(value: object, value_type: str | None) -> Any:
    """A computed value in its stored, JSON-native form for ``value_type`` (None: as computed).

    A value that cannot be had in the type (text where a number is due) is stored empty:
    a calculation never freezes something its type cannot hold.
    """
    if value is None or value == "" or value == []:
        return None
    if value_type in ("integer", "decimal", "money"):
        d = _decimal(value)
        if d is None:
            return None
        try:
            if value_type == "integer":  # the whole part, towards zero (ODK's int)
                return int(d.to_integral_value(rounding=ROUND_DOWN))
            if value_type == "money":
                return decimal_text(d.quantize(CENT, rounding=ROUND_HALF_UP))
        except InvalidOperation:  # beyond what a stored amount holds (10^26 yuan...)
            return None
        return decimal_text(d)
    if value_type == "yes_no":
        return truthy(value)
    if value_type == "date":
        found = to_date(value)
        return found.isoformat() if found else None
    if value_type == "text":
        return to_string(value)
    return _as_computed(value)


def _as_computed(value: object) -> Any:
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal | float):
        d = _decimal(value)
        return None if d is None else decimal_text(d)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [to_string(v) for v in value]
    return to_string(value)


def read(stored: object, value_type: str | None) -> Any:
    """A stored value as the expression language sees it (numbers and dates typed).

    A stored value that does not fit its type (a draft from an older form version)
    reads as empty rather than failing.
    """
    if stored is None:
        return None
    if value_type in ("decimal", "money"):
        return _decimal(stored)
    if value_type == "integer":
        if isinstance(stored, int) and not isinstance(stored, bool):
            return stored
        d = _decimal(stored)
        return None if d is None else (int(d) if d == d.to_integral_value() else d)
    if value_type == "date":
        return to_date(stored)
    if value_type == "yes_no":
        return _yes_no(stored)
    return stored


_YES_WORDS = frozenset({"true", "yes", "1", "是"})
_NO_WORDS = frozenset({"false", "no", "0", "否"})


def _yes_no(stored: object) -> bool | None:
    if isinstance(stored, bool):
        return stored
    if isinstance(stored, int | Decimal) and stored in (0, 1):
        return bool(stored)
    word = str(stored).strip().lower()
    return True if word in _YES_WORDS else False if word in _NO_WORDS else None


def type_map(types: Mapping[str, str | None]) -> Callable[[str], str | None]:
    return lambda name: types.get(name)
