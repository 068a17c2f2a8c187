"""Value rules of the form expression language: truth, nulls, coercion, comparison and
arithmetic (``truthy``, ``equals``, ``less``, ``add`` ...).

See :mod:`kiosk.forms.expr` for the language and :mod:`kiosk.forms.expr_functions` for
its functions. Nothing here knows about parsing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

Number = int | float | Decimal


class ExprEvalError(ValueError):
    """A problem found while evaluating: a value of the wrong type, an unknown reference."""


class EvalContext(Protocol):
    """Where an expression gets its values from."""

    def lookup(self, name: str) -> object:
        """Value of ``${name}``; raises KeyError for a name that does not exist."""
        ...

    @property
    def current(self) -> object:
        """Value of ``.`` (the question being checked)."""
        ...

    @property
    def today(self) -> dt.date:
        """The date ``today()`` and ``age()`` use."""
        ...


class Evaluable(Protocol):
    """An AST node, as lazy functions (``if``, ``coalesce``) see their arguments."""

    def evaluate(self, ctx: EvalContext) -> object: ...


# --------------------------------------------------------------------------- values


def truthy(value: object) -> bool:
    """The language's truth rule: None, '', 0, False and [] are false; anything else true."""
    return bool(value)


def is_blank(value: object) -> bool:
    """An unanswered value: None, '' or an empty selection."""
    return value is None or ((isinstance(value, str | list)) and not value)


