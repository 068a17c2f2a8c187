"""The CJK font chain shared by screens and paper, and which characters it can draw.

One primary face (WenQuanYi Micro Hei, Chinese Hei forms) and three fallback faces,
each a subset holding only what the faces before it lack (built by
``scripts/build_fonts.py`` from Debian's font packages; licences and coverage in
assets/fonts/README.md). Together they cover the 通用规范汉字表 (8,105 characters), CJK
Ext A and Ext B complete, and the 通用规范汉字表's characters in Ext C-F (the rare name
characters of GB 18030-2022 level 2), plus Latin, digits and CJK punctuation.

``undrawable(text)`` is the rule the answer layer uses to refuse text the paper could
not show (emoji, private-use characters, unassigned code points), so a case never holds
what its print would drop. Core module: no Qt, no drawing; the chain's cmaps are read
once per process with reportlab's TrueType parser (about 0.15 s).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk.assets import assets_dir


@dataclass(frozen=True)
class ChainFace:
    file: str  # relative to assets/
    family: str  # as Qt and fc-query report it; also the reportlab font name
    subfont_index: int = 0  # face index inside a .ttc


FONT_CHAIN: tuple[ChainFace, ...] = (
    ChainFace("fonts/wqy-microhei.ttc", "WenQuanYi Micro Hei", 0),
    ChainFace("fonts/kiosk-ext-hei.ttf", "Kiosk Ext Hei"),
    ChainFace("fonts/kiosk-ext-ming.ttf", "Kiosk Ext Ming"),
    ChainFace("fonts/kiosk-ext-mincho.ttf", "Kiosk Ext Mincho"),
)
PRIMARY = FONT_CHAIN[0]

# Never accepted, whatever a font maps: private use (Co) means nothing outside one font,
# unassigned (Cn) and surrogates (Cs) are not characters, controls and format characters
# (Cc, Cf: zero-width joiners, emoji variation selectors) print as nothing.
_REFUSED_CATEGORIES = frozenset({"Co", "Cn", "Cs", "Cc", "Cf"})


def face_path(face: ChainFace) -> Path:
    """Path of one face's file; raises FileNotFoundError naming it when missing."""
    path = assets_dir() / face.file
    if not path.is_file():
        raise FileNotFoundError(
            f"font {face.family!r} not found at {path}: the assets/ folder must ship with the kiosk"
        )
    return path


@cache
def _coverage() -> tuple[frozenset[int], ...]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    covered = []
    for face in FONT_CHAIN:
        parsed = TTFontFile(str(face_path(face)), subfontIndex=face.subfont_index)
        covered.append(frozenset(cp for cp, glyph in parsed.charToGlyph.items() if glyph))
    return tuple(covered)


def face_for(ch: str) -> int | None:
    """Index in FONT_CHAIN of the first face that draws ``ch`` (one character), or None.

    Spaces and line breaks go to the primary face; a refused category gives None.
    """
    if ch in " \n\t\u3000":
        return 0
    if unicodedata.category(ch) in _REFUSED_CATEGORIES:
        return None
    cp = ord(ch)
    for i, covered in enumerate(_coverage()):
        if cp in covered:
            return i
    return None


def undrawable(text: str) -> list[str]:
    """The distinct characters of ``text`` the chain cannot draw, in order of appearance.

    Empty when every character prints. Examples: ``undrawable("𠮷田")`` → [];
    ``undrawable("张😀")`` → ["😀"]; a private-use character (U+E000) is always refused.
    """
    seen: list[str] = []
    for ch in text:
        if ch not in seen and face_for(ch) is None:
            seen.append(ch)
    return seen


def describe(ch: str) -> str:
    """A character as a clerk can look it up: ``U+1F600``, with its Unicode name if any."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")
