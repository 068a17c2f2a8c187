"""The safe expression language of form definitions (relevant, constraint, calculation).

XLSForm-like, so people who know ODK feel at home.  Expressions are parsed by a
Lark LALR grammar (:mod:`kiosk.forms.expr_grammar`) into a small immutable AST
of dataclasses and evaluated by walking it; nothing is ever handed to Python's
eval/exec/compile.  Compile once when a form loads, evaluate many times::

    expr = compile_expression("${a} = 'yes' and ${b} > 3")
    expr.evaluate(SimpleContext({"a": "yes", "b": 4}))   # True
    expr.references                                        # frozenset({'a', 'b'})

Language
    ``${name}`` a question's value; ``.`` the value being checked (constraints);
    ``12``, ``3.50`` (a Decimal), ``'text'`` or ``"text"`` (no escapes);
    operators from lowest to highest precedence: ``or``; ``and``;
    ``= != < <= > >=`` (not chainable); ``+ -``; ``* div mod``; unary ``-``;
    parentheses.  Functions: see ``kiosk.forms.expr_functions.FUNCTIONS``.

Null and mixing rules
    An unanswered value (None, or an empty selection) equals ''; arithmetic with
    it gives None; ordering comparisons with it are false; ``and``/``or`` treat
    it as false.  Numbers mix (a Decimal with a float goes through the float's
    text); numeric text compared with a number is converted; dates compare with
    dates and 'YYYY-MM-DD' text; ``date ± n`` adds days, ``date - date`` gives
    days.  ``div`` or ``mod`` by zero gives None.  A value of the wrong kind
    (``age('abc')``, ``'abc' + 1``) raises ExprEvalError.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from lark import Token, Tree

from kiosk.forms.expr_functions import (
    ARITHMETIC,
    COMPARISONS,
    FUNCTIONS,
    Args,
    EvalContext,
    ExprEvalError,
    negate,
    to_date,
    truthy,
)
from kiosk.forms.expr_grammar import KEYWORDS, ExprSyntaxError, parse, quote, syntax_error

__all__ = [
    "EvalContext",
    "ExprEvalError",
    "ExprSyntaxError",
    "Expression",
    "SimpleContext",
    "compile_expression",
    "truthy",
]

MAX_DEPTH = 200  # deeper expressions are refused, so evaluation never exhausts the stack


# --------------------------------------------------------------------------- AST


class Node:
    """An AST node: immutable, evaluated by ``evaluate(ctx)``."""

    __slots__ = ()

    def evaluate(self, ctx: EvalContext) -> object:
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: object

    def evaluate(self, ctx: EvalContext) -> object:
        return self.value


@dataclass(frozen=True, slots=True)
class Ref(Node):
    name: str

    def evaluate(self, ctx: EvalContext) -> object:
        try:
            return ctx.lookup(self.name)
        except KeyError:
            raise ExprEvalError(f"unknown reference ${{{self.name}}}") from None


@dataclass(frozen=True, slots=True)
class Current(Node):
    def evaluate(self, ctx: EvalContext) -> object:
        return ctx.current


@dataclass(frozen=True, slots=True)
class Negate(Node):
    operand: Node

    def evaluate(self, ctx: EvalContext) -> object:
        return negate(self.operand.evaluate(ctx))

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class And(Node):
    left: Node
    right: Node

    def evaluate(self, ctx: EvalContext) -> object:
        return truthy(self.left.evaluate(ctx)) and truthy(self.right.evaluate(ctx))

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Or(Node):
    left: Node
    right: Node

    def evaluate(self, ctx: EvalContext) -> object:
        return truthy(self.left.evaluate(ctx)) or truthy(self.right.evaluate(ctx))

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """A comparison or arithmetic operator; ``fn`` is its value rule, chosen at compile time."""

    op: str
    left: Node
    right: Node
    fn: Callable[[object, object], object] = field(repr=False, compare=False)

    def evaluate(self, ctx: EvalContext) -> object:
        return self.fn(self.left.evaluate(ctx), self.right.evaluate(ctx))

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A function call; a lazy function gets the argument nodes instead of their values."""

    name: str
    args: tuple[Node, ...]
    fn: Callable[[EvalContext, Args], object] = field(repr=False, compare=False)
    lazy: bool = False

    def evaluate(self, ctx: EvalContext) -> object:
        if self.lazy:
            return self.fn(ctx, self.args)
        return self.fn(ctx, [arg.evaluate(ctx) for arg in self.args])

    def children(self) -> tuple[Node, ...]:
        return self.args


