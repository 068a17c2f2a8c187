"""The functions of the form expression language (kiosk.forms.expr): if, coalesce,
selections, count and sum, text, conversions, dates, min and max, truthiness."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from expr_cases import TODAY, check, ev

from kiosk.forms.expr import ExprEvalError, truthy

# --------------------------------------------------------------------------- functions


def test_if_and_coalesce() -> None:
    check(
        [
            ("if(${yes} = 'yes', 1, 2)", 1),
            ("if(${empty}, 1, 2)", 2),
            ("if(true(), 'a', age(${word}))", "a"),  # only the branch taken is evaluated
            ("coalesce(${empty}, ${blank}, 'x')", "x"),
            ("coalesce(${n0}, 5)", 0),
            ("coalesce(${empty}, ${blank})", None),
            ("coalesce(${money}, age(${word}))", Decimal("12.50")),
        ]
    )


def test_selection_functions() -> None:
    check(
        [
            ("selected(${multi}, 'a')", True),
            ("selected(${multi}, 'c')", False),
            ("selected(${yes}, 'yes')", True),
            ("selected(${empty}, 'a')", False),
            ("selected('a b', 'b')", True),
            ("selected(${n3}, 3)", True),
            ("count-selected(${multi})", 2),
            ("count-selected(${none_selected})", 0),
            ("count-selected(${empty})", 0),
            ("count-selected(${yes})", 1),
        ]
    )


def test_count_and_sum() -> None:
    check(
        [
            ("count(${heirs})", 2),
            ("count(${multi})", 2),
            ("count(${empty})", 0),
            ("sum(${nums})", 6),
            ("sum(${moneys})", Decimal("3.30")),
            ("sum(${empty})", 0),
            ("sum(${none_selected})", 0),
            ("sum(${n3})", 3),
            ("sum(${moneys}) > 3", True),
        ]
    )
    with pytest.raises(ExprEvalError, match="count"):
        ev("count(${word})")
    assert ev("sum(${multi})") is None  # text summed is NaN


def test_text_functions() -> None:
    check(
        [
            ("string-length(${word})", 3),
            ("string-length(${empty})", 0),
            ("string-length('中文')", 2),
            ("contains(${word}, 'bc')", True),
            ("contains(${word}, 'x')", False),
            ("contains(${empty}, 'x')", False),
            ("starts-with(${word}, 'ab')", True),
            ("starts-with(${word}, 'b')", False),
            ("regex('13800138000', '1[3-9][0-9]{9}')", True),
            ("regex('138001380001', '1[3-9][0-9]{9}')", False),  # a full match, not a search
            ("regex(${word}, 'b')", False),
            ("regex(${empty}, '[0-9]*')", True),
            ("regex(${n3}, '[0-9]')", True),
        ]
    )


def test_conversion_functions() -> None:
    check(
        [
            ("int(3.7)", 3),
            ("int(-3.7)", -3),  # toward zero
            ("int('42')", 42),
            ("int(${f})", 2),
            ("int(${empty})", None),
            ("int('abc')", None),
            ("number('3.25')", Decimal("3.25")),
            ("number('7')", 7),
            ("number(${n3})", 3),
            ("number(${flag})", 1),
            ("number('')", None),
            ("number('x1')", None),
            ("string(12)", "12"),
            ("string(${money})", "12.50"),
            ("string(${f})", "2.5"),
            ("string(6 div 2)", "3"),
            ("string(${d})", "2000-06-15"),
            ("string(${empty})", ""),
            ("string(true())", "true"),
            ("string(${multi})", "a b"),
            ("date('2024-01-01')", dt.date(2024, 1, 1)),
            ("date(${ds})", dt.date(2000, 6, 15)),
            ("date(${d})", dt.date(2000, 6, 15)),
            ("date(${empty})", None),
        ]
    )
    with pytest.raises(ExprEvalError, match="date"):
        ev("date(${word})")
    with pytest.raises(ExprEvalError):
        ev("number(${d})")
    with pytest.raises(ExprEvalError):
        ev("string(${heirs})")


def test_date_functions() -> None:
    check(
        [
            ("today()", TODAY),
            ("age(${d})", 24),  # birthday today
            ("age('2000-06-16')", 23),  # one day short
            ("age(${ds})", 24),
            ("age(${empty})", None),
            ("age(${d}) >= 18", True),
            ("years-between('2000-02-29', '2001-02-28')", 0),
            ("years-between('2000-02-29', '2001-03-01')", 1),
            ("years-between('2000-01-01', '2010-01-01')", 10),
            ("years-between('2010-01-01', '2000-01-02')", -9),
            ("years-between(${empty}, today())", None),
            ("days-between('2024-01-01', '2024-03-01')", 60),
            ("days-between('2024-03-01', '2024-01-01')", -60),
            ("days-between(${d}, ${empty})", None),
        ]
    )
    with pytest.raises(ExprEvalError, match="age"):
        ev("age(${word})")
    with pytest.raises(ExprEvalError, match="age"):
        ev("age(3)")
    with pytest.raises(ExprEvalError, match="days-between"):
        ev("days-between(${word}, today())")


def test_min_max() -> None:
    check(
        [
            ("min(3, 1, 2)", 1),
            ("max(3, 1, 2)", 3),
            ("max(${nums})", 3),
            ("min(${nums}, 0.5)", Decimal("0.5")),
            ("max(${money}, ${f})", Decimal("12.50")),
            ("max('10', 9)", 10),
            ("min(${empty}, 4)", 4),
            ("max(${empty})", None),
            ("min(${d}, '1999-01-01')", dt.date(1999, 1, 1)),
            ("max(${d}, today())", TODAY),
        ]
    )
    with pytest.raises(ExprEvalError):
        ev("max(${word}, 1)")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        ("", False),
        (0, False),
        (0.0, False),
        (Decimal("0.00"), False),
        (False, False),
        ([], False),
        ("0", True),
        ("false", True),
        (1, True),
        (Decimal("0.01"), True),
        (["a"], True),
        (dt.date(2024, 1, 1), True),
    ],
)
def test_truthy(value: object, expected: bool) -> None:
    assert truthy(value) is expected
