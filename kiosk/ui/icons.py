"""Font Awesome 5 icons (``"fa5s.print"`` solid, ``"fa5.circle"`` regular) drawn from the
icon fonts that qtawesome ships, without importing qtawesome.

Why not ``qtawesome.icon``: importing qtawesome goes through QtPy, whose star imports
of QtCore, QtGui and QtWidgets create every PySide6 wrapper class, and its first icon
loads all thirteen of its icon fonts with their character maps: about 0.3 s and 35 MiB
of a kiosk that otherwise idles at 2× a bare window (issue 19, docs/performance.md).
Here only the two Font Awesome 5 fonts are loaded, on the first icon, and a glyph is
drawn the way qtawesome draws it by default (the text of one character, its pixel size
0.875 of the icon's height, centred), so icons look the same. The fonts and their maps
are read from qtawesome's package folder (``fonts/``), which PyInstaller bundles
(build/kiosk.spec). Raises KeyError naming the icon for a name not in the font.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk.ui.qt import (
    QApplication,
    QColor,
    QFont,
    QFontDatabase,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
    QRect,
    QSize,
    Qt,
)

# prefix → (the font file's name up to its version, its style name)
FONTS = {
    "fa5s": ("fontawesome5-solid-webfont", "Solid"),
    "fa5": ("fontawesome5-regular-webfont", "Regular"),
}
GLYPH_SHARE = 0.875  # qtawesome: a 16 px icon draws a 14 px glyph (the font's bearing)


@dataclass(frozen=True)
class IconFont:
    """One loaded icon font: its family in the font database, style, and name → glyph."""

    family: str
    style: str
    chars: dict[str, str]


def fonts_dir() -> Path:
    """qtawesome's ``fonts`` folder, found without importing the package (in a
    PyInstaller bundle: under ``sys._MEIPASS``). Raises FileNotFoundError."""
    spec = importlib.util.find_spec("qtawesome")
    roots = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle) / "qtawesome")
    for root in roots:
        if (root / "fonts").is_dir():
            return root / "fonts"
    raise FileNotFoundError("qtawesome's icon fonts are not installed (pip install qtawesome)")


@cache
def icon_font(prefix: str) -> IconFont:
    """Load the font of ``prefix`` ("fa5s", "fa5") once (needs a QGuiApplication)."""
    stem, style = FONTS[prefix]
    folder = fonts_dir()
    ttf = max(folder.glob(f"{stem}-[0-9]*.ttf"))  # one version per qtawesome release
    charmap = folder / f"{stem}-charmap-{ttf.stem.removeprefix(stem + '-')}.json"
    font_id = QFontDatabase.addApplicationFont(str(ttf))
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        raise FileNotFoundError(f"{ttf}: not a font Qt can load")
    codes = json.loads(charmap.read_text(encoding="utf-8"))
    return IconFont(families[0], style, {name: chr(int(code, 16)) for name, code in codes.items()})


class GlyphEngine(QIconEngine):
    """Draws one glyph in one colour at any size; the disabled look in the palette's
    disabled text colour (as qtawesome does)."""

    def __init__(self, font: IconFont, char: str, color: str) -> None:
        super().__init__()
        self.font, self.char, self.color = font, char, color

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        color = QColor(self.color)
        if mode == QIcon.Mode.Disabled:
            palette = QApplication.palette()
            color = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        font = QFont(self.font.family)
        font.setStyleName(self.font.style)
        font.setPixelSize(max(1, round(GLYPH_SHARE * rect.height())))
        painter.save()
        painter.setPen(color)
        painter.setFont(font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self.char)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        picture = QPixmap(size)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return picture

    def clone(self) -> QIconEngine:
        return GlyphEngine(self.font, self.char, self.color)


def font_icon(name: str, color: str) -> QIcon:
    """The icon ``name`` ("fa5s.print") in ``color`` (any QColor name, "#1a1a1a")."""
    prefix, _, glyph = name.partition(".")
    if prefix not in FONTS:
        raise KeyError(f"icon {name!r}: only {', '.join(FONTS)} icons are loaded")
    font = icon_font(prefix)
    if glyph not in font.chars:
        raise KeyError(f"icon {name!r}: no such icon in Font Awesome 5 ({prefix})")
    return QIcon(GlyphEngine(font, font.chars[glyph], color))
