"""The safe expression language of form definitions (kiosk.forms.expr): literals,
references and operators (functions: test_expr_functions.py; syntax and properties:
test_expr_syntax.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from expr_cases import TODAY, check, ev

from kiosk.forms.expr import (
    ExprEvalError,
    SimpleContext,
)

# --------------------------------------------------------------------------- literals and refs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("3.50", Decimal("3.50")),
        (".5", Decimal("0.5")),
        ("'single'", "single"),
        ('"double"', "double"),
        ('"it\'s"', "it's"),
        ("''", ""),
        ("'中文'", "中文"),
        ("true()", True),
        ("false()", False),
        ("${yes}", "yes"),
        ("${empty}", None),
        ("${multi}", ["a", "b"]),
        ("-3", -3),
        ("- -3", 3),
        ("-${n3}", -3),
        ("-${empty}", None),
        ("-${t}", -3),
        ("(((1)))", 1),
    ],
)
def test_literals_and_references(text: str, expected: object) -> None:
    got = ev(text)
    assert got == expected and type(got) is type(expected)


def test_current_value() -> None:
    assert ev(".", current=7) == 7
    assert ev(". >= 18 and . <= 120", current=30) is True
    assert ev(". >= 18 and . <= 120", current=12) is False
    assert ev("string-length(.) = 11", current="13800138000") is True


def test_unknown_reference_is_an_eval_error() -> None:
    with pytest.raises(ExprEvalError, match=r"\$\{nope\}"):
        ev("${nope} = 1")


def test_simple_context_lookup() -> None:
    ctx = SimpleContext({"a": 1})
    assert ctx.lookup("a") == 1
    assert ctx.current is None
    assert ctx.today == dt.date.today()
    with pytest.raises(KeyError):
        ctx.lookup("b")


# --------------------------------------------------------------------------- operators


def test_arithmetic() -> None:
    check(
        [
            ("1 + 2", 3),
            ("5 - 7", -2),
            ("6 * 7", 42),
            ("7 div 2", Decimal("3.5")),  # exact decimals, never float
            ("6 div 2", 3),
            ("7 mod 3", 1),
            ("-7 mod 3", -1),  # sign of the dividend, as in XPath
            ("7 mod -3", 1),
            ("1 div 0", None),
            ("1 mod 0", None),
            ("${money} div 0", None),
            ("2 + 3 * 4", 14),
            ("(2 + 3) * 4", 20),
            ("10 - 4 - 3", 3),
            ("-2 * 3", -6),
            ("2 * -3", -6),
            ("24 div 4 div 2", 3),
            ("${big} + 1", 10**30 + 1),
        ]
    )


def test_number_mixing() -> None:
    check(
        [
            ("${money} + 1", Decimal("13.50")),
            ("${money} * 2", Decimal("25.00")),
            ("${money} + 0.1", Decimal("12.60")),
            ("${money} + ${f}", Decimal("15.00")),
            ("${f} + 1", Decimal("3.5")),  # a float from outside is taken exactly
            ("${f} * 2", Decimal("5.0")),
            ("${t} + 1", 4),
            ("'1.5' + 1", Decimal("2.5")),
            ("0.1 + 0.2 = 0.3", True),
            ("${money} div 4", Decimal("3.125")),
            ("${money} mod 5", Decimal("2.50")),
            ("${f} mod 2", Decimal("0.5")),
            ("${flag} + 1", 2),
        ]
    )


def test_arithmetic_with_unanswered_gives_none() -> None:
    for text in [
        "${empty} + 1",
        "1 - ${empty}",
        "${empty} * 2",
        "${blank} div 2",
        "2 mod ${empty}",
    ]:
        assert ev(text) is None, text


def test_arithmetic_with_what_is_not_a_number_is_empty_like_xpath_nan() -> None:
    for text in ["${word} + 1", "${heirs} * 2", "${d} * 2", "-${word}"]:
        assert ev(text) is None, text
    assert ev("${word} * 2 > 5") is False
    assert ev("not(${word} * 2 > 5)") is True


def test_date_arithmetic() -> None:
    check(
        [
            ("${d} + 30", dt.date(2000, 7, 15)),
            ("1 + ${d}", dt.date(2000, 6, 16)),
            ("${d} - 1", dt.date(2000, 6, 14)),
            ("today() - ${d}", (TODAY - dt.date(2000, 6, 15)).days),
            ("today() - '2024-06-01'", 14),
        ]
    )
    assert ev("${d} + 1.5") is None  # only whole days move a date


def test_equality_and_null_rules() -> None:
    check(
        [
            ("${yes} = 'yes'", True),
            ("${yes} != 'yes'", False),
            ("${empty} = ''", True),
            ("${empty} != ''", False),
            ("${blank} = ''", True),
            ("${none_selected} = ''", True),
            ("${empty} = ${blank}", True),
            ("${empty} = 0", False),
            ("${empty} != 0", True),
            ("${n0} = ''", False),
            ("${n3} = 3", True),
            ("${n3} = 3.0", True),
            ("${n3} = '3'", True),
            ("'3' = ${n3}", True),
            ("${t} = 3", True),
            ("${n3} = 'three'", False),
            ("${money} = 12.5", True),
            ("${money} = '12.50'", True),
            ("${f} = 2.5", True),
            ("'3' = '3.0'", False),  # text compares with text
            ("'a' = 'a'", True),
            ("${d} = '2000-06-15'", True),
            ("'2000-06-15' = ${d}", True),
            ("${d} = ${ds}", True),
            ("${d} = 'not a date'", False),
            ("${d} = date('2000-06-15')", True),
            ("${flag} = true()", True),
            ("${flag} = 'yes'", True),
            ("${flag} = 'false'", False),
            ("${flag} = 1", True),
            ("true() = false()", False),
            ("${multi} = 'a b'", True),
            ("${multi} = 'a'", False),
        ]
    )


def test_ordering() -> None:
    check(
        [
            ("1 < 2", True),
            ("2 < 1", False),
            ("2 <= 2", True),
            ("3 > 2", True),
            ("2 >= 3", False),
            ("${f} > 2", True),
            ("${money} >= 12.5", True),
            ("${money} < ${f}", False),
            ("${t} > 2", True),  # numeric text against a number converts the text
            ("'10' > 9", True),
            ("'10' > '9'", True),  # XPath: < and > compare numbers, never text order
            ("'b' > 'a'", False),  # text has no order: every comparison is false
            ("${d} < '2001-01-01'", True),
            ("${d} >= date('2000-06-15')", True),
            ("'1999-12-31' < ${d}", True),
            ("${d} < 'soon'", False),
            ("${word} > 1", False),
            ("${multi} > 1", False),
            ("${flag} > 0", True),
        ]
    )


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_ordering_with_unanswered_is_false(op: str) -> None:
    assert ev(f"${{empty}} {op} 1") is False
    assert ev(f"1 {op} ${{empty}}") is False
    assert ev(f"${{empty}} {op} ${{empty}}") is False
    assert ev(f"${{blank}} {op} 1") is False


def test_and_or_not() -> None:
    check(
        [
            ("true() and true()", True),
            ("true() and false()", False),
            ("false() or true()", True),
            ("false() or false()", False),
            ("${empty} or ${empty}", False),
            ("${empty} and true()", False),
            ("not(${empty})", True),
            ("not(${yes})", False),
            ("not(0)", True),
            ("1 or 0 and 0", True),  # and binds tighter than or
            ("(1 or 0) and 0", False),
            ("1 = 1 and 2 > 1", True),
            ("${n3} + 1 = 4", True),
            ("'x' and ''", False),
        ]
    )


def test_and_or_short_circuit() -> None:
    # the right side would be an eval error if it were evaluated
    assert ev("false() and age(${word}) > 1") is False
    assert ev("true() or age(${word}) > 1") is True