def describe(value: object) -> str:
    """A short English description of a value for error messages."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, str):
        text = value if len(value) <= 30 else value[:27] + "..."
        return f"the text {text!r}"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    return f"a value of type {type(value).__name__}"


_NUMERIC_TEXT = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
_ISO_DATE = re.compile(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*")


def to_number(value: object) -> Number | None:
    """The number a value stands for, or None when it is not a number or numeric text.

    Numeric text becomes an int, or a Decimal when it has a decimal point (exact money).
    """
    kind = type(value)
    if kind is int or kind is Decimal:
        return value  # type: ignore[return-value]
    if kind is float:  # only from outside (a YAML constant): exact through its shortest text
        return Decimal(repr(value)) if math.isfinite(value) else None  # type: ignore[arg-type]
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        if not _NUMERIC_TEXT.fullmatch(value):
            return None
        text = value.strip()
        return Decimal(text) if "." in text else int(text)
    if isinstance(value, int | float | Decimal):
        return value
    return None


def to_date(value: object) -> dt.date | None:
    """A date from a date (or datetime) or 'YYYY-MM-DD' text; None when it is neither."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def to_string(value: object) -> str:
    """The text form of a value, as ``string()`` gives it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return " ".join(to_string(item) for item in value)
    raise ExprEvalError(f"cannot turn {describe(value)} into text")


def _unify(a: Number, b: Number) -> tuple[Any, Any]:
    """Make a Decimal and a float comparable: the float goes through its text form."""
    if isinstance(a, Decimal) and isinstance(b, float):
        return a, Decimal(repr(b))
    if isinstance(b, Decimal) and isinstance(a, float):
        return Decimal(repr(a)), b
    return a, b


_TRUE_WORDS = frozenset({"true", "yes", "1"})
_FALSE_WORDS = frozenset({"false", "no", "0"})


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        return True if word in _TRUE_WORDS else False if word in _FALSE_WORDS else None
    number = to_number(value)
    return None if number is None else number != 0


# --------------------------------------------------------------------------- comparison

_SAME_TYPE_EQ = frozenset({str, int, bool, float, Decimal, dt.date})
_SAME_TYPE_ORDER = frozenset({int, float, Decimal, dt.date})


def equals(a: object, b: object) -> bool:
    """``a = b``: unanswered equals ''; numbers and numeric text, dates and ISO text mix."""
    kind = type(a)
    if kind is type(b) and kind in _SAME_TYPE_EQ:
        return a == b
    if is_blank(a) or is_blank(b):
        return is_blank(a) and is_blank(b)
    if isinstance(a, list) or isinstance(b, list):
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(equals(x, y) for x, y in zip(a, b, strict=True))
        items, other = (a, b) if isinstance(a, list) else (b, a)
        # like ODK, a multiple choice compares as its space-separated values
        return isinstance(other, str) and to_string(items) == other
    if isinstance(a, bool) or isinstance(b, bool):
        x, y = _as_bool(a), _as_bool(b)
        return x is not None and x == y
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        da, db = to_date(a), to_date(b)
        return da is not None and da == db
    na, nb = to_number(a), to_number(b)
    if na is not None and nb is not None:
        x, y = _unify(na, nb)
        return bool(x == y)
    return type(a) is type(b) and a == b


def not_equals(a: object, b: object) -> bool:
    return not equals(a, b)


def _order(a: object, b: object) -> int | None:
    """-1, 0 or 1, or None when the two values cannot be ordered (then every test is false)."""
    if a is None or b is None:
        return None
    if isinstance(a, list | dict) or isinstance(b, list | dict):
        return None
    x: Any
    y: Any
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        x, y = to_date(a), to_date(b)
    elif isinstance(a, str) and isinstance(b, str):
        # XPath 1.0: < > <= >= compare numbers ('100' > '9'); ISO dates compare as dates;
        # other text has no order (every comparison is false), never the letters' order.
        na, nb = to_number(a), to_number(b)
        if na is not None and nb is not None:
            x, y = _unify(na, nb)
        else:
            x, y = to_date(a), to_date(b)
    else:
        na, nb = to_number(a), to_number(b)
        if na is None or nb is None:
            return None
        x, y = _unify(na, nb)
    if x is None or y is None:
        return None
    try:
        return int(x > y) - int(x < y)
    except (ArithmeticError, TypeError):  # Decimal NaN
        return None


def less(a: object, b: object) -> bool:
    kind = type(a)
    if kind is type(b) and kind in _SAME_TYPE_ORDER:
        return bool(a < b)  # type: ignore[operator]
    order = _order(a, b)
    return order is not None and order < 0


def less_equal(a: object, b: object) -> bool:
    kind = type(a)
    if kind is type(b) and kind in _SAME_TYPE_ORDER:
        return bool(a <= b)  # type: ignore[operator]
    order = _order(a, b)
    return order is not None and order <= 0


def greater(a: object, b: object) -> bool:
    kind = type(a)
    if kind is type(b) and kind in _SAME_TYPE_ORDER:
        return bool(a > b)  # type: ignore[operator]
    order = _order(a, b)
    return order is not None and order > 0


def greater_equal(a: object, b: object) -> bool:
    kind = type(a)
    if kind is type(b) and kind in _SAME_TYPE_ORDER:
        return bool(a >= b)  # type: ignore[operator]
    order = _order(a, b)
    return order is not None and order >= 0


COMPARISONS: dict[str, Callable[[object, object], bool]] = {
    "=": equals,
    "!=": not_equals,
    "<": less,
    "<=": less_equal,
    ">": greater,
    ">=": greater_equal,
}

# --------------------------------------------------------------------------- arithmetic


def need_number(value: object, op: str) -> Number:
    number = to_number(value)
    if number is None:
        raise ExprEvalError(f"cannot use {describe(value)} as a number in '{op}'")
    return number


def _whole_days(value: object, op: str) -> int:
    number = need_number(value, op)
    if number != int(number):
        raise ExprEvalError(f"can only add or subtract whole days to a date, not {number}")
    return int(number)


def _date_arith(op: str, a: object, b: object) -> object:
    da, db = to_date(a), to_date(b)
    if op == "-" and da is not None and db is not None:
        return (da - db).days
    if op == "+" and da is not None and db is None:
        return da + dt.timedelta(days=_whole_days(b, op))
    if op == "+" and db is not None and da is None:
        return db + dt.timedelta(days=_whole_days(a, op))
    if op == "-" and da is not None and db is None:
        return da - dt.timedelta(days=_whole_days(b, op))
    raise ExprEvalError(f"cannot use '{op}' with {describe(a)} and {describe(b)}")


def arithmetic(op: str, a: object, b: object) -> object:
    """``a op b`` for + - * div mod, with the null, date and number-mixing rules.

    A value that is not a number (text such as '很多', a list, a date where days are not
    meant) gives an empty result, as XPath's NaN does; every comparison with it is false.
    """
    if is_blank(a) or is_blank(b):
        return None
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        try:
            return _date_arith(op, a, b)
        except OverflowError as exc:
            raise ExprEvalError(f"date out of range in '{op}'") from exc
        except ExprEvalError:
            return None  # a date times a number: not a number (NaN)
    na, nb = to_number(a), to_number(b)
    if na is None or nb is None:
        return None
    x, y = _unify(na, nb)
    try:
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if y == 0:
            return None  # div or mod by zero
        both_int = isinstance(x, int) and isinstance(y, int)
        if op == "div":  # exact where it can be; otherwise 28 significant digits, never float
            if both_int and x % y == 0:
                return x // y
            return Decimal(x) / Decimal(y)
        # mod: the sign follows the dividend, as in XPath
        if both_int:
            rest = abs(x) % abs(y)
            return -rest if x < 0 else rest
        return x % y
    except ArithmeticError as exc:
        raise ExprEvalError(f"cannot compute {describe(a)} {op} {describe(b)}: {exc}") from exc


def add(a: object, b: object) -> object:
    if type(a) is int and type(b) is int:
        return a + b
    return arithmetic("+", a, b)


def subtract(a: object, b: object) -> object:
    if type(a) is int and type(b) is int:
        return a - b
    return arithmetic("-", a, b)


def multiply(a: object, b: object) -> object:
    if type(a) is int and type(b) is int:
        return a * b
    return arithmetic("*", a, b)


def divide(a: object, b: object) -> object:
    return arithmetic("div", a, b)


def modulo(a: object, b: object) -> object:
    return arithmetic("mod", a, b)


ARITHMETIC: dict[str, Callable[[object, object], object]] = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "div": divide,
    "mod": modulo,
}


def negate(value: object) -> object:
    """Unary minus: unanswered stays unanswered."""
    if is_blank(value):
        return None
    number = to_number(value)
    return None if number is None else -number
