"""Answer values by question type: turn raw input into the stored form, and back into words.

Stored answers are JSON-native so a case can be hashed, encrypted and sent as is:
dates as "YYYY-MM-DD", money as a decimal string with two places ("1234.50"),
select_multiple as a list, yes_no as a bool, repeats as a list of dicts.

This module holds ``coerce`` (one entry for every type), ``recheck`` and ``typed``, and the
text-like types (text, dates, ID numbers, phones, bank accounts, signatures); numbers
and money are in kiosk.forms.number_values, choices and yes/no in kiosk.forms.choice_values,
an answer in words in kiosk.forms.value_display, the problems' wording in
kiosk.forms.value_problems. Their public names are importable from here too.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from kiosk.domain.bank import check_bank_account, normalize_account
from kiosk.domain.dates import parse_date
from kiosk.domain.errors import DomainError, ValidationProblem
from kiosk.domain.idcard import parse_id_number
from kiosk.domain.person_name import MAX_NAME as MAX_NAME  # re-exported: the tests use it
from kiosk.domain.person_name import check_name
from kiosk.domain.phone import normalize_mobile
from kiosk.fontchain import undrawable
from kiosk.forms.choice_values import NO as NO
from kiosk.forms.choice_values import YES as YES
from kiosk.forms.choice_values import _select_multiple, _select_one, _yes_no
from kiosk.forms.number_values import MAX_MONEY as MAX_MONEY
from kiosk.forms.number_values import MAX_WHOLE as MAX_WHOLE
from kiosk.forms.number_values import _decimal, _money, _number
from kiosk.forms.schema import Choice, Question
from kiosk.forms.value_display import display as display
from kiosk.forms.value_problems import field_name as field_name
from kiosk.forms.value_problems import is_empty as is_empty
from kiosk.forms.value_problems import is_person_name as is_person_name
from kiosk.forms.value_problems import problem as problem
from kiosk.forms.value_problems import unprintable_problem as unprintable_problem
from kiosk.forms.value_types import QUESTION_VALUE_TYPES, read

MAX_TEXT = 200


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


def _date(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    value = raw if isinstance(raw, date) else parse_date(str(raw))
    return value.isoformat(), []


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
