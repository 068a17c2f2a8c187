"""The form expression language (kiosk.forms.expr): syntax errors that name the column,
no Python evaluation, the Expression object, and properties checked with Hypothesis."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from expr_cases import TODAY
from hypothesis import given
from hypothesis import strategies as st

from kiosk.forms.expr import (
    Expression,
    ExprEvalError,
    ExprSyntaxError,
    SimpleContext,
    compile_expression,
)

# --------------------------------------------------------------------------- literals and refs
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
