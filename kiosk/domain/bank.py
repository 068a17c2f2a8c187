"""Bank account numbers: cards, passbooks (存折) and subsidy accounts (一卡通).

Only UnionPay cards (62…, 16-19 digits) are known to carry a Luhn check digit;
passbook and rural credit cooperative subsidy account numbers often do not,
so a Luhn failure is a warning the volunteer can override, never an error.
"""

from __future__ import annotations

import re
from typing import Final

from kiosk.domain.dates import to_ascii_digits
from kiosk.domain.errors import ValidationProblem

MIN_LENGTH: Final = 12
MAX_LENGTH: Final = 19
_SEPARATORS: Final = re.compile(r"[\s\-‐‑–—－]+")


def normalize_account(text: str) -> str:
    """Remove spaces and dashes (and fold full-width digits); nothing else is changed."""
    return _SEPARATORS.sub("", to_ascii_digits(text))


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _luhn_sum(digits: str, *, double_first: bool) -> int:
    # Walk right to left; double every second digit, starting with the rightmost
    # when computing a check digit that is yet to be appended.
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char)
        if (i % 2 == 0) == double_first:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total


def luhn_valid(digits: str) -> bool:
    """True if ``digits`` (ASCII digits only, check digit last) passes Luhn."""
    if not digits or not _is_digits(digits):
        return False
    return _luhn_sum(digits, double_first=False) % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit to append to ``partial`` so the result passes Luhn."""
    if not partial or not _is_digits(partial):
        raise ValueError("luhn_check_digit needs ASCII digits")
    return str(-_luhn_sum(partial, double_first=True) % 10)


def looks_like_unionpay_card(digits: str) -> bool:
    return digits.startswith("62") and 16 <= len(digits) <= MAX_LENGTH


def check_bank_account(text: str) -> list[ValidationProblem]:
    """Problems with ``text`` as an account number; empty list when it is fine.

    Errors block the answer; the only warning is a Luhn failure on a
    UnionPay-looking card number.
    """
    digits = normalize_account(text)
    if not digits:
        return [
            ValidationProblem("bank_account.empty", "还没有填银行账号。", "bank account is empty")
        ]
    if not _is_digits(digits):
        return [
            ValidationProblem(
                "bank_account.characters",
                "银行账号里只能有数字，请再核对一遍。",
                "bank account contains characters other than digits",
            )
        ]
    if not MIN_LENGTH <= len(digits) <= MAX_LENGTH:
        return [
            ValidationProblem(
                "bank_account.length",
                f"银行账号一般是{MIN_LENGTH}到{MAX_LENGTH}位，您输入了{len(digits)}位，"
                "请对着银行卡或存折再看一遍。",
                f"bank account has {len(digits)} digits; it needs {MIN_LENGTH}-{MAX_LENGTH}",
            )
        ]
    if looks_like_unionpay_card(digits) and not luhn_valid(digits):
        return [
            ValidationProblem(
                "bank_account.luhn",
                "卡号校验没通过，请对着银行卡再看一遍；如果是存折账号，可以继续。",
                "bank card number fails the Luhn check (may be a passbook account)",
                severity="warning",
            )
        ]
    return []
