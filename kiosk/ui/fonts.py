"""Load the shipped CJK font and make it the application font.

The family is set explicitly (never a generic fallback), so Qt does not pick a system
font that draws Japanese glyph forms for shared Han characters, and the screen matches
the printed PDF, which embeds the same file.
"""

from __future__ import annotations

from functools import cache

from kiosk.assets import CJK_FONT_FAMILY, cjk_font_path
from kiosk.ui.qt import QApplication, QFont, QFontDatabase

BASE_PIXEL_SIZE = 28  # body text; the design floor is 24 px


class FontError(RuntimeError):
    """The shipped CJK font could not be loaded."""


@cache
def load_cjk_family() -> str:
    """Register the asset font with Qt (once per process) and return its family name."""
    path = cjk_font_path()
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        raise FontError(f"Qt could not load the CJK font {path}")
    families = QFontDatabase.applicationFontFamilies(font_id)
    if CJK_FONT_FAMILY not in families:
        raise FontError(f"{path} provides {families}, expected {CJK_FONT_FAMILY!r}")
    return CJK_FONT_FAMILY


def cjk_font(pixel_size: int = BASE_PIXEL_SIZE, *, bold: bool = False) -> QFont:
    """A font of the asset family at the given pixel size."""
    font = QFont()
    font.setFamilies([CJK_FONT_FAMILY])
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


def apply_app_font(app: QApplication, pixel_size: int = BASE_PIXEL_SIZE) -> QFont:
    """Load the asset font and set it as the application font; return that font."""
    load_cjk_family()
    font = cjk_font(pixel_size)
    app.setFont(font)
    return font
