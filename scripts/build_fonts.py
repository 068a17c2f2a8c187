"""Build the kiosk's fallback CJK fonts (assets/fonts/) from Debian's font packages.

The chain (kiosk/fontchain.py) is WenQuanYi Micro Hei, then three fallback faces cut
down with fontTools' subsetter to the characters the faces before them lack, out of the
target set: the 通用规范汉字表 (8,105 characters, Unihan kTGH), CJK Ext A and Ext B
complete, and the 通用规范汉字表 characters outside the BMP (Ext C-F), which are
the rare name characters GB 18030-2022 level 2 adds. Run it again when a source font
or the target set changes; it prints what each face gives and what is still missing.

Needs (Debian): fonts-wqy-zenhei fonts-babelstone-han fonts-hanazono unicode-data,
and fontTools (pip install fonttools). Usage: python scripts/build_fonts.py [--check]
"""

from __future__ import annotations

import argparse
import bz2
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets" / "fonts"
UNIHAN = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")
PRIMARY = ASSETS / "wqy-microhei.ttc"
# (source file, face index, output file, family name of the subset)
FALLBACKS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "kiosk-ext-hei.ttf", "Kiosk Ext Hei"),
    (
        "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",
        0,
        "kiosk-ext-ming.ttf",
        "Kiosk Ext Ming",
    ),
    (
        "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
        0,
        "kiosk-ext-mincho.ttf",
        "Kiosk Ext Mincho",
    ),
)
EXT_A = range(0x3400, 0x4DC0)
EXT_B = range(0x20000, 0x2A6E0)


def tongyong_guifan() -> set[int]:
    """Code points of the 通用规范汉字表 (2013): Unihan's kTGH field."""
    text = bz2.decompress(UNIHAN.read_bytes()).decode("utf-8")
    return {int(m.group(1), 16) for m in re.finditer(r"^U\+([0-9A-F]+)\tkTGH\t", text, re.M)}


def target_set() -> set[int]:
    return tongyong_guifan() | set(EXT_A) | set(EXT_B)


def _open(path: str | Path, index: int) -> TTFont:
    if str(path).endswith(".ttc"):
        return TTCollection(str(path)).fonts[index]
    return TTFont(str(path))


def _drawn(face: TTFont) -> set[int]:
    """Code points whose glyph has outlines (an empty glyph would print as a blank)."""
    glyf = face["glyf"]
    out = set()
    for cp, name in face.getBestCmap().items():
        g = glyf[name]
        if g.numberOfContours != 0:
            out.add(cp)
    return out


def _rename(face: TTFont, family: str) -> None:
    """A new family name for the cut-down face: the Hanazono fonts' OFL reserves their
    names (HanaMinA, HanaMinB) for the unmodified fonts, and a distinct name keeps Qt from
    mixing the subset up with a full copy installed on the PC."""
    ps = family.replace(" ", "")
    for rec in face["name"].names:
        if rec.nameID in (1, 4, 16):
            rec.string = family
        elif rec.nameID == 6:
            rec.string = ps
        elif rec.nameID in (2, 17):
            rec.string = "Regular"


def build(check_only: bool) -> int:
    wanted = target_set()
    have = _drawn(_open(PRIMARY, 0)) & wanted
    print(f"target {len(wanted)} code points; {PRIMARY.name} draws {len(have)}")
    left = wanted - have
    for source, index, out, family in FALLBACKS:
        face = _open(source, index)
        gives = _drawn(face) & left
        left -= gives
        print(f"{Path(source).name} → {out}: {len(gives)} characters")
        if check_only:
            continue
        options = subset.Options()
        options.layout_features = []  # no OpenType layout: reportlab and the kiosk draw plain runs
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False
        options.glyph_names = False
        sub = subset.Subsetter(options)
        sub.populate(unicodes=sorted(gives))
        sub.subset(face)
        _rename(face, family)
        face.save(str(ASSETS / out))
        print(f"   wrote {out}: {(ASSETS / out).stat().st_size / 1e6:.1f} MB")
    print(f"still missing: {len(left)}")
    return 1 if left else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report coverage")
    sys.exit(build(parser.parse_args().check))
