"""Every screen meets the elder-access numbers (DESIGN.md): smallest text >= 24 px,
smallest touch target >= 72x72 px, and every text/background pair of the theme >= 7:1."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui import theme
from kiosk.ui.look import apply_look
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QAbstractButton, QApplication, QFontInfo, QLabel, QLineEdit, QWidget
from kiosk.ui.screen_tour import tour

MIN_TEXT_PX = 24
MIN_TARGET_PX = 72


def _visible(root: QWidget, kind: type) -> list:
    return [w for w in root.findChildren(kind) if w.isVisibleTo(root) and w.isVisible()]


def measure(window: MainWindow) -> tuple[int, tuple[int, int], list[str]]:
    """(smallest font px, smallest (w, h) of a button, the offenders) on the current screen."""
    QApplication.processEvents()
    texts = (
        _visible(window, QLabel) + _visible(window, QAbstractButton) + _visible(window, QLineEdit)
    )
    smallest_font = min(QFontInfo(w.font()).pixelSize() for w in texts if w.text().strip())
    buttons = _visible(window, QAbstractButton)
    smallest = min(((b.width(), b.height()) for b in buttons), key=lambda s: min(s))
    bad = [
        f"{b.objectName() or b.text()!r} {b.width()}x{b.height()}"
        for b in buttons
        if b.width() < MIN_TARGET_PX or b.height() < MIN_TARGET_PX
    ] + [
        f"{w.objectName() or w.text()[:10]!r} {QFontInfo(w.font()).pixelSize()}px"
        for w in texts
        if w.text().strip() and QFontInfo(w.font()).pixelSize() < MIN_TEXT_PX
    ]
    return smallest_font, smallest, bad


def test_every_screen_meets_the_numbers(qtbot: QtBot, window: MainWindow) -> None:
    seen = []
    for name in tour(window):
        seen.append(name)
        font_px, (w, h), bad = measure(window)
        assert not bad, f"{name}: {bad}"
        assert font_px >= MIN_TEXT_PX and min(w, h) >= MIN_TARGET_PX, name
    assert {
        "home",
        "identify",
        "identify-card",
        "notice",
        "notice-sensitive",
        "duplicate",
        "services",
        "materials",
        "check",
        "done",
        "my-cases",
        "volunteer",
        "staff",
        "idle",
        "question-signature",
    } <= set(seen)


def test_the_measure_catches_small_text_and_targets(qtbot: QtBot, window: MainWindow) -> None:
    small = QLabel("小字", window.page)
    small.setStyleSheet("font-size: 14px;")
    from kiosk.ui.qt import QPushButton

    button = QPushButton("小", window.page)
    button.setStyleSheet("min-height: 20px; min-width: 20px; max-height: 30px; max-width: 30px;")
    small.show()
    button.show()
    _font, _size, bad = measure(window)
    assert any("14px" in b for b in bad) and any("'小'" in b for b in bad), bad


@pytest.mark.parametrize(("name", "ink", "paper"), theme.PAIRS)
def test_theme_contrast_is_at_least_7_to_1(name: str, ink: str, paper: str) -> None:
    assert theme.contrast_ratio(ink, paper) >= 7.0, name


def test_contrast_formula_matches_wcag() -> None:
    assert theme.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast_ratio("#777777", "#FFFFFF") < 7


def test_font_scale_grows_text_buttons_and_icons(
    qtbot: QtBot, qapp: QApplication, window: MainWindow
) -> None:
    def sizes() -> tuple[int, int, int]:
        window.show_home()
        QApplication.processEvents()
        tile = window.page.findChild(QAbstractButton, "tile-services")
        heading = window.page.findChild(QLabel, "heading")
        [picture] = [p for p in tile.findChildren(QLabel) if not p.pixmap().isNull()]
        return QFontInfo(heading.font()).pixelSize(), tile.height(), picture.pixmap().width()

    small = sizes()
    apply_look(qapp, 1.5)
    try:
        big = sizes()
    finally:
        apply_look(qapp, 1.0)
    assert all(b >= s * 1.4 for s, b in zip(small, big, strict=True)), (small, big)
    assert len(theme.FONT_SCALES) >= 3
