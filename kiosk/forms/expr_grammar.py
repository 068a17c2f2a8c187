"""Grammar and parser of the form expression language (see :mod:`kiosk.forms.expr`).

The Lark LALR parser is built once, at import, and reused; :func:`parse` turns
every Lark error into an :class:`ExprSyntaxError` whose message names the column.
Its parse tables are kept in the user's cache folder (Lark's ``cache`` option, which
checks the grammar's digest and Lark's version): built from the grammar they cost
~40 ms of every start (issue 19).
"""

from __future__ import annotations

from pathlib import Path

import lark
from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

GRAMMAR = r"""
?start: or_expr

?or_expr: and_expr
        | or_expr _OR and_expr              -> or_
?and_expr: comparison
         | and_expr _AND comparison         -> and_
?comparison: sum
           | sum COMP_OP sum                -> compare
?sum: product
    | sum (PLUS | MINUS) product            -> arith
?product: unary
        | product (STAR | DIV | MOD) unary  -> arith
?unary: atom
      | MINUS unary                         -> neg
?atom: NUMBER                               -> number
     | STRING                               -> string
     | REF                                  -> ref
     | DOT                                  -> current
     | NAME _LPAR [arguments] _RPAR         -> call
     | NAME                                 -> bare_name
     | _LPAR or_expr _RPAR
arguments: or_expr (_COMMA or_expr)*

_OR.2: /or\b/
_AND.2: /and\b/
DIV.2: /div\b/
MOD.2: /mod\b/
COMP_OP: /<=|>=|!=|=|<|>/
PLUS: "+"
MINUS: "-"
STAR: "*"
_LPAR: "("
_RPAR: ")"
_COMMA: ","
NUMBER: /[0-9]+(\.[0-9]+)?|\.[0-9]+/
STRING: /'[^']*'|"[^"]*"/
REF: /\$\{[^\W\d][\w.\-]*\}/
DOT: "."
NAME: /[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*/

%ignore /\s+/
"""

KEYWORDS = frozenset({"or", "and", "div", "mod"})


def _tables_cache() -> str | bool:
    """Where Lark keeps the parse tables (False: not kept, the folder cannot be made)."""
    from kiosk.forms.catalogue_cache import cache_dir

    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return str(Path(folder) / f"expr-grammar-lark{lark.__version__}.cache")


PARSER = Lark(
    GRAMMAR, parser="lalr", lexer="contextual", maybe_placeholders=True, cache=_tables_cache()
)


class ExprSyntaxError(ValueError):
    """An expression that cannot be compiled; the message names the column (1-based)."""

    def __init__(self, message: str, text: str, column: int, line: int = 1) -> None:
        super().__init__(message)
        self.text = text
        self.column = column
        self.line = line


def where(text: str, line: int, column: int) -> str:
    """'column 14', or 'line 2, column 3' for an expression written on several lines."""
    return f"line {line}, column {column}" if "\n" in text else f"column {column}"


def syntax_error(
    text: str, message: str, line: int, column: int, hint: str = ""
) -> ExprSyntaxError:
    """An ExprSyntaxError reading '<message> at column 14[; <hint>]'."""
    full = f"{message} at {where(text, line, column)}" + (f"; {hint}" if hint else "")
    return ExprSyntaxError(full, text, column, line)


def quote(text: str) -> str:
    return f'"{text}"' if "'" in text else f"'{text}'"


def _end_error(text: str, expected: set[str]) -> ExprSyntaxError:
    body = text.rstrip()
    lines = body.split("\n")
    hint = "a ')' is missing" if "_RPAR" in expected else ""
    return syntax_error(text, "unexpected end of expression", len(lines), len(lines[-1]) + 1, hint)


def _characters_error(text: str, exc: UnexpectedCharacters) -> ExprSyntaxError:
    pos = exc.pos_in_stream
    rest = text[pos:]
    line, column = exc.line, exc.column
    if rest.startswith("${"):
        end = rest.find("}")
        if end < 0:
            return syntax_error(text, "reference '${' is not closed with '}'", line, column)
        if end == 2:
            return syntax_error(text, "empty reference '${}'", line, column)
        return syntax_error(
            text,
            f"invalid reference {quote(rest[: end + 1])}",
            line,
            column,
            "a name starts with a letter or '_' and has only letters, digits, '_', '-' and '.'",
        )
    if exc.char in "'\"":
        return syntax_error(text, f"text starting with {exc.char} is not closed", line, column)
    return syntax_error(text, f"unexpected character {quote(exc.char)}", line, column)


def _token_error(text: str, exc: UnexpectedToken) -> ExprSyntaxError:
    token: Token = exc.token
    if token.type == "$END":
        return _end_error(text, set(exc.expected))
    word = str(token)
    hint = ""
    if token.type == "NAME" and word.lower() in KEYWORDS:
        hint = f"write operators in lowercase: {word.lower()}"
    elif word == "=" and token.start_pos and text[token.start_pos - 1] == "=":
        hint = "compare with a single '='"
    return syntax_error(text, f"unexpected {quote(word)}", token.line or 1, token.column or 1, hint)


def parse(text: str) -> Tree[Token]:
    """Parse text into a Lark tree; every failure is an ExprSyntaxError."""
    if not text.strip():
        raise ExprSyntaxError("the expression is empty", text, 1)
    try:
        return PARSER.parse(text)
    except UnexpectedCharacters as exc:
        raise _characters_error(text, exc) from None
    except UnexpectedToken as exc:
        raise _token_error(text, exc) from None
    except UnexpectedEOF as exc:
        raise _end_error(text, set(exc.expected)) from None
    except LarkError as exc:  # pragma: no cover - any other Lark failure
        raise ExprSyntaxError(f"cannot read the expression: {exc}", text, 1) from None
