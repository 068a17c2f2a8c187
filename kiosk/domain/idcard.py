"""Citizen ID numbers (公民身份号码, GB 11643-1999).

Layout: 6-digit region code (GB/T 2260) + birth date YYYYMMDD + 3-digit
sequence (odd male, even female) + check character (ISO 7064 MOD 11-2).

Privacy: ``message_en`` goes to logs, so it never contains the number or any
part of it; use :attr:`IdNumber.masked` when a log line must identify a card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from kiosk.domain import regions
from kiosk.domain.dates import InvalidDate, age_on, build_date, to_ascii_digits
from kiosk.domain.errors import DomainError, ValidationProblem

LENGTH: Final = 18
EARLIEST_BIRTH: Final = date(1890, 1, 1)
# Weight i is 2**(17 - i) mod 11; every weight is non-zero mod the prime 11,
# which is why any single-digit substitution changes the check character.
WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS: Final = "10X98765432"

# Residents type x, ｘ, Ｘ, or the IME's multiplication sign for the final X.
_X_FORMS: Final = str.maketrans({"x": "X", "ｘ": "X", "Ｘ": "X", "×": "X"})
_DIGITS: Final = frozenset("0123456789")


class InvalidIdNumber(DomainError):
    """Raised by :func:`parse_id_number`; ``.problem.code`` starts with "id_number."."""


@dataclass(frozen=True)
class IdNumber:
    """A checked ID number and what it tells us."""

    number: str  # normalized: 18 characters, upper-case X
    region_code: str
    birth_date: date
    sequence: int  # 0-999; odd male, even female

    def age(self, on: date) -> int:
        """Whole years (周岁) on the given day."""
        return age_on(self.birth_date, on)

    @property
    def sex(self) -> Literal["male", "female"]:
        return "male" if self.sequence % 2 else "female"

    @property
    def sex_label(self) -> Literal["男", "女"]:
        return "男" if self.sequence % 2 else "女"

    @property
    def region_name(self) -> str | None:
        return regions.region_name(self.region_code)

    @property
    def masked(self) -> str:
        """First 4 and last 4 characters kept, e.g. "5001**********123X"."""
        return self.number[:4] + "*" * (LENGTH - 8) + self.number[-4:]

    def __repr__(self) -> str:
        # Keep the full number out of reprs, which end up in logs and tracebacks.
        return f"IdNumber(masked={self.masked!r})"


def normalize_id_text(text: str) -> str:
    """Drop all whitespace, fold full-width digits and every form of x to X."""
    return re.sub(r"\s+", "", to_ascii_digits(text).translate(_X_FORMS))


def check_character(first17: str) -> str:
    """The 18th character for the first 17 digits."""
    if len(first17) != LENGTH - 1 or not set(first17) <= _DIGITS:
        raise ValueError("check_character needs exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def _problem(code: str, message: str, message_en: str) -> ValidationProblem:
    return ValidationProblem(f"id_number.{code}", message, message_en)


def _check(number: str, today: date) -> ValidationProblem | date:
    """The first problem with a normalized number, or its birth date if all is well."""
    if not number:
        return _problem("empty", "还没有输入身份证号码。", "ID number is empty")

    for position, char in enumerate(number, start=1):
        # X is accepted in last place whatever the length, so "17 digits + X"
        # is reported as a missing digit rather than a misplaced X.
        if char in _DIGITS or (char == "X" and position == len(number)):
            continue
        if char == "X":
            message = f"身份证号码只有最后一位可能是X，第{position}位应该是数字，请再核对一遍。"
        else:
            message = f"身份证号码里只能有数字，第{position}位“{char}”不是数字，请再核对一遍。"
        return _problem(
            "characters",
            message,
            f"ID number character {position} is not a digit (X is allowed only last)",
        )

    if len(number) != LENGTH:
        message = f"身份证号码应该是18位，您输入了{len(number)}位。"
        if len(number) == 15:
            # First-generation cards had 15 digits; residents may still recite them.
            message += "这可能是老的15位号码，请看现在身份证上的18位号码。"
        return _problem(
            "length", message, f"ID number has {len(number)} characters; it needs {LENGTH}"
        )

    if not regions.is_known_province(number[:6]):
        return _problem(
            "province",
            "身份证号码前两位对不上任何一个省份，请再核对一遍。",
            "ID number does not start with a known province code",
        )

    try:
        birth = build_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except InvalidDate as exc:
        # Reuse the calendar explanation ("2月只有28天，没有30日") for the resident,
        # but log no part of the birth date.
        return _problem(
            "birth_date",
            "身份证号码第7到14位是出生日期，" + exc.problem.message,
            "ID number birth date (characters 7-14) is not a real calendar date",
        )
    if birth > today:
        return _problem(
            "birth_date_future",
            "身份证号码里的出生日期还没到，请再核对一遍。",
            "ID number birth date is in the future",
        )
    if birth < EARLIEST_BIRTH:
        return _problem(
            "birth_date_too_early",
            "身份证号码里的出生年份早于1890年，请再核对一遍。",
            "ID number birth date is before 1890",
        )

    if check_character(number[:17]) != number[17]:
        return _problem(
            "checksum",
            "身份证号码最后一位对不上，请再核对一遍。",
            "ID number check character does not match",
        )
    return birth


def parse_id_number(text: str, *, today: date | None = None) -> IdNumber:
    """Normalize and check ``text``; raises :class:`InvalidIdNumber` on the first problem.

    ``today`` is injectable so tests (and a kiosk with a wrong clock) are deterministic.
    """
    number = normalize_id_text(text)
    result = _check(number, date.today() if today is None else today)
    if isinstance(result, ValidationProblem):
        raise InvalidIdNumber(result)
    return IdNumber(
        number=number,
        region_code=number[:6],
        birth_date=result,
        sequence=int(number[14:17]),
    )


def validate_id_number(text: str, *, today: date | None = None) -> ValidationProblem | None:
    """The first problem with ``text`` as an ID number, or None if it is valid."""
    result = _check(normalize_id_text(text), date.today() if today is None else today)
    return result if isinstance(result, ValidationProblem) else None


def make_id_number(region_code: str, birth_date: date, sequence: int) -> str:
    """A valid number for demo data and tests (not checked against the region table)."""
    if len(region_code) != 6 or not set(region_code) <= _DIGITS:
        raise ValueError("region_code must be 6 ASCII digits")
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be 0-999")
    if birth_date.year < 1000:
        raise ValueError("birth_date year must have 4 digits")
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
