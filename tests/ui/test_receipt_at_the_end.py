"""The 回执 comes out at the end of a transaction when a receipt printer is set, and a
missing printer is said on the done page without stopping anything."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from helpers import APPLICANT_ID, FORM_ID, example
from pytestqt.qtbot import QtBot

from kiosk.printing.receipt import decode_escpos
from kiosk.printing.signing import IDENTITY_PREFIX
from kiosk.services.cases import fill_case
from kiosk.ui import backend
from kiosk.ui.main_window import MainWindow


def _finish(w: MainWindow) -> str:
    case = fill_case(w.ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
    form = w.ctx.catalogue.get(FORM_ID)
    w.form._finished(backend.Finished(cases=[(case, form)], materials=list(form.materials)))
    return case.number


def test_receipt_printed_at_the_end(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    slips = tmp_path / "slips.bin"
    window.ctx.settings = window.ctx.settings.model_copy(
        update={"receipt_printer": f"file:{slips}"}
    )
    number = _finish(window)
    assert window.page.page_name == "done"
    qtbot.waitUntil(lambda: "回执已打印" in window.page.status.text(), timeout=20_000)
    image = decode_escpos(slips.read_bytes())
    codes = [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
    assert any(c.startswith("BBR1:") for c in codes) and any(
        c.startswith(IDENTITY_PREFIX) for c in codes
    )
    assert number


def test_no_receipt_when_switched_off_and_a_dead_printer_is_said(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    slips = tmp_path / "slips.bin"
    window.ctx.settings = window.ctx.settings.model_copy(
        update={"receipt_printer": f"file:{slips}", "receipt_enabled": False}
    )
    _finish(window)
    window.runner.wait()
    assert not slips.exists()
    window.ctx.settings = window.ctx.settings.model_copy(
        update={"receipt_printer": f"file:{tmp_path}/no/such/dir/x", "receipt_enabled": True}
    )
    _finish(window)
    qtbot.waitUntil(lambda: "回执没有打出来" in window.page.status.text(), timeout=20_000)
    assert window.page.page_name == "done"
