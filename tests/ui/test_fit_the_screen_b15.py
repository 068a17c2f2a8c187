"""Tester round b15 (issue 15): the window never grows past the screen on the done and
rating pages while they read themselves aloud (1024×768 at 200 % text), the print preview's
打印 and 关闭 are on the screen at 1024×768 at 200 % and follow the window when it turns to
portrait, titles use the full width in portrait at 150/200 % (not a narrow column beside
朗读), and on keypad questions at 1366×768 at 150 % the typed number stays in view while
typing and after an error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import fill_all, start_death_benefit
from ui_driver import click, confirm_and_sign, errors, keypad, settle

from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.services.printing import render_case_pdf
from kiosk.ui.look import apply_look
from kiosk.ui.main_window import MainWindow
from kiosk.ui.print_preview_dialog import PrintPreviewDialog
from kiosk.ui.qt import QApplication, QLineEdit, QPoint, QRect, QWidget
from kiosk.ui.rating_page import RatingPage
from kiosk.ui.speech import Speaker

FORM_ID = "pension_death_benefit"


def open_window(
    qtbot: QtBot, qapp: QApplication, ctx: KioskContext, scale: float, size: tuple[int, int]
) -> MainWindow:
    apply_look(qapp, scale)
    win = MainWindow(ctx, speaker=Speaker(backend="record"))
    win.tap_guard.ms = 0
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    return win


@pytest.fixture
def windows(qapp: QApplication) -> Iterator[list[MainWindow]]:
    made: list[MainWindow] = []
    try:
        yield made
    finally:
        for win in made:
            win.runner.forget()
            win.runner.wait()
            qapp.removeEventFilter(win.idle)
        apply_look(qapp, 1.0)


def rect_in(w: QWidget, top: QWidget) -> QRect:
    return QRect(w.mapTo(top, QPoint(0, 0)), w.size())


def in_view(w: QWidget, win: MainWindow) -> bool:
    """Fully inside the window and, when it scrolls, inside the page's scroll view."""
    if not win.rect().contains(rect_in(w, win)):
        return False
    view = win.page.scroll_area.viewport()
    if view.isAncestorOf(w):
        return QRect(QPoint(0, 0), view.size()).contains(rect_in(w, view))
    return True


def test_done_and_rating_never_grow_the_window_while_reading(
    qtbot: QtBot,
    qapp: QApplication,
    ui_ctx: KioskContext,
    windows: list[MainWindow],
) -> None:
    w = open_window(qtbot, qapp, ui_ctx, 2.0, (1024, 768))
    windows.append(w)
    start_death_benefit(qtbot, w)
    fill_all(qtbot, w, example())
    confirm_and_sign(qtbot, w)
    assert w.page.page_name == "done", errors(w)
    assert w.speaker.speaking  # 正在朗读 / 停止 on show: the window keeps its size
    QApplication.processEvents()
    assert w.size().toTuple() == (1024, 768)
    click(qtbot, w, "next")  # 完成
    assert w.page.page_name == "rating"
    QApplication.processEvents()
    assert w.speaker.speaking
    assert w.size().toTuple() == (1024, 768)


def test_print_preview_buttons_on_screen_at_200_and_after_turning(
    qtbot: QtBot,
    qapp: QApplication,
    ui_ctx: KioskContext,
    windows: list[MainWindow],
) -> None:
    w = open_window(qtbot, qapp, ui_ctx, 2.0, (1024, 768))
    windows.append(w)
    case = fill_case(ui_ctx, FORM_ID, example(), volunteer_id="1001")
    dialog = PrintPreviewDialog(render_case_pdf(ui_ctx, case.id), on_print=lambda: None, parent=w)
    dialog.open()
    qtbot.waitExposed(dialog)
    for size in [(1024, 768), (1080, 1920), (1366, 768)]:
        w.resize(*size)
        QApplication.processEvents()
        room = QRect(w.mapToGlobal(QPoint(0, 0)), w.size())
        shown = QRect(dialog.mapToGlobal(QPoint(0, 0)), dialog.size())
        assert room.contains(shown), (size, shown, room)
        for b in (dialog.print_button, dialog.close_button):
            place = QRect(b.mapToGlobal(QPoint(0, 0)), b.size())
            assert b.isVisible() and room.contains(place), (size, b.text(), place)
            assert dialog.rect().contains(rect_in(b, dialog)), (size, b.text())
            assert b.height() >= 72
    dialog.reject()


@pytest.mark.parametrize("scale", [1.5, 2.0])
def test_portrait_titles_use_the_full_width(
    qtbot: QtBot,
    qapp: QApplication,
    ui_ctx: KioskContext,
    windows: list[MainWindow],
    scale: float,
) -> None:
    w = open_window(qtbot, qapp, ui_ctx, scale, (1080, 1920))
    windows.append(w)
    start_death_benefit(qtbot, w)
    for _ in range(4):  # the first questions: a keypad, a name, a choice …
        assert w.page.page_name == "question", errors(w)
        page = w.page
        QApplication.processEvents()
        column = page.scroll_area.width()
        assert page.titles.width() >= column * 0.8, (w.session.page, page.titles.width(), column)
        path = w.session.page
        fill_all_one(qtbot, w)
        if w.session.page == path:
            break


def fill_all_one(qtbot: QtBot, w: MainWindow) -> None:
    """Answer the page on show with the example's answer (one page of ``fill_all``)."""
    from ui_driver import answer

    data = example()
    path = w.session.page
    assert path is not None
    answer(qtbot, w, data.get(path.rpartition(".")[2]))


def test_keypad_number_stays_in_view_while_typing_and_after_an_error(
    qtbot: QtBot,
    qapp: QApplication,
    ui_ctx: KioskContext,
    windows: list[MainWindow],
) -> None:
    w = open_window(qtbot, qapp, ui_ctx, 1.5, (1366, 768))
    windows.append(w)
    start_death_benefit(qtbot, w)
    assert w.page.page_name == "question" and w.session.page == "deceased_id"
    line = w.page.findChild(QLineEdit)
    assert line is not None
    number = example()["deceased_id"]
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    for digit in wrong:
        keypad(qtbot, w, digit)
        QApplication.processEvents()
        assert in_view(line, w), (line.text(), rect_in(line, w))
    click(qtbot, w, "next")
    assert errors(w), "a wrong check character is an error"
    QApplication.processEvents()
    assert in_view(line, w), rect_in(line, w)
    assert w.size().toTuple() == (1366, 768)


SIZES = [(1024, 768), (1280, 800), (1366, 768), (1920, 1080), (1080, 1920)]


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_all_five_rating_levels_in_view_together_at_every_size(
    qtbot: QtBot,
    qapp: QApplication,
    ui_ctx: KioskContext,
    windows: list[MainWindow],
    scale: float,
) -> None:
    """A scale that hides its negative end biases the rating: 非常满意 … 非常不满意 all
    fully in view at once, and 跳过, at every size of the screen matrix."""
    w = open_window(qtbot, qapp, ui_ctx, scale, SIZES[0])
    windows.append(w)
    w.form.ask_rating([])
    page = w.page
    assert isinstance(page, RatingPage)
    levels = page.buttons
    assert [b.objectName() for b in levels][-1] == "rate-very_dissatisfied"
    for size in SIZES:
        w.resize(*size)
        QApplication.processEvents()
        assert w.size().toTuple() == size
        for b in [*levels, w.page.next_button]:
            assert b.isVisible() and in_view(b, w), (size, b.objectName(), rect_in(b, w))
            assert b.height() >= 72
