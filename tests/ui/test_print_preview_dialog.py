"""The print preview: the PDF's pages shown, big buttons, 打印 calls back once, status in words."""

from __future__ import annotations

import pytest
from helpers import FORM_ID, example
from pytestqt.qtbot import QtBot

from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.services.printing import render_case_pdf
from kiosk.ui.print_preview_dialog import PrintPreviewDialog
from kiosk.ui.qt import QPdfDocument


@pytest.fixture
def pdf(ui_ctx: KioskContext) -> bytes:
    case = fill_case(ui_ctx, FORM_ID, example(), volunteer_id="1001")
    return render_case_pdf(ui_ctx, case.id)


def test_preview_shows_pages_and_big_buttons(qtbot: QtBot, pdf: bytes) -> None:
    calls: list[int] = []
    dialog = PrintPreviewDialog(pdf, on_print=lambda: calls.append(1))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.document.status() == QPdfDocument.Status.Ready
    assert dialog.document.pageCount() == 2
    assert "共 2 页" in dialog.title.text()
    for button in (dialog.print_button, dialog.close_button):
        assert button.height() >= 72
        assert button.font().pixelSize() >= 24
    gap = dialog.print_button.geometry().left() - dialog.close_button.geometry().right()
    assert gap >= 12
    qtbot.mouseClick(dialog.print_button, _left())
    assert calls == [1]
    assert not dialog.print_button.isEnabled()  # no double job while printing
    assert "正在打印" in dialog.status.text()

    dialog.show_status("打印机没纸了，请加纸。", ok=False)
    assert dialog.status.text() == "打印机没纸了，请加纸。"
    assert dialog.print_button.isEnabled()
    dialog.show_status("已送到打印机，请在打印机上取纸。", ok=True)
    assert dialog.print_button.text() == "再打一份"


def test_close_button_closes(qtbot: QtBot, pdf: bytes) -> None:
    dialog = PrintPreviewDialog(pdf, on_print=lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.close_button, _left())
    assert not dialog.isVisible()


def test_unreadable_pdf_still_offers_printing(qtbot: QtBot) -> None:
    dialog = PrintPreviewDialog(b"not a pdf", on_print=lambda: None)
    qtbot.addWidget(dialog)
    assert "预览打不开" in dialog.status.text()
    assert dialog.print_button.isEnabled()


def _left():  # type: ignore[no-untyped-def]
    from kiosk.ui.qt import Qt

    return Qt.MouseButton.LeftButton
