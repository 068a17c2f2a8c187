"""Device settings on the staff page: which camera, scan folder and receipt printer,
test buttons that say what they found, saved with the other settings."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from ui_driver import add_staff, click, staff_login

from kiosk.config import load_settings
from kiosk.printing.receipt import decode_escpos
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel, QLineEdit


def _set(w: MainWindow, name: str, text: str) -> None:
    line = w.page.findChild(QLineEdit, name)
    line.setText(text)


def _result(w: MainWindow) -> str:
    return str(w.page.findChild(QLabel, "device-result").text())


def test_missing_devices_are_said_and_tests_work(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    w = window
    add_staff(w)
    staff_login(qtbot, w)
    assert w.page.page_name == "staff"
    # Nothing set: each test says so in words; the kiosk carries on.
    click(qtbot, w, "test-camera")
    qtbot.waitUntil(lambda: "没有设置高拍仪" in _result(w), timeout=10_000)
    click(qtbot, w, "test-receipt_printer")
    qtbot.waitUntil(lambda: "没有设置回执打印机" in _result(w), timeout=10_000)
    _set(w, "scan_folder", str(tmp_path / "gone"))
    click(qtbot, w, "test-scan_folder")
    qtbot.waitUntil(lambda: "打不开" in _result(w), timeout=10_000)
    # A synthetic camera and a file as the receipt printer: both work.
    _set(w, "camera", "synthetic")
    click(qtbot, w, "test-camera")
    qtbot.waitUntil(lambda: "高拍仪正常" in _result(w), timeout=20_000)
    assert "找到纸张" in _result(w)
    slips = tmp_path / "slips.bin"
    _set(w, "receipt_printer", f"file:{slips}")
    click(qtbot, w, "receipt-width")  # 80 mm
    click(qtbot, w, "test-receipt_printer")
    qtbot.waitUntil(lambda: "测试回执已送到打印机" in _result(w), timeout=20_000)
    assert decode_escpos(slips.read_bytes()).width == 576
    # Saved with the other settings.
    _set(w, "scan_folder", "")
    click(qtbot, w, "receipt-enabled")  # off
    click(qtbot, w, "save")
    qtbot.waitUntil(lambda: w.ctx.settings.camera == "synthetic", timeout=10_000)
    saved = load_settings(w.ctx.data_root)
    assert (saved.camera, saved.receipt_printer) == ("synthetic", f"file:{slips}")
    assert saved.receipt_width_mm == 80 and saved.receipt_enabled is False


def test_a_missing_hall_phone_is_warned_on_the_device_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Tester finding 9: the slip would silently lack its 咨询电话; the page says so."""
    w = window
    add_staff(w)
    staff_login(qtbot, w)
    warnings = w.page.findChild(QLabel, "device-warnings")
    assert "没有填写大厅咨询电话" in warnings.text() and not warnings.isHidden()
    _set(w, "hall_phone", "023-12345678")
    assert warnings.text() == "" and warnings.isHidden()
    _set(w, "hall_phone", "")
    click(qtbot, w, "receipt-enabled")  # receipts off: nothing is left out of a slip
    assert warnings.isHidden()
