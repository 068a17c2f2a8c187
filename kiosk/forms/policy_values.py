"""What a district policy parameter's value may be, by its declared unit (issue 16).

A policy file is data typed by hand; a wrong type would reach residents as a wrong
deadline or amount. Each unit says what its value holds:

- ``周岁``, ``天``, ``个工作日``, ``年``, ``个月``, ``级``: a whole number, 0 or more (an age, a
  deadline in days, a 残疾等级); ``年`` may instead be a table (cohort rows, see below);
- ``元``: an amount of money, 0 or more, at most two decimals (分), as a YAML number;
- ``电话``: a phone number as text: digits, optionally a ``-`` after the area code,
  3 to 20 characters (12345, 023-43721234);
- ``名称``, ``文字``: non-empty text;
- a table (a list of rows, each a mapping of column → number or text) is allowed for
  the units in TABLE_UNITS only.

``None`` means "not known yet" and is allowed only when ``confirmed`` is false.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

WHOLE_UNITS = frozenset({"周岁", "天", "个工作日", "年", "个月", "级"})  # 级: 残疾等级
MONEY_UNITS = frozenset({"元"})
PHONE_UNITS = frozenset({"电话"})
TEXT_UNITS = frozenset({"名称", "文字"})
TABLE_UNITS = frozenset({"年", "周岁", "元"})
UNITS = WHOLE_UNITS | MONEY_UNITS | PHONE_UNITS | TEXT_UNITS
PHONE = re.compile(r"^\d{2,6}(-\d{3,12})?$")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def value_problem(unit: str, value: object, confirmed: bool) -> str | None:
    """Why ``value`` does not fit ``unit`` (English, for the policy file's author), or None."""
    if unit not in UNITS:
        return f"unknown unit {unit!r} (one of {', '.join(sorted(UNITS))})"
    if value is None:
        return "a value that is not known yet must be confirmed: false" if confirmed else None
    if isinstance(value, list):
        if unit not in TABLE_UNITS:
            return f"a table is not a value in {unit}"
        if not value or not all(isinstance(row, dict) and row for row in value):
            return "a table is a list of rows, each a mapping of column to value"
        return None
    if unit in WHOLE_UNITS:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"a value in {unit} is a whole number, 0 or more (got {value!r})"
    elif unit in MONEY_UNITS:
        if not _is_number(value):
            return f"an amount in 元 is a number (got {value!r})"
        try:
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(int(str(value)))
        except InvalidOperation:
            return f"an amount in 元 is a number (got {value!r})"
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            return f"an amount in 元 is 0 or more with at most two decimals (got {value!r})"
    elif unit in PHONE_UNITS:
        if not isinstance(value, str) or not PHONE.match(value):
            return (
                f"a phone number is text of digits, e.g. '12345' or '023-43721234' (got {value!r})"
            )
    elif not isinstance(value, str) or not value.strip():
        return f"a value in {unit} is non-empty text (got {value!r})"
    return None
