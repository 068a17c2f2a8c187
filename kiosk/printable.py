"""The one check every text that can reach paper passes at its entry.

Form answers, volunteer and staff names, registry records, bundle titles and desk notes
all go through ``printable(text, field)``: the text is normalised to NFC (a decomposed
``Lu\\u0308`` becomes ``Lü``, as an input method would have typed it), then every
character is checked against the font chain (kiosk.fontchain). Text the paper could
not show is refused with a message that says what is wrong with which character:

- a character the fonts lack (CJK Ext H/I, a rare script): 「姓名」里的“X”字暂时打印不出来
- an emoji: 「姓名」里的“😀”是表情符号
- a private-use character (one font's own glyph): 私人造字
- an unassigned code point or a non-character: 不是文字的编码
- a truly invisible character (ZWSP, BOM, direction marks, controls, variation
  selectors): 看不见的字符

Core module: no Qt. Raises ``UnprintableText`` (a ValueError) carrying both a Chinese
message for residents and staff and an English one for logs that names code points only,
never the text (it may be a name).
"""

from __future__ import annotations

import unicodedata

from kiosk.fontchain import describe, undrawable

# CJK ideograph blocks by code point, so a character newer than this Python's Unicode
# tables (Ext H U+31350 is Unicode 15.0, Ext I U+2EBF0 15.1) is still called a 字.
_CJK_RANGES = (
    (0x3400, 0x4DBF),  # Ext A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2FFFF),  # Ext B-F, I; compatibility supplement
    (0x30000, 0x3FFFF),  # Ext G, H
)
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),  # mahjong, cards, enclosed, symbols and pictographs, emoticons
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats
    (0x2B00, 0x2BFF),  # arrows and stars used as emoji
    (0x1F1E6, 0x1F1FF),  # regional indicators (flags)
)
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def _in(cp: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def kind(ch: str) -> str:
    """Why one undrawable character cannot print: ``invisible``, ``emoji``,
    ``private_use``, ``not_a_character`` or ``missing`` (a real character the fonts lack)."""
    cp = ord(ch)
    category = unicodedata.category(ch)
    if _in(cp, _CJK_RANGES):
        return "missing"
    if category == "Co":
        return "private_use"
    if category in {"Cc", "Cf", "Zl", "Zp"} or _in(cp, _VARIATION_SELECTORS):
        return "invisible"
    if _in(cp, _EMOJI_RANGES):
        return "emoji"
    if category in {"Cn", "Cs"}:
        return "not_a_character"
    return "missing"


class UnprintableText(ValueError):
    """Text refused at entry: ``message`` in Chinese, ``message_en`` for logs and the CLI."""

    def __init__(self, field: str, field_en: str, bad: list[str]) -> None:
        self.field, self.field_en, self.bad = field, field_en, tuple(bad)
        self.message = refusal(field, bad)
        self.message_en = f"{field_en}: characters the kiosk's fonts cannot print: " + ", ".join(
            f"{describe(ch)} ({kind(ch).replace('_', ' ')})" for ch in bad
        )
        super().__init__(self.message_en)


def _phrase(field: str, ch: str) -> str:
    what = kind(ch)
    if what == "missing":
        return f"「{field}」里的“{ch}”字暂时打印不出来（电脑字库里还没有这个字）"
    if what == "emoji":
        return f"「{field}」里的“{ch}”是表情符号，打印不出来"
    if what == "private_use":
        return f"「{field}」里有一个私人造字（{describe(ch)}），只有个别电脑认得，打印不出来"
    if what == "not_a_character":
        return f"「{field}」里有一个不是文字的编码（U+{ord(ch):04X}），打印不出来"
    return f"「{field}」里有看不见的字符（U+{ord(ch):04X}），请删掉重新输入"


def refusal(field: str, bad: list[str]) -> str:
    """The Chinese message for the undrawable characters ``bad`` found in ``field``."""
    kinds = {kind(ch) for ch in bad}
    advice = []
    if "missing" in kinds:
        advice.append("生僻字请先用常用写法，并告诉工作人员在纸上手写补上")
    if kinds & {"emoji", "private_use", "not_a_character"}:
        advice.append("表情符号和特殊符号请删掉")
    return (
        "；".join(_phrase(field, ch) for ch in bad)
        + "。"
        + "，".join(advice)
        + ("。" if advice else "")
    )


def printable(text: str, field: str, field_en: str | None = None) -> str:
    """``text`` in NFC when every character prints; raises UnprintableText otherwise.

    ``field`` is the field's Chinese name as the form or screen shows it (姓名, 标题),
    ``field_en`` its name in English messages (defaults to ``field``).
    """
    text = unicodedata.normalize("NFC", text)
    bad = undrawable(text)
    if not bad:
        return text
    raise UnprintableText(field, field_en or field, bad)
