"""A person's name as the hall writes it down: the one place its rules live.

No national standard fixes what a name may hold (GB 11643 is about the ID number only).
The household-register practice the hall follows: standard Chinese characters; a name
of a minority nationality transliterated into Chinese keeps its parts apart with the
middle dot ``·`` (阿卜杜热合曼·买买提明); no digits, no spaces between Chinese
characters. (The Ministry of Public Security's 2007 draft 姓名登记条例 put the same: no
digits, no Latin letters, no symbols other than ``·`` for minority names; it never came
into force.) Foreign residents' names in Latin letters do exist, so Latin letters are a
doubt the person confirms (继续，用这个名字), never refused.

``check_name(text, field)`` returns the name to store and the problems found; ``field``
is the form's name for the field (死者姓名), said in every message. Messages never repeat
the name itself in English (the log must not hold it).
"""

from __future__ import annotations

import re
import unicodedata

from kiosk.domain.errors import ValidationProblem

# 30 characters hold the longest names the hall meets (a transliterated minority name
# with its ·), well above the 15 a 居民身份证 chip prints; more is a slip.
MAX_NAME = 30
MIDDLE_DOT = "·"  # U+00B7, as the ID card and the register print it
# Dots an input method offers in its place: the same mark to the person typing.
_DOTS = str.maketrans(dict.fromkeys("•‧・･∙⋅", MIDDLE_DOT))
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\uff21-\uff3a\uff41-\uff5a]")


def _problem(
    code: str, message: str, message_en: str, severity: str = "error"
) -> ValidationProblem:
    return ValidationProblem(code, message, message_en, severity)  # type: ignore[arg-type]


def check_name(text: str, field: str) -> tuple[str | None, list[ValidationProblem]]:
    """``text`` (already stripped, NFC) as a name for ``field``: (the name to store, or
    None when refused; problems: errors ``name.too_long``, ``name.digit``,
    ``name.space``; warning ``name.latin``)."""
    name = " ".join(text.translate(_DOTS).split())
    if len(name) > MAX_NAME:
        return None, [
            _problem(
                "name.too_long",
                f"{field}太长了，最多{MAX_NAME}个字。请核对一下，只写名字。",
                f"a name is longer than {MAX_NAME} characters",
            )
        ]
    digits = [ch for ch in name if unicodedata.category(ch) == "Nd"]
    if digits:
        return None, [
            _problem(
                "name.digit",
                f"{field}里有数字“{digits[0]}”，名字里不能有数字。请改一下。",
                "a name holds a digit",
            )
        ]
    if " " in name and _CJK.search(name):
        return None, [
            _problem(
                "name.space",
                f"{field}的汉字中间不要空格。少数民族名字的各部分用“·”隔开。",
                "a Chinese name holds a space",
            )
        ]
    if _LATIN.search(name):
        return name, [
            _problem(
                "name.latin",
                f"{field}里有外文字母。外国人的名字可以这样写；不是的话，请写汉字。",
                "a name holds Latin letters",
                "warning",
            )
        ]
    return name, []
