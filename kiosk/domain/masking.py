"""Masking personal data for screens, the CLI and audit exports (DESIGN.md "Who may see what").

Rules (the common practice of Chinese government service apps, and what residents
already see on bank slips):

- a name keeps its first and last character: 张德明 → 张*明, 张三 → 张*, 欧阳秀英 → 欧**英;
- an ID number keeps its first 4 and last 4 characters: 5001**********0133;
- a bank account keeps its first 4 and last 4 digits; a mobile number its first 3 and last 4;
- a village answer (``v03-4``: village and 村民小组) loses its group.

Every function takes and returns ``str`` and never raises: an empty input gives "".
"""

from __future__ import annotations

import re

STAR = "*"
# A number of the length of a mobile (11 digits), bank account (12-19) or ID number (15,
# or 17 + a digit or X), standing alone: case numbers (261130-01-001), dates, amounts and
# counts are shorter and stay as they are.
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9]{11,}[Xx]?(?![0-9])")


def mask_name(name: str) -> str:
    """张德明 → 张*明; two characters keep the first only (张三 → 张*)."""
    text = name.strip()
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + STAR
    return text[0] + STAR * (len(text) - 2) + text[-1]


def _keep_ends(text: str, head: int, tail: int) -> str:
    text = re.sub(r"\s+", "", text)
    if len(text) <= head + tail:
        return STAR * len(text)
    return text[:head] + STAR * (len(text) - head - tail) + text[-tail:]


def mask_id_number(number: str) -> str:
    """500225194103080133 → 5001**********0133 (first 4, last 4)."""
    return _keep_ends(number, 4, 4)


def mask_bank_account(account: str) -> str:
    """6217170000123456780 → 6217***********6780 (first 4, last 4)."""
    return _keep_ends(account, 4, 4)


def mask_phone(phone: str) -> str:
    """13896012345 → 138****2345 (first 3, last 4)."""
    return _keep_ends(phone, 3, 4)


def village_without_group(value: str) -> str:
    """A village answer without its 村民小组: ``v03-4`` → ``v03``; 新店村4组 → 新店村."""
    village = value.partition("-")[0]
    return re.sub(r"\d+组$", "", village)


def scrub_numbers(text: str) -> str:
    """Mask every number shaped like an ID, bank or mobile number (11 or more digits,
    maybe ending in X) in free text (reasons, notes) before it is stored or exported: a
    volunteer's note must not carry one in clear. Case numbers and dates stay readable."""
    return _DIGIT_RUN.sub(lambda m: _keep_ends(m.group(0), 2, 2), text)
