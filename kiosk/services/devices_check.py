"""What the staff page's device section shows and tests: camera, scan folder, receipt
printer, and settings that leave something out (``setting_warnings``: no hall phone
number on the receipt). Each check returns a DeviceCheck (Chinese ``message`` for the
screen, English ``message_en`` for logs); a missing device is reported, never raised, and the kiosk
keeps working without it (docs/devices.md, "Missing devices")."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# The device modules (OpenCV, Pillow, the receipt renderer) are imported by the check
# that uses them: ``kiosk status`` and ``kiosk sync`` only need setting_warnings (issue 19).
if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.devices.camera import Frame
    from kiosk.printing.receipt import ReceiptSlip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceCheck:
    device: str  # camera / scan_folder / receipt_printer
    ok: bool
    message: str
    message_en: str


def setting_warnings(settings: Settings) -> list[DeviceCheck]:
    """Settings that leave something out of what residents get, said (never silently
    left out): the staff device page, ``kiosk status`` and ``kiosk receipt`` show them.
    Now: no hall phone number (``hall_phone``) while receipts are printed, so the slip
    would carry no 咨询电话."""
    found = []
    if settings.receipt_enabled and not settings.hall_phone.strip():
        found.append(
            DeviceCheck(
                "hall_phone",
                False,
                "没有填写大厅咨询电话：回执上将没有电话号码。",
                "no hall phone number is set (setting hall_phone): receipts show none",
            )
        )
    return found


def check_camera(settings: Settings) -> DeviceCheck:
    """Open the configured camera, take a frame, measure its sharpness."""
    from kiosk.devices.camera import CameraUnavailable, open_camera

    if not settings.camera:
        return DeviceCheck("camera", False, "没有设置高拍仪。", "no camera configured")
    try:
        source = open_camera(settings.camera)
    except (CameraUnavailable, ValueError) as exc:
        return DeviceCheck("camera", False, "找不到高拍仪，请检查连接线。", str(exc))
    try:
        frame = source.read()
    finally:
        source.close()
    return judge_frame(settings, frame)


def judge_frame(settings: Settings, frame: Frame | None) -> DeviceCheck:
    """What a camera's frame says of it: sharp enough? a page found? (None: no picture)."""
    from kiosk.devices.capture import prepare_frame

    if frame is None:
        return DeviceCheck("camera", False, "高拍仪没有画面。", "camera gave no frame")
    page = prepare_frame(frame, min_sharpness=settings.min_sharpness)
    found = "找到纸张" if page.found_page else "没有找到纸张边缘"
    return DeviceCheck(
        "camera",
        True,
        f"高拍仪正常：清晰度 {page.sharpness:.0f}（要求 {settings.min_sharpness:.0f}），{found}。",
        f"camera ok: sharpness {page.sharpness:.0f}, page found: {page.found_page}",
    )


def check_scan_folder(settings: Settings) -> DeviceCheck:
    from kiosk.devices.scan_folder import ScanFolder, ScanFolderError

    if not settings.scan_folder:
        return DeviceCheck("scan_folder", False, "没有设置扫描文件夹。", "no scan folder")
    try:
        ScanFolder(Path(settings.scan_folder)).check()
    except ScanFolderError as exc:
        return DeviceCheck("scan_folder", False, "扫描文件夹打不开。", str(exc))
    return DeviceCheck("scan_folder", True, "扫描文件夹正常。", "scan folder ok")


def test_slip(settings: Settings) -> ReceiptSlip:
    """A slip that says it is a test (no case, no codes that open anything)."""
    from kiosk.printing.receipt import ReceiptSlip

    return ReceiptSlip(
        hall=settings.device_name.split()[0] if settings.device_name else settings.town_name,
        case_number="测试 TEST",
        service="回执打印机测试",
        next_desk="（测试，不用办理）",
        missing=[],
        photographed=0,
        when="",
        receipt_code=None,
        identity_code="TEST",
        phone=settings.hall_phone,
    )


def check_receipt_printer(settings: Settings) -> DeviceCheck:
    """Print the test slip on the configured receipt printer."""
    from kiosk.devices.receipt_printer import ReceiptPrinterError, send_receipt
    from kiosk.printing.receipt import escpos_bytes, render_receipt

    if not settings.receipt_printer:
        return DeviceCheck("receipt_printer", False, "没有设置回执打印机。", "none configured")
    data = escpos_bytes(render_receipt(test_slip(settings), settings.receipt_width_mm))
    try:
        send_receipt(settings.receipt_printer, data)
    except ReceiptPrinterError as exc:
        log.warning("receipt printer test failed: %s", exc)
        return DeviceCheck("receipt_printer", False, "回执打印机没有打出来。", str(exc))
    return DeviceCheck("receipt_printer", True, "测试回执已送到打印机。", "test slip sent")
