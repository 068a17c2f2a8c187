"""Answers that are numbers: whole numbers, decimals and money, typed or pasted.

Full-width digits are read as ASCII, commas only where they group thousands; a form's
own min/max apply, and without them the kiosk's limits (MAX_WHOLE, MAX_MONEY). Money is
stored as a decimal string with two places ("1234.50"), a decimal as its exact text.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from kiosk.domain.errors import ValidationProblem
from kiosk.forms.schema import Choice, Question
from kiosk.forms.value_problems import problem
from kiosk.forms.value_types import decimal_text

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")


# Without a form's own min/max: whole numbers fit 15 digits, money a trillion yuan. Above
# that an answer is a typing slip, and the number would not survive JSON or the server.
MAX_WHOLE = 10**15 - 1
MAX_MONEY = Decimal("999999999999.99")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")  # ASCII digits only
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def _clean_number(raw: Any) -> str:
    """Full-width digits made ASCII; commas taken out only where they group thousands
    (1,200.50), so "3,6" stays invalid rather than becoming 36."""
    text = str(raw).translate(_FULLWIDTH).strip()
    if "," in text and _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    return text


def _out_of_range(q: Question, value: Decimal | int, unit: str) -> list[ValidationProblem]:
    lo = None if q.min is None else Decimal(str(q.min))
    hi = None if q.max is None else Decimal(str(q.max))
    if (lo is None or value >= lo) and (hi is None or value <= hi):
        return []
    lo_text = "" if lo is None else f"{lo.normalize():f}"
    hi_text = "" if hi is None else f"{hi.normalize():f}"
    if lo_text and hi_text:
        words = f"请输入{lo_text}到{hi_text}{unit}之间的数。"
    elif lo_text:
        words = f"请输入不小于{lo_text}{unit}的数。"
    else:
        words = f"请输入不大于{hi_text}{unit}的数。"
    return [
        problem(
            "number.range",
            words,
            f"number must be between {lo_text or '-inf'} and {hi_text or 'inf'}",
        )
    ]


def _minus_zero(text: str) -> list[ValidationProblem]:
    """``-0``, ``-0.00``: no amount is "minus nothing"; a slip of the sign key is refused."""
    if text.startswith("-") and _PLAIN_NUMBER.fullmatch(text) and Decimal(text) == 0:
        return [problem("number.minus_zero", "0 前面不用负号，请重新输入。", "minus zero")]
    return []


def _too_big(limit: Decimal | int, unit: str) -> list[ValidationProblem]:
    return [
        problem(
            "number.too_big",
            f"这个数太大了，请核对后重新输入（最多{limit}{unit}）。",
            f"number is larger than {limit}",
        )
    ]


def _number(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    if isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = _clean_number(raw)
    if found := _minus_zero(text):
        return None, found
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return None, [problem("number.invalid", "请只输入整数。", "not a whole number")]
    if len(text.lstrip("+-")) > 18 or abs(int(text)) > MAX_WHOLE:
        return None, _too_big(MAX_WHOLE, q.unit or "")
    value = int(text)
    found = _out_of_range(q, value, q.unit or "")
    return (None, found) if found else (value, [])


def _decimal(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    if isinstance(raw, bool):
        raw = str(raw)
    text = _clean_number(raw)
    if found := _minus_zero(text):
        return None, found
    if not _PLAIN_NUMBER.fullmatch(text) or len(text.lstrip("+-0").replace(".", "")) > 20:
        return None, [problem("decimal.invalid", "请输入数字，例如 2.5。", "not a decimal number")]
    amount = Decimal(text)
    if abs(amount) > MAX_WHOLE:
        return None, _too_big(MAX_WHOLE, q.unit or "")
    found = _out_of_range(q, amount, q.unit or "")
    return (None, found) if found else (decimal_text(amount), [])


def _money(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    if isinstance(raw, bool):
        raw = str(raw)
    text = _clean_number(str(raw).strip().removeprefix("¥").removeprefix("￥").removesuffix("元"))
    if found := _minus_zero(text):
        return None, found
    if not _PLAIN_NUMBER.fullmatch(text) or len(text) > 40:
        return None, [
            problem("money.invalid", "请输入金额，例如 1200 或 1200.50。", "not an amount of money")
        ]
    amount = Decimal(text)
    if amount < 0:
        return None, [problem("money.negative", "金额不能是负数。", "amount cannot be negative")]
    amount = abs(amount)  # -0 is 0
    limit = MAX_MONEY if q.max is None else min(MAX_MONEY, Decimal(str(q.max)))
    if amount > limit:  # before quantize: a 40-digit amount is past Decimal's precision
        return None, [
            problem(
                "money.range",
                f"金额不能超过{limit.normalize():f}元，请核对。",
                f"amount above {limit.normalize():f}",
            )
        ]
    if amount != amount.quantize(Decimal("0.01")):
        return None, [
            problem(
                "money.cents",
                "金额最多到分（小数点后两位）。",
                "amount has more than two decimal places",
            )
        ]
    if q.min is not None and amount < Decimal(str(q.min)):
        return None, _out_of_range(q, amount, "元")
    return f"{amount:.2f}", []
