"""What the expression tests share: the answers an expression sees (``VALUES``, on
``TODAY``), ``ev`` to evaluate one text and ``check`` for a table of texts and results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kiosk.forms.expr import SimpleContext, compile_expression

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
