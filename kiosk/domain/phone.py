"""Mainland mobile numbers: 11 digits matching ``^1[3-9]\\d{9}$``."""

from __future__ import annotations

import re
from typing import Final

from kiosk.domain.dates import to_ascii_digits
from kiosk.domain.errors import DomainError, ValidationProblem

MOBILE: Final = re.compile(r"1[3-9]\d{9}", re.ASCII)
# Spaces and dashes (ASCII and the ones Chinese IMEs produce) are grouping only.
_SEPARATORS: Final = re.compile(r"[\s\-‐‑–—－]+")
_COUNTRY_PREFIX: Final = re.compile(r"(?:\+|00)86")


class InvalidMobile(DomainError):
    """Raised by :func:`normalize_mobile`."""


def _problem(code: str, message: str, message_en: str) -> ValidationProblem:
    return ValidationProblem(f"mobile.{code}", message, message_en)


def _check(text: str) -> ValidationProblem | str:
    """The normalized 11-digit number, or the first problem with it."""
    digits = _SEPARATORS.sub("", to_ascii_digits(text)).replace("＋", "+")
    prefix = _COUNTRY_PREFIX.match(digits)
    if prefix:
        digits = digits[prefix.end() :]
    if not digits:
        return _problem("empty", "还没有填手机号码。", "mobile number is empty")
    if not (digits.isascii() and digits.isdigit()):
        return _problem(
            "characters",
            "手机号码里只能有数字，请再核对一遍。",
            "mobile number contains characters other than digits",
        )
    if len(digits) != 11:
        return _problem(
            "length",
            f"手机号码应该是11位，您输入了{len(digits)}位。",
            f"mobile number has {len(digits)} digits; it needs 11",
        )
    if not MOBILE.fullmatch(digits):
        # Most often a landline or a mistyped first digit.
        return _problem(
            "prefix",
            "手机号码应该是1开头，第二位是3到9，请再核对一遍。",
            "mobile number must start with 13-19",
        )
    return digits


def normalize_mobile(text: str) -> str:
    """The bare 11-digit number; raises :class:`InvalidMobile` (a DomainError)."""
    result = _check(text)
    if isinstance(result, ValidationProblem):
        raise InvalidMobile(result)
    return result


def validate_mobile(text: str) -> ValidationProblem | None:
    """The first problem with ``text`` as a mobile number, or None."""
    result = _check(text)
    return result if isinstance(result, ValidationProblem) else None
