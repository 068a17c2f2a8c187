"""The function library of the form expression language (``if``, ``selected``, ``age`` ...).

See :mod:`kiosk.forms.expr` for the language; value rules live in
:mod:`kiosk.forms.expr_values` and are re-exported here for the evaluator.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kiosk.forms.expr_values import (
    ARITHMETIC,
    COMPARISONS,
    EvalContext,
    ExprEvalError,
    add,
    describe,
    is_blank,
    need_number,
    negate,
    to_date,
    to_number,
    to_string,
    truthy,
)

__all__ = [
    "ARITHMETIC",
    "COMPARISONS",
    "FUNCTIONS",
    "Args",
    "EvalContext",
    "ExprEvalError",
    "FunctionSpec",
    "negate",
    "to_date",
    "truthy",
]


# --------------------------------------------------------------------------- functions

Args = Sequence[Any]


@dataclass(frozen=True)
class FunctionSpec:
    """A function of the language.

    ``impl(ctx, args)`` gets the evaluated argument values, or for a ``lazy``
    function the argument nodes (so ``if`` evaluates only the branch it takes).
    """

    name: str
    min_args: int
    max_args: int | None  # None: any number
    impl: Callable[[EvalContext, Args], object]
    lazy: bool = False


def _need_date(fname: str, value: object) -> dt.date | None:
    if is_blank(value):
        return None
    date = to_date(value)
    if date is None:
        raise ExprEvalError(f"{fname}() needs a date, got {describe(value)}")
    return date


def whole_years(start: dt.date, end: dt.date) -> int:
    """Whole years from start to end, counting a year only on the exact anniversary."""
    if end < start:
        return -whole_years(end, start)
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def _choices(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):  # a repeat's answers: any of them
        return [choice for item in value for choice in _choices(item)]
    if isinstance(value, str):
        return value.split()  # a single choice, or ODK-style "a b c"
    return [to_string(value)]


def _texts(value: object) -> list[str]:
    items = value if isinstance(value, list | tuple) else [value]
    return [to_string(item) for item in items if not is_blank(item)]


def _fn_if(ctx: EvalContext, args: Args) -> object:
    condition, then, otherwise = args
    return then.evaluate(ctx) if truthy(condition.evaluate(ctx)) else otherwise.evaluate(ctx)


def _fn_coalesce(ctx: EvalContext, args: Args) -> object:
    for arg in args:
        value = arg.evaluate(ctx)
        if not is_blank(value):
            return value
    return None


def _fn_count(ctx: EvalContext, args: Args) -> object:
    (value,) = args
    if value is None:
        return 0
    if isinstance(value, list | tuple):
        return len(value)
    raise ExprEvalError(f"count() needs a list or repeat, got {describe(value)}")


def _fn_sum(ctx: EvalContext, args: Args) -> object:
    (value,) = args
    items = value if isinstance(value, list | tuple) else [value]
    total: object = 0
    for item in items:
        if not is_blank(item):
            if to_number(item) is None:
                return None  # XPath: the sum of something that is not a number is NaN
            total = add(total, to_number(item))
    return total


def _fn_int(ctx: EvalContext, args: Args) -> object:
    number = _fn_number(ctx, args)
    if isinstance(number, float) and not math.isfinite(number):
        return None
    return None if number is None else int(number)  # type: ignore[call-overload]


def _fn_number(ctx: EvalContext, args: Args) -> object:
    (value,) = args
    if is_blank(value):
        return None
    number = to_number(value)
    if number is None and not isinstance(value, str):
        raise ExprEvalError(f"cannot turn {describe(value)} into a number")
    return number  # text that is not a number gives an empty value, like XLSForm's NaN


def _fn_date(ctx: EvalContext, args: Args) -> object:
    return _need_date("date", args[0])


def _fn_age(ctx: EvalContext, args: Args) -> object:
    born = _need_date("age", args[0])
    return None if born is None else whole_years(born, ctx.today)


def _fn_years_between(ctx: EvalContext, args: Args) -> object:
    start, end = _need_date("years-between", args[0]), _need_date("years-between", args[1])
    return None if start is None or end is None else whole_years(start, end)


def _fn_days_between(ctx: EvalContext, args: Args) -> object:
    start, end = _need_date("days-between", args[0]), _need_date("days-between", args[1])
    return None if start is None or end is None else (end - start).days


def _extreme(fname: str, args: Args, pick: Callable[[list[Any]], Any]) -> object:
    items = [
        item
        for arg in args
        for item in (arg if isinstance(arg, list | tuple) else [arg])
        if not is_blank(item)
    ]
    if not items:
        return None
    values: list[Any]
    if any(isinstance(item, dt.date) for item in items):
        values = [_need_date(fname, item) for item in items]
    else:
        values = [need_number(item, fname) for item in items]
    return pick(values)


def _fn_round(ctx: EvalContext, args: Args) -> object:
    """round(x, n): n decimal places (0 when left out), half away from zero (四舍五入)."""
    if is_blank(args[0]):
        return None
    number = need_number(args[0], "round")
    places = 0 if len(args) < 2 else need_number(args[1], "round")
    if places != int(places) or not -12 <= places <= 12:
        raise ExprEvalError(f"round() needs a whole number of places from -12 to 12, got {places}")
    exact = number if isinstance(number, Decimal) else Decimal(number)
    rounded = exact.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return int(rounded) if places <= 0 and isinstance(number, int) else rounded


def _fn_position(ctx: EvalContext, args: Args) -> object:
    """position(): the 1-based number of the repeat item being evaluated (ODK's position(..))."""
    where = getattr(ctx, "position", None)
    if where is None:
        raise ExprEvalError("position() is only meaningful inside a repeat")
    return where()


def _fn_indexed_repeat(ctx: EvalContext, args: Args) -> object:
    """indexed-repeat(${field}, ${repeat}, n): the field in item n (1-based) of the repeat."""
    field, repeat, index = args
    if not (hasattr(field, "name") and hasattr(repeat, "name")):
        raise ExprEvalError("indexed-repeat() needs ${field} and ${repeat} as its first two")
    n = need_number(index.evaluate(ctx), "indexed-repeat")
    lookup = getattr(ctx, "indexed", None)
    if lookup is None:
        values = ctx.lookup(field.name)
        items = values if isinstance(values, list) else []
        return items[int(n) - 1] if n == int(n) and 1 <= n <= len(items) else None
    return lookup(field.name, repeat.name, int(n)) if n == int(n) else None


def _fn_policy(ctx: EvalContext, args: Args) -> object:
    """policy('name'): a district policy parameter (kiosk.forms.policy), e.g. an amount
    in 元 or an age in years; the name is checked by ``kiosk forms check``."""
    lookup = getattr(ctx, "policy", None)
    if lookup is None:
        raise ExprEvalError("policy() has no district policy here")
    name = to_string(args[0])
    try:
        return lookup(name)
    except KeyError:
        raise ExprEvalError(f"unknown policy parameter '{name}'") from None
    except ValueError as exc:
        raise ExprEvalError(str(exc)) from None


def _fn_regex(ctx: EvalContext, args: Args) -> object:
    value, pattern = args  # the pattern was compiled when the expression was
    return pattern.fullmatch(to_string(value)) is not None


def _spec(
    name: str, min_args: int, max_args: int | None, lazy: bool = False
) -> Callable[[Callable[[EvalContext, Args], object]], FunctionSpec]:
    def wrap(impl: Callable[[EvalContext, Args], object]) -> FunctionSpec:
        return FunctionSpec(name, min_args, max_args, impl, lazy)

    return wrap


FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in [
        _spec("if", 3, 3, lazy=True)(_fn_if),
        _spec("coalesce", 2, None, lazy=True)(_fn_coalesce),
        _spec("not", 1, 1)(lambda ctx, a: not truthy(a[0])),
        _spec("true", 0, 0)(lambda ctx, a: True),
        _spec("false", 0, 0)(lambda ctx, a: False),
        _spec("selected", 2, 2)(lambda ctx, a: to_string(a[1]) in _choices(a[0])),
        _spec("count-selected", 1, 1)(lambda ctx, a: len(_choices(a[0]))),
        _spec("count", 1, 1)(_fn_count),
        _spec("sum", 1, 1)(_fn_sum),
        _spec("string-length", 1, 1)(lambda ctx, a: len(to_string(a[0]))),
        _spec("regex", 2, 2)(_fn_regex),
        _spec("policy", 1, 1)(_fn_policy),
        _spec("contains", 2, 2)(lambda ctx, a: to_string(a[1]) in to_string(a[0])),
        _spec("starts-with", 2, 2)(lambda ctx, a: to_string(a[0]).startswith(to_string(a[1]))),
        _spec("today", 0, 0)(lambda ctx, a: ctx.today),
        _spec("date", 1, 1)(_fn_date),
        _spec("int", 1, 1)(_fn_int),
        _spec("number", 1, 1)(_fn_number),
        _spec("string", 1, 1)(lambda ctx, a: to_string(a[0])),
        _spec("age", 1, 1)(_fn_age),
        _spec("years-between", 2, 2)(_fn_years_between),
        _spec("days-between", 2, 2)(_fn_days_between),
        _spec("round", 1, 2)(_fn_round),
        _spec("position", 0, 0)(_fn_position),
        _spec("indexed-repeat", 3, 3, lazy=True)(_fn_indexed_repeat),
        _spec("join", 2, 2)(lambda ctx, a: to_string(a[0]).join(_texts(a[1]))),
        _spec("concat", 1, None)(lambda ctx, a: "".join(to_string(v) for v in a)),
        _spec("min", 1, None)(lambda ctx, a: _extreme("min", a, min)),
        _spec("max", 1, None)(lambda ctx, a: _extreme("max", a, max)),
    ]
}
