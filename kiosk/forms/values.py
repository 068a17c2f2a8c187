"""Answer values by question type: turn raw input into the stored form, and back into words.

Stored answers are JSON-native so a case can be hashed, encrypted and sent as is:
dates as "YYYY-MM-DD", money as a decimal string with two places ("1234.50"),
select_multiple as a list, yes_no as a bool, repeats as a list of dicts.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from kiosk.domain.bank import check_bank_account, normalize_account
from kiosk.domain.dates import parse_date
from kiosk.domain.errors import DomainError, ValidationProblem
from kiosk.domain.idcard import parse_id_number
from kiosk.domain.person_name import MAX_NAME as MAX_NAME  # re-exported: the tests use it
from kiosk.domain.person_name import check_name
from kiosk.domain.phone import normalize_mobile
from kiosk.fontchain import undrawable
from kiosk.forms.schema import Choice, Question
from kiosk.forms.value_types import QUESTION_VALUE_TYPES, decimal_text, read
from kiosk.printable import UnprintableText

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
        raw = unicodedata.normalize("NFC", raw).strip()  # as typed, whatever the input method
    if is_empty(raw):
        return None, []
    if isinstance(raw, dict) or (isinstance(raw, list) and q.type != "select_multiple"):
        shape = "a list" if isinstance(raw, list) else "a mapping"
        return None, [
            problem("value.shape", "格式不对，请重新填写。", f"{shape} is not a {q.type}")
        ]
    try:
        return _COERCERS[q.type](q, raw, today, choices)
    except DomainError as exc:
        return None, [exc.problem]


def field_name(q: Question) -> str:
    """The field as a form names it: its print label (姓名), else the question without "？"."""
    return q.print_label or q.label.rstrip("？?。") or q.name


def is_person_name(q: Question) -> bool:
    """Whether a text question asks a person's name: printed as …姓名 or 户名, or filled
    from the registry's name (the form's own words say so; no list of question names)."""
    label = q.print_label or ""
    return (
        label.endswith("姓名")
        or label == "户名"
        or (q.prefill is not None and q.prefill.field == "name")
    )


def _text(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    text = " ".join(str(raw).split())
    warnings: list[ValidationProblem] = []
    if is_person_name(q):  # the name rules: kiosk/domain/person_name.py
        name, found = check_name(str(raw), field_name(q))
        if name is None:
            return None, found
        text, warnings = name, found
    if len(text) > MAX_TEXT:
        return None, [
            problem(
                "text.too_long",
                f"太长了，最多{MAX_TEXT}个字。",
                f"text is longer than {MAX_TEXT} characters",
            )
        ]
    bad = undrawable(text)
    if bad:
        return None, [unprintable_problem(q, bad)]
    return text, warnings


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


def unprintable_problem(q: Question, bad: list[str]) -> ValidationProblem:
    """Text with characters the kiosk's fonts cannot draw (kiosk.fontchain): refused at entry,
    so a case never holds what its printed form would show as a blank. The message says
    what each character is (a 字 the fonts lack, an emoji, invisible ...; kiosk.printable);
    the English one names code points only, never the text (it may be a name)."""
    exc = UnprintableText(field_name(q), q.name, bad)
    # the problem list names the question already: the English words without the prefix
    return problem("text.unprintable", exc.message, exc.message_en.split(": ", 1)[1])


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
        most = next((c.groups for c in choices if c.value == village), None)
        if most is not None and int(group) > most:
            name = next(c.label for c in choices if c.value == village)
            return None, [
                problem(
                    "village.no_such_group",
                    f"{name}只有{most}个组，请再选一下。",
                    f"village {village} has groups 1-{most}, not {group}",
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


_SVG_PATH = re.compile(r"[MLQCZmlqcz0-9.,\- ]{1,200000}")


def _signature(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    # Strokes as an SVG path ("M x y L x y ..."), drawn on the print: nothing else fits.
    path = " ".join(str(raw).split())
    if not _SVG_PATH.fullmatch(path):
        return None, [
            problem("signature.invalid", "签名没有收到，请重新签。", "not a signature stroke path")
        ]
    return path, []


def _not_settable(
    q: Question, raw: Any, today: date, choices: list[Choice]
) -> tuple[Any, list[Any]]:
    return None, [
        problem("question.not_answerable", "这一项不用填。", f"a {q.type} takes no answer")
    ]


_COERCERS = {
    "text": _text,
    "number": _number,
    "decimal": _decimal,
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


def typed(q: Question, value: Any, value_type: str | None = None) -> Any:
    """The stored value as the expression language sees it: numbers as int/Decimal, dates
    as dates. ``value_type`` is a calculation's type (kiosk.forms.value_types)."""
    return read(value, value_type or QUESTION_VALUE_TYPES.get(q.type))


def recheck(
    q: Question, value: Any, *, today: date, choices: list[Choice]
) -> list[ValidationProblem]:
    """Errors of a stored answer against the question as it is defined now (a draft made
    under an older form version, a choice since removed, a new maximum)."""
    if is_empty(value) or q.type in ("calculate", "repeat", "group", "note"):
        return []
    _, problems = coerce(q, value, today=today, choices=choices)
    return [p for p in problems if p.severity == "error"]


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
