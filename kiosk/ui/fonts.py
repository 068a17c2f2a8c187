"""Load the shipped CJK font chain and make it the application font.

The family is set explicitly (never a generic fallback), so Qt does not pick a system
font that draws Japanese glyph forms for shared Han characters, and the screen matches
the printed PDF, which embeds the same files. The chain's fallback faces
(kiosk.fontchain: Ext A, Ext B, rare name characters) are loaded too and made Qt
substitutes of the primary family, so stylesheets naming only the primary family still
draw 𠮷 or 𬌗 with the face that prints them.
"""

from __future__ import annotations

from functools import cache

from kiosk.assets import CJK_FONT_FAMILY, AssetMissing, cjk_font_path
from kiosk.fontchain import FONT_CHAIN, face_path
from kiosk.ui.qt import QApplication, QFont, QFontDatabase

BASE_PIXEL_SIZE = 28  # body text; the design floor is 24 px


class FontError(RuntimeError):
    """The shipped CJK font could not be loaded."""


@cache
def load_cjk_family() -> str:
    """Register the chain's primary face with Qt (once per process) and return its family
    name. Raises FontError when the file is missing or Qt cannot load it. The fallback
    faces are ``load_fallback_faces``'s (``apply_app_font`` loads both)."""
    try:
        path = cjk_font_path()
    except AssetMissing as exc:  # a bundle or checkout without its assets/
        raise FontError(str(exc)) from None
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        raise FontError(f"Qt could not load the CJK font {path}")
    families = QFontDatabase.applicationFontFamilies(font_id)
    if CJK_FONT_FAMILY not in families:
        raise FontError(f"{path} provides {families}, expected {CJK_FONT_FAMILY!r}")
    return CJK_FONT_FAMILY


@cache
def load_fallback_faces() -> None:
    """Register the chain's fallback faces (Ext A, Ext B, rare name characters; ~8 ms)
    and make them Qt substitutes of the primary family (once per process). The kiosk's
    start does this right after the home screen's first paint (home shows no name); a name
    drawn after that draws as with every face loaded first
    (tests/e2e/test_fallback_faces_after_paint.py). Raises FontError naming a file that is
    missing or that Qt cannot load."""
    fallbacks = []
    for face in FONT_CHAIN[1:]:
        try:
            path = face_path(face)
        except AssetMissing as exc:
            raise FontError(str(exc)) from None
        face_id = QFontDatabase.addApplicationFont(str(path))
        if face_id < 0 or face.family not in QFontDatabase.applicationFontFamilies(face_id):
            raise FontError(f"Qt could not load the fallback font {path}")
        fallbacks.append(face.family)
    QFont.insertSubstitutions(CJK_FONT_FAMILY, fallbacks)


def cjk_font(pixel_size: int = BASE_PIXEL_SIZE, *, bold: bool = False) -> QFont:
    """A font of the asset family at the given pixel size."""
    font = QFont()
    font.setFamilies([face.family for face in FONT_CHAIN])
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


def apply_app_font(
    app: QApplication, pixel_size: int = BASE_PIXEL_SIZE, *, fallbacks: bool = True
) -> QFont:
    """Load the asset font (and its fallback faces unless ``fallbacks`` is False: the
    caller loads them later with ``load_fallback_faces``) and set it as the application
    font; return that font. Raises FontError."""
    load_cjk_family()
    if fallbacks:
        load_fallback_faces()
    font = cjk_font(pixel_size)
    app.setFont(font)
    return font
