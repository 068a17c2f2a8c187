"""The safe expression language of form definitions (kiosk.forms.expr)."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.forms.expr import (
    Expression,
    ExprEvalError,
    ExprSyntaxError,
    SimpleContext,
    compile_expression,
    truthy,
)

TODAY = dt.date(2024, 6, 15)

VALUES: dict[str, object] = {
    "yes": "yes",
    "empty": None,
    "blank": "",
    "n3": 3,
    "n0": 0,
    "f": 2.5,
    "money": Decimal("12.50"),
    "t": "3",
    "word": "abc",
    "d": dt.date(2000, 6, 15),
    "ds": "2000-06-15",
    "multi": ["a", "b"],
    "none_selected": [],
    "nums": [1, None, 2, 3],
    "moneys": [Decimal("1.10"), Decimal("2.20")],
    "heirs": [{"name": "A"}, {"name": "B"}],
    "flag": True,
    "big": 10**30,
}


def ev(text: str, current: object = None, **values: object) -> object:
    ctx = SimpleContext({**VALUES, **values}, current=current, today=TODAY)
    return compile_expression(text).evaluate(ctx)


def check(cases: list[tuple[str, object]]) -> None:
    for text, expected in cases:
        got = ev(text)
        assert got == expected and type(got) is type(expected), (text, got, expected)


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


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("(1 + 2", "unexpected end of expression at column 7; a ')' is missing", 7),
        ("${a} = (1 + 2))", "unexpected ')' at column 15", 15),
        ("1 +", "unexpected end of expression at column 4", 4),
        ("${a} and", "unexpected end of expression at column 9", 9),
        ("1 * * 2", "unexpected '*' at column 5", 5),
        ("${a} = 1 = 2", "unexpected '=' at column 10", 10),  # comparisons do not chain
        ("${a} == 1", "unexpected '=' at column 7; compare with a single '='", 7),
        ("foo(1)", "unknown function 'foo' at column 1", 1),
        ("1 + bar-baz(2)", "unknown function 'bar-baz' at column 5", 5),
        ("if(1, 2)", "if() takes 3 arguments, got 2 at column 1", 1),
        ("not(1, 2)", "not() takes 1 argument, got 2 at column 1", 1),
        ("coalesce(1)", "coalesce() takes at least 2 arguments, got 1 at column 1", 1),
        ("today(1)", "today() takes 0 arguments, got 1 at column 1", 1),
        ("regex(., 'a(')", "bad regular expression 'a(' at column 1", 1),
        ("regex(., ${p})", "the pattern of regex() must be quoted text at column 1", 1),
        ("date('2024-13-01')", "date() needs 'YYYY-MM-DD', got '2024-13-01' at column 1", 1),
        ("${}", "empty reference '${}' at column 1", 1),
        ("1 + ${ a }", "invalid reference '${ a }' at column 5", 5),
        ("${a", "reference '${' is not closed with '}' at column 1", 1),
        ("'abc", "text starting with ' is not closed at column 1", 1),
        ("yes", "unexpected word 'yes' at column 1", 1),
        ("${a} = yes", "unexpected word 'yes' at column 8", 8),
        ("${a} AND ${b}", "unexpected 'AND' at column 6; write operators in lowercase: and", 6),
        ("3 mod2", "unexpected 'mod2' at column 3", 3),
        ("${a} （1）", "unexpected character '（' at column 6", 6),
        ("", "the expression is empty", 1),
        ("   ", "the expression is empty", 1),
        ("if(${a},\n   1, )", "unexpected ')' at line 2, column 7", 7),
    ],
)
def test_syntax_errors_name_the_column(text: str, message: str, column: int) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        compile_expression(text)
    assert str(info.value).startswith(message)
    assert info.value.column == column
    assert info.value.text == text
    assert isinstance(info.value, ValueError)


def test_too_deep_nesting_is_a_syntax_error() -> None:
    with pytest.raises(ExprSyntaxError, match="nested"):
        compile_expression("+".join(["1"] * 1000))
    with pytest.raises(ExprSyntaxError, match="nested"):
        compile_expression("-" * 1000 + "1")
    # parentheses alone do not nest the tree
    assert compile_expression("(" * 500 + "1" + ")" * 500).evaluate(SimpleContext({})) == 1


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__('os').system('ls')",
        "eval('1')",
        "exec('x = 1')",
        "open('/etc/passwd')",
        "a.b",
        "${a}.__class__",
        "'x'.upper()",
        "[1]",
        "${a}[0]",
        "(1, 2)[0]",
        "lambda: 1",
        "lambda x: x",
        "1 if 2 else 3",
        "x = 1",
        "import os",
        "{'a': 1}",
        "1; 2",
        "f'{1}'",
        "1 ** 2",
        "1 // 2",
        "1 % 2",
        "not 1",
        "True",
        "None",
        "print(1)",
    ],
)
def test_no_python_evaluation(text: str) -> None:
    with pytest.raises(ExprSyntaxError):
        compile_expression(text)


# --------------------------------------------------------------------------- the Expression object


def test_references_and_uses_current() -> None:
    expr = compile_expression(
        "if(${a} = 'yes', sum(${heirs.share}), coalesce(${b-c}, ${_d}, ${a})) > . "
        "and selected(${名字}, 'x')"
    )
    assert expr.references == frozenset({"a", "heirs.share", "b-c", "_d", "名字"})
    assert expr.uses_current is True
    plain = compile_expression("1 + 2")
    assert plain.references == frozenset()
    assert plain.uses_current is False
    assert compile_expression("regex(., '[0-9]+')").uses_current is True


def test_expression_is_immutable_and_compares_by_source() -> None:
    a = compile_expression("${a} = 1")
    b = compile_expression("${a} = 1")
    assert isinstance(a, Expression)
    assert a == b and hash(a) == hash(b)
    assert a.source == "${a} = 1"
    with pytest.raises(AttributeError):
        a.source = "2"  # type: ignore[misc]


def test_compiled_expression_is_reused() -> None:
    expr = compile_expression("${a} = 'yes' and ${b} > 3")
    assert expr.evaluate(SimpleContext({"a": "yes", "b": 4})) is True
    assert expr.evaluate(SimpleContext({"a": "no", "b": 4})) is False
    assert expr.evaluate(SimpleContext({"a": "yes", "b": None})) is False
    assert expr.evaluate(SimpleContext({"a": None, "b": 9})) is False


# --------------------------------------------------------------------------- properties

ints = st.integers(min_value=-(10**12), max_value=10**12)


@given(ints, ints)
def test_integer_operators_agree_with_python(a: int, b: int) -> None:
    ctx = SimpleContext({"a": a, "b": b})
    assert compile_expression("${a} + ${b}").evaluate(ctx) == a + b
    assert compile_expression("${a} - ${b}").evaluate(ctx) == a - b
    assert compile_expression("${a} * ${b}").evaluate(ctx) == a * b
    assert compile_expression("${a} < ${b}").evaluate(ctx) is (a < b)
    assert compile_expression("${a} = ${b}").evaluate(ctx) is (a == b)
    # the same with the numbers written as literals (a negative one through unary minus)
    empty = SimpleContext({})
    assert compile_expression(f"{a} + {b}").evaluate(empty) == a + b
    assert compile_expression(f"{a} - {b}").evaluate(empty) == a - b
    assert compile_expression(f"{a} * {b}").evaluate(empty) == a * b
    assert compile_expression(f"{a} < {b}").evaluate(empty) is (a < b)
    assert compile_expression(f"{a} = {b}").evaluate(empty) is (a == b)


@given(st.text(max_size=60))
def test_garbage_compiles_or_raises_syntax_error(text: str) -> None:
    with contextlib.suppress(ExprSyntaxError):
        compile_expression(text)


TOKENS = [
    "${a}", "${m}", "${d}", ".", "(", ")", ",", " ", "and", "or", "div", "mod", "-", "+", "*",
    "=", "!=", "<", ">=", "1", "0", "2.5", "'x'", "'2024-01-01'", "''", "if", "coalesce",
    "regex", "'[a-", "count-selected", "selected", "age", "date", "sum", "min", "int",
    "string", "today", "not", "true", "${", "}", "foo",
]  # fmt: skip


@given(st.lists(st.sampled_from(TOKENS), max_size=14).map("".join))
def test_token_soup_compiles_or_raises_and_evaluates_or_raises_eval_error(text: str) -> None:
    try:
        expr = compile_expression(text)
    except ExprSyntaxError:
        return
    ctx = SimpleContext(
        {"a": 3, "m": ["x", "y"], "d": dt.date(2000, 1, 1)}, current="x", today=TODAY
    )
    with contextlib.suppress(ExprEvalError):
        expr.evaluate(ctx)
