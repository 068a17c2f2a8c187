"""Rows that wrap at large text (issue 15 point 3): ``Reflow`` puts its widgets on as many
lines as the width needs and its height is right on the first layout pass; a WordButton
given its width back shows its words on one line again; the page's scroll bar is slim;
the screenshot script never pictures 正在朗读."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.common_widgets import button, label
from kiosk.ui.look import apply_look, metrics
from kiosk.ui.main_window import MainWindow
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QApplication, QRect, QVBoxLayout, QWidget
from kiosk.ui.reflow_widget import Reflow, words_then_buttons
from kiosk.ui.word_button import WordButton


@pytest.fixture
def at_200(qapp: QApplication) -> Iterator[None]:
    apply_look(qapp, 2.0)
    yield
    apply_look(qapp, 1.0)


def _holder(qtbot: QtBot, inner: QWidget, width: int) -> QWidget:
    holder = QWidget()
    lay = QVBoxLayout(holder)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(inner)
    lay.addStretch(1)
    qtbot.addWidget(holder)
    holder.resize(width, 2000)
    holder.show()
    qtbot.waitExposed(holder)
    return holder


def _overlaps(widgets: list[QWidget]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(widgets):
        for b in widgets[i + 1 :]:
            common: QRect = a.geometry().intersected(b.geometry())
            if not common.isEmpty():
                out.append((a.objectName(), b.objectName()))
    return out


def test_a_row_goes_onto_more_lines_as_its_width_shrinks(qtbot: QtBot, at_200: None) -> None:
    words = label("办件编号 261120-01-009 城乡居民基本养老保险死亡待遇申领", name="words")
    buttons = [button(t, "fa5s.print", name=f"b{i}") for i, t in enumerate(["重新打印", "拍材料"])]
    row = words_then_buttons([words, *buttons], name="row")
    holder = _holder(qtbot, row, 3000)
    for width, arrangement in ((3000, 0), (1000, 1), (420, 2)):
        holder.resize(width, 2000)
        QApplication.processEvents()  # one pass: the lines' height is known before placing
        assert row.shown == arrangement, width
        assert row.height() >= row.heightForWidth(row.width()) > 0
        assert not _overlaps([words, *buttons]), width
        for w in (words, *buttons):
            assert w.geometry().right() <= row.width(), (width, w.objectName())
            assert w.geometry().bottom() <= row.height(), (width, w.objectName())
    assert row.minimumSizeHint().width() <= 420


def test_reflow_refuses_an_arrangement_that_leaves_a_widget_out(qtbot: QtBot) -> None:
    a, b = label("a"), label("b")
    with pytest.raises(ValueError, match="every widget"):
        Reflow([a, b], [[[0]]])


def test_a_wrapped_button_unwraps_when_given_its_width_back(qtbot: QtBot, at_200: None) -> None:
    """A WordButton measured its padding on the lines shown: wrapped, the stylesheet's least
    width inflated it, and given its whole width back the words stayed wrapped."""
    key = WordButton("减十")
    holder = _holder(qtbot, key, 1000)
    wide = key.sizeHint().width()
    key.setFixedWidth(metrics().target)  # narrower than its words: they wrap
    QApplication.processEvents()
    assert "\n" in key.text()
    key.setFixedWidth(wide)
    QApplication.processEvents()
    assert key.text() == "减十", key.text()
    assert key.sizeHint().width() == wide
    holder.close()


def test_the_page_scroll_bar_is_slim(window: MainWindow) -> None:
    page = window.page
    assert isinstance(page, BasePage)
    bar = page.scroll_area.verticalScrollBar()
    assert bar.isVisible()
    assert bar.width() == metrics().scroll_bar <= metrics().px(12)


def _screens_script() -> object:
    path = Path(__file__).resolve().parents[2] / "scripts" / "screens.py"
    spec = importlib.util.spec_from_file_location("screens_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("screens_script", module)
    spec.loader.exec_module(module)
    return module


def test_the_screenshot_script_pictures_the_resting_screen(window: MainWindow) -> None:
    page = window.page
    assert isinstance(page, BasePage)
    page.read()  # what arrival does on a speaking kiosk
    QApplication.processEvents()
    assert page.reading.isVisible()
    _screens_script().rest(window)  # type: ignore[attr-defined]
    assert not page.reading.isVisible()
    assert page.read_button.text() == page.read_button.words()  # type: ignore[attr-defined]
