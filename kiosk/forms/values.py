"""Answer values by question type: turn raw input into the stored form, and back into words.

Stored answers are JSON-native so a case can be hashed, encrypted and sent as is:
dates as "YYYY-MM-DD", money as a decimal string with two places ("1234.50"),
select_multiple as a list, yes_no as a bool, repeats as a list of dicts.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.domain.bank import check_bank_account, normalize_account
from kiosk.domain.dates import parse_date
from kiosk.domain.errors import DomainError, ValidationProblem
from kiosk.domain.idcard import parse_id_number
from kiosk.domain.phone import normalize_mobile
from kiosk.forms.schema import Choice, Question

YES = frozenset({"yes", "y", "true", "1", "是", "对", "有"})
NO = frozenset({"no", "n", "false", "0", "否", "不是", "没有", "无"})
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
MAX_TEXT = 200


def problem(code: str, message: str, message_en: str, severity: str = "error") -> ValidationProblem:
    return ValidationProblem(code, message, message_en, severity)  # type: ignore[arg-type]


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def coerce(
    q: Question, raw: Any, *, today: date, choices: list[Choice]
) -> tuple[Any, list[ValidationProblem]]:
    """Return (stored value, problems). An error leaves the value None; warnings keep it."""
    if isinstance(raw, str):
        raw = raw.strip()
    if is_empty(raw):
        return None, []
    try:
        return _COERCERS[q.type](q, raw, today, choices)
    except DomainError as exc:
        return None, [exc.problem]


def _text(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    text = " ".join(str(raw).split())
    if len(text) > MAX_TEXT:
        return None, [
            problem(
                "text.too_long",
                f"太长了，最多{MAX_TEXT}个字。",
                f"text is longer than {MAX_TEXT} characters",
            )
        ]
    return text, []


def _number(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    if isinstance(raw, bool):
        raw = str(raw)
    try:
        value = int(str(raw).translate(_FULLWIDTH).replace(",", ""))
    except ValueError:
        return None, [problem("number.invalid", "请只输入数字。", "not a whole number")]
    unit = q.unit or ""
    if (q.min is not None and value < q.min) or (q.max is not None and value > q.max):
        lo = "" if q.min is None else f"{q.min:g}"
        hi = "" if q.max is None else f"{q.max:g}"
        return None, [
            problem(
                "number.range",
                f"请输入{lo}到{hi}{unit}之间的数。",
                f"number must be between {lo or '-inf'} and {hi or 'inf'}",
            )
        ]
    return value, []


def _money(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    text = str(raw).translate(_FULLWIDTH).replace(",", "").removeprefix("¥").removesuffix("元")
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        return None, [
            problem("money.invalid", "请输入金额，例如 1200 或 1200.50。", "not an amount of money")
        ]
    if not amount.is_finite() or amount < 0:
        return None, [problem("money.negative", "金额不能是负数。", "amount cannot be negative")]
    if amount != amount.quantize(Decimal("0.01")):
        return None, [
            problem(
                "money.cents",
                "金额最多到分（小数点后两位）。",
                "amount has more than two decimal places",
            )
        ]
    if q.max is not None and amount > Decimal(str(q.max)):
        return None, [
            problem("money.range", f"金额不能超过{q.max:g}元。", f"amount above {q.max:g}")
        ]
    return f"{amount:.2f}", []


def _date(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    value = raw if isinstance(raw, date) else parse_date(str(raw))
    return value.isoformat(), []


def _choice_values(choices: list[Choice]) -> set[str]:
    return {c.value for c in choices}


def _select_one(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    value = str(raw)
    if q.type == "village" and q.with_group:
        village, _, group = value.partition("-")
        if village not in _choice_values(choices) or not group.isdigit() or int(group) < 1:
            return None, [
                problem(
                    "village.invalid",
                    "请选您所在的村和组。",
                    f"'{value}' is not a village-group of the list",
                )
            ]
        return f"{village}-{int(group)}", []
    if value not in _choice_values(choices):
        # People (and scripts) may give the label instead of the code.
        by_label = {c.label: c.value for c in choices}
        if value in by_label:
            return by_label[value], []
        return None, [
            problem(
                "choice.invalid", "请从列出的选项里选一个。", f"'{value}' is not one of the choices"
            )
        ]
    return value, []


def _select_multiple(
    q: Question, raw: Any, today: date, choices: list[Choice]
) -> tuple[Any, list[Any]]:
    items = re.split(r"[,\s，、]+", raw) if isinstance(raw, str) else list(raw)
    allowed = _choice_values(choices)
    by_label = {c.label: c.value for c in choices}
    values: list[str] = []
    for item in (str(i) for i in items if str(i)):
        value = item if item in allowed else by_label.get(item)
        if value is None:
            return None, [
                problem(
                    "choice.invalid", "请从列出的选项里选。", f"'{item}' is not one of the choices"
                )
            ]
        if value not in values:
            values.append(value)
    return values or None, []


def _yes_no(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    if isinstance(raw, bool):
        return raw, []
    text = str(raw).lower()
    if text in YES:
        return True, []
    if text in NO:
        return False, []
    return None, [problem("yes_no.invalid", "请选“是”或“否”。", "answer must be yes or no")]


def _id_number(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    return parse_id_number(str(raw), today=today).number, []


def _phone(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    return normalize_mobile(str(raw)), []


def _bank(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    problems = check_bank_account(str(raw))
    if any(p.severity == "error" for p in problems):
        return None, problems
    return normalize_account(str(raw)), problems


def _signature(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    # Strokes as an SVG path ("M x y L x y ..."); only presence matters to the form.
    return str(raw), []


def _not_settable(
    q: Question, raw: Any, today: date, choices: list[Choice]
) -> tuple[Any, list[Any]]:
    return None, [
        problem("question.not_answerable", "这一项不用填。", f"a {q.type} takes no answer")
    ]


_COERCERS = {
    "text": _text,
    "number": _number,
    "money": _money,
    "date": _date,
    "select_one": _select_one,
    "village": _select_one,
    "relationship": _select_one,
    "select_multiple": _select_multiple,
    "yes_no": _yes_no,
    "id_number": _id_number,
    "phone": _phone,
    "bank_account": _bank,
    "signature": _signature,
    "note": _not_settable,
    "group": _not_settable,
    "calculate": _not_settable,
    "repeat": _not_settable,
}


def typed(q: Question, value: Any) -> Any:
    """The stored value as the expression language sees it (dates and money typed)."""
    if value is None:
        return None
    if q.type == "date" or (q.type == "calculate" and _looks_like_date(value)):
        return date.fromisoformat(value)
    if q.type == "money":
        return Decimal(value)
    return value


def _looks_like_date(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def jsonable(value: Any) -> Any:
    """A computed value in its stored, JSON-native form."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def display(q: Question, value: Any, choices: list[Choice]) -> str:
    """An answer in words, as the check-answers page and the print show it."""
    if is_empty(value):
        return ""
    labels = {c.value: c.label for c in choices}
    if q.type == "date":
        d = date.fromisoformat(value)
        return f"{d.year}年{d.month}月{d.day}日"
    if q.type == "money":
        return f"{Decimal(value):,.2f} 元"
    if q.type == "yes_no":
        return "是" if value else "否"
    if q.type == "select_multiple":
        return "、".join(labels.get(v, v) for v in value)
    if q.type == "village" and q.with_group and "-" in str(value):
        village, _, group = str(value).partition("-")
        return f"{labels.get(village, village)}{group}组"
    if q.type in ("select_one", "village", "relationship"):
        return labels.get(value, str(value))
    if q.type == "number":
        return f"{value}{q.unit or ''}"
    if q.type == "signature":
        return "已签名"
    if q.type == "bank_account":
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return str(value)
