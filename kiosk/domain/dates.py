"""Calendar dates as residents and volunteers write them, and ages in whole years."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Final

from kiosk.domain.errors import DomainError, ValidationProblem

# IME full-width digits are common on kiosks and in pasted text; every
# validator in this package folds them (and the ideographic space) first.
_FULLWIDTH: Final = str.maketrans("０１２３４５６７８９　", "0123456789 ")


def to_ascii_digits(text: str) -> str:
    """Fold full-width digits ０-９ and the ideographic space to ASCII."""
    return text.translate(_FULLWIDTH)


class InvalidDate(DomainError):
    """Raised by :func:`parse_date`."""


# Separators must agree ("2024-3-5", not "2024-3/5") so typos are not guessed at.
_SEPARATED: Final = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII)
_CHINESE: Final = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?", re.ASCII)
_COMPACT: Final = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)


def _problem(code: str, message: str, message_en: str) -> InvalidDate:
    return InvalidDate(ValidationProblem(f"date.{code}", message, message_en))


def build_date(year: int, month: int, day: int) -> date:
    """A ``date``, or InvalidDate saying which part does not exist (e.g. 2月30日)."""
    if not 1 <= year <= 9999:
        raise _problem("year", "年份不对，请再核对一遍。", "year is out of range")
    if not 1 <= month <= 12:
        raise _problem(
            "month",
            "月份不能是0，请再核对一遍。"
            if month == 0
            else f"一年只有12个月，没有{month}月，请再核对一遍。",
            f"month {month} does not exist",
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        if day == 0:
            message = "几号不能是0，请再核对一遍。"
        elif month == 2 and day == 29:
            message = f"{year}年不是闰年，2月只有28天，没有29日，请再核对一遍。"
        else:
            message = f"{month}月只有{days}天，没有{day}日，请再核对一遍。"
        raise _problem("day", message, f"day {day} does not exist in month {month} of that year")
    return date(year, month, day)


def parse_date(text: str) -> date:
    """Parse "2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日" or "20240305"."""
    cleaned = re.sub(r"\s+", "", to_ascii_digits(text))
    if not cleaned:
        raise _problem("empty", "还没有填日期。", "date is empty")
    for pattern in (_SEPARATED, _CHINESE, _COMPACT):
        match = pattern.fullmatch(cleaned)
        if match:
            parts = [g for g in match.groups() if g.isdigit()]
            year, month, day = (int(p) for p in parts)
            return build_date(year, month, day)
    raise _problem(
        "format",
        "日期看不明白，请按“2024年3月5日”这样写年、月、日。",
        "date is not in a recognised format (e.g. 2024-03-05, 2024年3月5日, 20240305)",
    )


def age_on(birth: date, on: date) -> int:
    """Age in whole years (周岁) on the day ``on``.

    The age goes up on the birthday itself. Someone born on 29 February has
    their birthday on 1 March in common years: (2, 28) still sorts before
    (2, 29), so no special case is needed.
    """
    if on < birth:
        raise ValueError("age_on: 'on' is before the birth date")
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(before_birthday)


def validate_not_future(d: date, today: date) -> ValidationProblem | None:
    """A problem if ``d`` is after ``today`` (today itself is fine)."""
    if d > today:
        return ValidationProblem(
            "date.future",
            "这个日期还没到，请再核对一遍。",
            "date is in the future",
        )
    return None
