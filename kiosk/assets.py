"""Files shipped with the kiosk (fonts, later icons and sounds), found the same way in a
checkout and inside the PyInstaller bundle. Core module: no Qt here."""

from __future__ import annotations

import sys
from pathlib import Path

# The CJK font used on screen and in printed PDFs (see assets/fonts/README.md).
CJK_FONT_FILE = "fonts/wqy-microhei.ttc"
CJK_FONT_FAMILY = "WenQuanYi Micro Hei"  # as reported by fc-query and Qt
CJK_FONT_SUBFONT_INDEX = 0  # face index inside the .ttc (1 is the Mono face)


class AssetMissing(FileNotFoundError):
    """A file the kiosk ships in assets/ is not there (a bundle or checkout copied
    without it). Its message names the file; the CLI and the touch screen report it in
    one line, never a traceback."""


class AssetDamaged(AssetMissing):
    """A file the kiosk ships in assets/ is there but cannot be read as what it is (an
    empty or cut-short font); reported like a missing one."""


def assets_dir() -> Path:
    """The assets folder: sys._MEIPASS/assets when frozen by PyInstaller, else the
    repository's assets/ next to the kiosk package."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def cjk_font_path() -> Path:
    """Path of the shipped CJK TrueType font; raises AssetMissing if it is missing."""
    path = assets_dir() / CJK_FONT_FILE
    if not path.is_file():
        raise AssetMissing(
            f"CJK font not found at {path}: the assets/ folder must ship with the kiosk"
        )
    return path
