"""Touch screens, round two (issue 15 a): dialogs fit the screen, pages drag under a finger
with a cue when more is below, the keypad never moves while typing, and number fields
never open the pinyin keyboard."""

from __future__ import annotations

import pytest
from helpers import APPLICANT_ID, DECEASED_ID, FORM_ID, example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from ui_driver import click, errors, find, keypad, settle

from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.services.printing import render_case_pdf
from kiosk.ui.common_widgets import label
from kiosk.ui.main_window import MainWindow
from kiosk.ui.page_frame import BasePage
from kiosk.ui.print_preview_dialog import PrintPreviewDialog, fit_rect
from kiosk.ui.qt import QLineEdit, QPoint, QRect, QScroller, Qt, QWidget


def global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def test_print_preview_fits_1366x768_with_its_buttons_on_screen(
    qtbot: QtBot, window: MainWindow, ui_ctx: KioskContext
) -> None:
    window.setGeometry(0, 0, 1366, 768)
    qtbot.waitUntil(lambda: window.height() == 768)
    case = fill_case(ui_ctx, FORM_ID, example(), volunteer_id="1001")
    pdf = render_case_pdf(ui_ctx, case.id)
    dialog = PrintPreviewDialog(pdf, on_print=lambda: None, parent=window)
    dialog.show()
    qtbot.waitExposed(dialog)
    room = global_rect(window)
    assert room.contains(global_rect(dialog)), (global_rect(dialog), room)
    for b in (dialog.print_button, dialog.close_button):
        assert b.isVisible() and room.contains(global_rect(b)), global_rect(b)
        assert b.height() >= 72
    # The pages drag under a finger; 关闭 is a touch away (no Esc needed).
    assert QScroller.hasScroller(dialog.view.viewport())
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


@pytest.mark.parametrize("w,h", [(1024, 768), (1366, 768), (1080, 1920), (1920, 1080)])
def test_preview_geometry_stays_inside_every_screen(w: int, h: int) -> None:
    area = QRect(0, 0, w, h)
    rect = fit_rect(area)
    assert area.contains(rect) and rect.height() >= h - 40 and rect.width() <= 1100


def test_pages_drag_and_show_a_cue_when_more_is_below(qtbot: QtBot) -> None:
    page = BasePage("很长的一页", name="long")
    for i in range(40):
        page.body.addWidget(label(f"第 {i + 1} 行", "large"))
    qtbot.addWidget(page)
    page.resize(1024, 600)
    page.show()
    qtbot.waitExposed(page)
    bar = page.scroll_area.verticalScrollBar()
    assert QScroller.hasScroller(page.scroll_area.viewport())
    assert bar.maximum() > 0 and page.more_below.isVisible()
    # A tap on the cue moves one screen down; at the bottom the cue goes away.
    qtbot.mouseClick(page.more_below, Qt.MouseButton.LeftButton)
    assert bar.value() == bar.pageStep()
    bar.setValue(bar.maximum())
    assert not page.more_below.isVisible()
    # A finger drag (kinetic scroller) moves the page back up.
    scroller = QScroller.scroller(page.scroll_area.viewport())
    scroller.scrollTo(page.scroll_area.viewport().rect().topLeft().toPointF(), 0)
    qtbot.waitUntil(lambda: bar.value() == 0, timeout=3000)
    assert page.more_below.isVisible()


def test_short_page_has_no_cue_and_keeps_its_place(qtbot: QtBot) -> None:
    page = BasePage("短的一页", name="short")
    page.body.addWidget(label("一行", "large"))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    assert not page.more_below.isVisible()
    assert page.more_below.sizePolicy().retainSizeWhenHidden()


def test_identify_keypad_does_not_move_when_an_error_appears(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(1366, 768)
    click(qtbot, window, "tile-services")
    delete = find(window, "key-delete")
    before = global_rect(delete)
    wrong = APPLICANT_ID[:17] + ("1" if APPLICANT_ID[17] != "1" else "2")
    keypad(qtbot, window, wrong)
    assert errors(window), "a wrong checksum is said"
    assert window.page.errors.isVisible()
    assert global_rect(find(window, "key-delete")) == before
    assert global_rect(window.page.next_button) == global_rect(window.page.next_button)
    line = window.page.findChild(QLineEdit, "id-number")
    assert not line.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)


def test_question_keypad_and_nav_stay_put_and_number_fields_skip_pinyin(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(1366, 768)
    start_death_benefit(qtbot, window)
    assert window.session.page == "deceased_id"
    page = window.page
    line = page.editor.line  # type: ignore[attr-defined]
    assert not line.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    keys = {name: global_rect(find(window, name)) for name in ("key-1", "key-0", "key-delete")}
    nav = global_rect(page.next_button)
    keypad(qtbot, window, DECEASED_ID[:17] + ("1" if DECEASED_ID[17] != "1" else "2"))
    click(qtbot, window, "next")
    assert window.page is page and errors(window)
    assert page.errors.isVisible()
    assert {name: global_rect(find(window, name)) for name in keys} == keys
    assert global_rect(page.next_button) == nav
    # The message is beside the keypad, inside the window.
    assert global_rect(window).contains(global_rect(page.errors))
    settle(qtbot, window)


def test_text_fields_keep_their_input_method(qtbot: QtBot, window: MainWindow) -> None:
    """Names and addresses open in 手写 (the input method off, so the pinyin keyboard never
    covers the pad) and still take Chinese from the input method after a tap on 拼音."""
    start_death_benefit(qtbot, window)
    keypad(qtbot, window, DECEASED_ID)
    click(qtbot, window, "next")
    assert window.session.page == "deceased_name"
    line = window.page.editor.line  # type: ignore[attr-defined]
    assert not line.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    click(qtbot, window, "mode-pinyin")
    assert line.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
