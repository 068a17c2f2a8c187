"""Icons drawn from qtawesome's Font Awesome 5 fonts without importing qtawesome (issue 19:
QtPy's star imports and the other eleven icon fonts cost ~0.3 s and ~35 MiB)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kiosk.ui.qt import QApplication, QColor, QIcon, icon


def _ink(picture_icon: QIcon, size: int = 64) -> list[QColor]:
    image = picture_icon.pixmap(size, size).toImage()
    pixels = (image.pixelColor(x, y) for x in range(size) for y in range(size))
    return [p for p in pixels if p.alpha() == 255]


def test_a_solid_and_a_regular_icon_are_drawn_in_their_colour(qapp: QApplication) -> None:
    for name in ("fa5s.print", "fa5.circle"):
        ink = _ink(icon(name, "#1a6b3c"))
        assert len(ink) > 100, f"{name} drew nothing"
        assert {p.name() for p in ink} == {"#1a6b3c"}


def test_different_names_draw_different_glyphs(qapp: QApplication) -> None:
    def mask(name: str) -> bytes:
        image = icon(name, "#000000").pixmap(48, 48).toImage()
        return bytes(image.pixelColor(x, y).alpha() for x in range(48) for y in range(48))

    assert mask("fa5s.print") != mask("fa5s.users")
    assert mask("fa5s.circle") != mask("fa5.circle")  # solid and regular are two fonts


def test_an_unknown_icon_is_named_in_the_error(qapp: QApplication) -> None:
    with pytest.raises(KeyError, match=r"fa5s\.no-such-icon"):
        icon("fa5s.no-such-icon", "#000000")
    with pytest.raises(KeyError, match=r"mdi6\.home"):
        icon("mdi6.home", "#000000")


def test_icons_do_not_import_qtawesome_or_qtpy() -> None:
    code = (
        "import sys\n"
        "from kiosk.ui.qt import QApplication, icon\n"
        "app = QApplication([])\n"
        "assert not icon('fa5s.users', '#000000').pixmap(32, 32).isNull()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'qtawesome', 'qtpy'}))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
