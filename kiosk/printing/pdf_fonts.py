"""The font chain in reportlab: every face registered and embedded as a subset, text cut
into runs by the face that draws each character, widths measured the same way.

reportlab (up to 5.1 at least) writes a subset's ToUnicode CMap with ``<%04X>``, which
for a character outside the BMP (𠮷 U+20BB7) gives five hex digits, an invalid entry: the
glyph prints but ``pdftotext``, search and copy-paste get garbage. ``_to_unicode_cmap``
writes UTF-16BE (a surrogate pair) as the PDF reference (9.10.3) asks; it replaces
reportlab's module function once, when the fonts are registered.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from kiosk.fontchain import FONT_CHAIN, damaged, face_for, face_path
from kiosk.printing.face_metrics import MetricsFace

FAMILIES = tuple(face.family for face in FONT_CHAIN)
_FACE_CLASS_SWAP = threading.Lock()


def _utf16_hex(cp: int) -> str:
    return chr(cp).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's makeToUnicodeCMap, with code points beyond U+FFFF as surrogate pairs."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(cp)}>" for i, cp in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


@cache
def _registered(index: int) -> str:
    """Register face ``index`` of the chain with reportlab (once per process); its name.

    The names are the family names, set explicitly (never a generic fallback), so
    viewers and printers cannot swap in a font with Japanese glyph forms. Parsing a face
    costs 0.1-1 s (once per font file and reportlab version: kiosk.printing.face_metrics
    keeps the result), so a fallback face is registered only when a text needs it.
    """
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    face = FONT_CHAIN[index]
    if face.family not in pdfmetrics.getRegisteredFontNames():
        path = face_path(face)
        # TTFont makes its face with the module's TTFontFace: ours for this call, which
        # reads the parsed metrics from the font cache (~0.2-0.5 s less a process).
        with _FACE_CLASS_SWAP:
            ttfonts.TTFontFace = MetricsFace
            try:
                font = TTFont(face.family, str(path), subfontIndex=face.subfont_index)
            except Exception as exc:  # TTFError, struct.error: an empty or cut-short file
                raise damaged(face, path, exc) from exc
            finally:
                ttfonts.TTFontFace = TTFontFace
        pdfmetrics.registerFont(font)
    return face.family


def register_fonts() -> str:
    """Register the chain's primary face; return its font name (fallbacks come on demand)."""
    return _registered(0)


@lru_cache(maxsize=8192)
def _face_name(ch: str) -> str:
    index = face_for(ch)
    return _registered(index if index is not None else 0)


@lru_cache(maxsize=16384)
def char_width(ch: str, size: float) -> float:
    return pdfmetrics.stringWidth(ch, _face_name(ch), size)


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` as (font name, piece) runs, each piece drawn by one face of the chain."""
    out: list[tuple[str, str]] = []
    for ch in text:
        name = _face_name(ch)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + ch)
        else:
            out.append((name, ch))
    return out
