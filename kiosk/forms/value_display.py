"""Answers in words, as the check-answers page and the print show them.

Dates as 2024年3月5日, money as "3,600.00 元", yes/no as 是/否, choices by their labels,
a village with its group (东村3组), a bank account in groups of four; a calculation in
its value type (kiosk.forms.value_types).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.forms.schema import Choice, Question
from kiosk.forms.value_problems import is_empty
from kiosk.forms.value_types import decimal_text, read


def display(q: Question, value: Any, choices: list[Choice], value_type: str | None = None) -> str:
    """An answer in words, as the check-answers page and the print show it.

    A calculation is shown in its value type (``value_type``): money as ``3,600.00 元``,
    yes/no as 是/否, a date in words.
    """
    if is_empty(value):
        return ""
    if q.type == "calculate":
        return _display_typed(value, value_type or q.result_type, q.unit)
    labels = {c.value: c.label for c in choices}
    if q.type == "date":
        d = value if isinstance(value, date) else date.fromisoformat(str(value))
        return f"{d.year}年{d.month}月{d.day}日"
    if q.type == "money":
        amount = read(value, "money")
        return f"{amount:,.2f} 元" if amount is not None else str(value)
    if q.type == "yes_no":
        return "是" if value is True else "否" if value is False else str(value)
    if q.type == "select_multiple":
        return "、".join(labels.get(v, v) for v in value)
    if q.type == "village" and q.with_group and "-" in str(value):
        village, _, group = str(value).partition("-")
        return f"{labels.get(village, village)}{group}组"
    if q.type in ("select_one", "village", "relationship"):
        return labels.get(value, str(value))
    if q.type in ("number", "decimal"):
        return f"{value}{q.unit or ''}"
    if q.type == "signature":
        return "已签名"
    if q.type == "bank_account":
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return str(value)


def _display_typed(value: Any, value_type: str | None, unit: str | None) -> str:
    """A calculated value in words by its type; it may arrive as an int, a float, a
    Decimal, a decimal string or a bool, so 4800 reads "4,800.00 元" as money."""
    typed_value = read(value, value_type)
    if typed_value is None:
        return str(value)
    if value_type == "money":
        return f"{typed_value:,.2f} 元"
    if value_type == "yes_no" or isinstance(typed_value, bool):
        return "是" if typed_value else "否"
    if value_type == "date":
        return f"{typed_value.year}年{typed_value.month}月{typed_value.day}日"
    if value_type in ("integer", "decimal"):
        number = typed_value if isinstance(typed_value, int) else decimal_text(typed_value)
        return f"{number}{unit or ''}"
    if isinstance(typed_value, list):
        return "、".join(str(v) for v in typed_value)
    return str(value)