def policy_names(node: Node) -> set[str]:
    """The parameter names of every policy('…') call in a tree."""
    return {
        str(n.args[0].value)  # type: ignore[attr-defined]
        for n in walk(node)
        if isinstance(n, Call) and n.name == "policy"
    }


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, the root first."""
    yield node
    for child in node.children():
        yield from walk(child)


# --------------------------------------------------------------------------- compiling


class _Builder:
    """Turns a Lark tree into AST nodes, checking functions, arity and regex literals."""

    def __init__(self, text: str) -> None:
        self.text = text

    def error(self, message: str, token: Token, hint: str = "") -> ExprSyntaxError:
        return syntax_error(self.text, message, token.line or 1, token.column or 1, hint)

    def build(self, tree: Tree[Token] | Token, depth: int = 0) -> Node:
        if depth > MAX_DEPTH:
            raise ExprSyntaxError(
                f"the expression is nested more than {MAX_DEPTH} levels deep", self.text, 1
            )
        if not isinstance(tree, Tree):  # the grammar wraps every token in a rule
            raise RuntimeError(f"a bare token {tree!r} where a rule was expected (a bug)")
        kind, kids = tree.data, tree.children
        if kind == "number":
            text = str(kids[0])
            return Literal(Decimal(text) if "." in text else int(text))
        if kind == "string":
            return Literal(str(kids[0])[1:-1])
        if kind == "ref":
            return Ref(str(kids[0])[2:-1])
        if kind == "current":
            return Current()
        if kind == "bare_name":
            return self.bare_name(cast(Token, kids[0]))
        if kind == "call":
            return self.call(cast(Token, kids[0]), cast("Tree[Token] | None", kids[1]), depth)
        if kind == "neg":
            operand = self.build(kids[1], depth + 1)
            if isinstance(operand, Literal) and isinstance(operand.value, int | Decimal):
                return Literal(-operand.value)
            return Negate(operand)
        left, right = self.build(kids[0], depth + 1), self.build(kids[-1], depth + 1)
        if kind == "or_":
            return Or(left, right)
        if kind == "and_":
            return And(left, right)
        op = str(kids[1])
        fn = COMPARISONS.get(op) or ARITHMETIC[op]
        return Binary(op, left, right, fn)

    def bare_name(self, token: Token) -> Node:
        name = str(token)
        if name.lower() in KEYWORDS:
            raise self.error(f"unexpected {quote(name)}", token)
        raise self.error(
            f"unexpected word {quote(name)}",
            token,
            f"write ${{{name}}} for a question's value, '{name}' for text,"
            f" or {name}(...) for a function",
        )

    def call(self, token: Token, arguments: Tree[Token] | None, depth: int) -> Node:
        name = str(token)
        spec = FUNCTIONS.get(name)
        if spec is None:
            raise self.error(f"unknown function {quote(name)}", token)
        arg_trees = [] if arguments is None else arguments.children
        count = len(arg_trees)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            if spec.max_args is None:
                wanted = f"at least {spec.min_args}"
            elif spec.min_args == spec.max_args:
                wanted = str(spec.min_args)
            else:
                wanted = f"{spec.min_args} to {spec.max_args}"
            noun = "argument" if wanted.endswith(" 1") or wanted == "1" else "arguments"
            raise self.error(f"{name}() takes {wanted} {noun}, got {count}", token)
        args = tuple(self.build(arg, depth + 1) for arg in arg_trees)
        if name == "regex":
            args = (args[0], self.regex_pattern(args[1], token))
        elif name == "date":
            self.check_date_literal(args[0], token)
        elif name == "policy" and not (
            isinstance(args[0], Literal) and isinstance(args[0].value, str)
        ):
            raise self.error("policy() needs the parameter's name in quotes", token)
        elif name == "indexed-repeat" and not all(isinstance(a, Ref) for a in args[:2]):
            raise self.error("indexed-repeat() needs ${field} and ${repeat} first", token)
        return Call(name, args, spec.impl, spec.lazy)

    def regex_pattern(self, arg: Node, token: Token) -> Literal:
        if not (isinstance(arg, Literal) and isinstance(arg.value, str)):
            raise self.error("the pattern of regex() must be quoted text", token)
        try:
            return Literal(re.compile(arg.value))
        except (re.error, ValueError, OverflowError, RecursionError) as exc:
            raise self.error(
                f"bad regular expression {quote(arg.value)}", token, str(exc)
            ) from None

    def check_date_literal(self, arg: Node, token: Token) -> None:
        if isinstance(arg, Literal) and isinstance(arg.value, str) and to_date(arg.value) is None:
            raise self.error(f"date() needs 'YYYY-MM-DD', got {quote(arg.value)}", token)


@dataclass(frozen=True)
class Expression:
    """A compiled expression.  Equal when the source text is equal."""

    source: str
    root: Node = field(repr=False, compare=False)
    _references: frozenset[str] = field(init=False, repr=False, compare=False)
    _uses_current: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        nodes = list(walk(self.root))
        refs = frozenset(node.name for node in nodes if isinstance(node, Ref))
        object.__setattr__(self, "_references", refs)
        object.__setattr__(self, "_uses_current", any(isinstance(n, Current) for n in nodes))

    def evaluate(self, ctx: EvalContext) -> object:
        """The value of the expression; raises ExprEvalError on a type problem."""
        try:
            return self.root.evaluate(ctx)
        except ExprEvalError:
            raise
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise ExprEvalError(f"cannot evaluate {self.source!r}: {exc}") from exc

    @property
    def references(self) -> frozenset[str]:
        """Every ``${name}`` the expression uses."""
        return self._references

    @property
    def uses_current(self) -> bool:
        """Whether the expression uses ``.``."""
        return self._uses_current


@functools.lru_cache(maxsize=8192)
def compile_expression(text: str) -> Expression:
    """Parse and check an expression; raises ExprSyntaxError naming the column.

    Cached by text: expressions are immutable, and the service path meets the same
    ones on every call."""
    tree = parse(text)
    try:
        root = _Builder(text).build(tree)
    except RecursionError:
        raise ExprSyntaxError("the expression is nested too deeply", text, 1) from None
    return Expression(text, root)


@dataclass
class SimpleContext:
    """An EvalContext over a dict, for tests and simple callers."""

    values: Mapping[str, object]
    current: object = None
    today: dt.date = field(default_factory=dt.date.today)

    def lookup(self, name: str) -> object:
        """Value of ``${name}``; KeyError for an unknown name."""
        return self.values[name]
