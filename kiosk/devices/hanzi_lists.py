"""Character lists for 手写 (kiosk.devices.handwriting), no Qt: which characters a
resident most likely means, and the rare written forms of a character.

- ``COMMON``: the 8,105 characters of the 通用规范汉字表 (国务院, 2013; the simplified
  standard, read from ``handwriting_data/tongyong_guifan.txt``, one per line, from
  Unihan kTGH). ``rank_tier`` puts them before every other ideograph a model offers:
  Japanese-model kanji, CJK Ext-A and traditional forms come after (issue 15; brk15h
  finding 6: 张 was offered after 弳).
- ``NAME_VARIANTS``: 更多写法, the 异体字 a name may be registered with that no model
  holds (吉 → 𠮷), from ``handwriting_data/name_variants.txt`` (sources in the file).

Both files ship inside the package (pyproject package-data; build/kiosk.spec).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "handwriting_data"
COMMON_FILE = DATA / "tongyong_guifan.txt"
VARIANTS_FILE = DATA / "name_variants.txt"


def list_lines(path: Path) -> list[str]:
    """A list file's entries: its lines, stripped, without blanks and # comments."""
    text = path.read_text(encoding="utf-8")
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


@cache
def common_characters() -> frozenset[str]:
    """The 通用规范汉字表's 8,105 characters."""
    return frozenset(list_lines(COMMON_FILE))


@cache
def name_variants() -> dict[str, tuple[str, ...]]:
    """{standard character: its rare written forms, in the file's order}."""
    table: dict[str, tuple[str, ...]] = {}
    for line in list_lines(VARIANTS_FILE):
        base, *variants = line.split()
        table[base] = (*table.get(base, ()), *variants)
    return table


def variants_of(char: str) -> tuple[str, ...]:
    """更多写法 of ``char`` (() when none)."""
    return name_variants().get(char, ())


def is_ideograph(char: str) -> bool:
    """A CJK unified or compatibility ideograph (URO, Ext A, Ext B and later); kana,
    Latin letters and symbols are not."""
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def rank_tier(char: str) -> int:
    """0: a 通用规范汉字表 character; 1: another ideograph (offered after every tier 0
    candidate, whatever its score)."""
    return 0 if char in common_characters() else 1
