"""拍材料 through the real screen: a synthetic camera's live preview, 拍照 → the cut-out
page → 保存 (the material shows 已拍照 1 页), a blurred photo offered only 重拍, the scan
folder, and a kiosk without a camera."""

from __future__ import annotations

from pathlib import Path

import cv2
from helpers import APPLICANT_ID, FORM_ID, example
from pytestqt.qtbot import QtBot
from ui_driver import add_staff, click, staff_login

from kiosk.devices.camera import SyntheticCamera, draw_page
from kiosk.services.attachments import list_attachments
from kiosk.services.cases import fill_case
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel, QPushButton


def _open(qtbot: QtBot, w: MainWindow, **settings: str) -> str:
    w.ctx.settings = w.ctx.settings.model_copy(update=settings)
    case = fill_case(w.ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
    add_staff(w)
    staff_login(qtbot, w)
    click(qtbot, w, f"capture-{case.number}")
    qtbot.waitUntil(lambda: w.page.page_name == "capture", timeout=10_000)
    return case.id


def _message(w: MainWindow) -> str:
    return str(w.page.findChild(QLabel, "capture-message").text())


def test_take_keep_and_retake(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    case_id = _open(qtbot, w, camera="synthetic")
    page = w.page
    assert page.findChild(QLabel, "preview").pixmap().width() > 0  # the live preview
    click(qtbot, w, "material-applicant_id_card")
    click(qtbot, w, "take")
    qtbot.waitUntil(lambda: page.prepared is not None, timeout=20_000)
    assert page.prepared.found_page and page.prepared.sharp
    assert page.findChild(QPushButton, "keep").isVisible()
    click(qtbot, w, "keep")
    qtbot.waitUntil(lambda: "已拍照" in _message(w), timeout=20_000)
    assert "已拍照 1 页" in page.material_buttons["applicant_id_card"].text()
    [stored] = list_attachments(w.ctx, case_id)
    assert (stored.material_id, stored.source) == ("applicant_id_card", "camera")
    # A shaken camera: the photo is refused in words, only 重拍 is offered.
    page.camera = SyntheticCamera(blur=31)
    page.live()
    click(qtbot, w, "take")
    qtbot.waitUntil(lambda: page.prepared is not None, timeout=20_000)
    assert "不够清楚" in _message(w)
    assert not page.findChild(QPushButton, "keep").isVisible()
    click(qtbot, w, "retake")
    assert page.prepared is None and page.timer.isActive()
    click(qtbot, w, "next")  # 完成: back to the staff page
    qtbot.waitUntil(lambda: w.page.page_name == "staff", timeout=10_000)


def test_no_camera_but_the_scan_folder(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    w = window
    inbox = tmp_path / "scans"
    inbox.mkdir()
    case_id = _open(qtbot, w, camera="", scan_folder=str(inbox))
    page = w.page
    assert "没有接高拍仪" in page.findChild(QLabel, "preview").text()
    assert not page.findChild(QPushButton, "take").isEnabled()
    cv2.imwrite(str(inbox / "scan1.jpg"), draw_page(angle=4))
    click(qtbot, w, "material-bank_card")
    click(qtbot, w, "scans")
    qtbot.waitUntil(lambda: "导入了 1 页" in _message(w), timeout=20_000)
    assert "已拍照 1 页" in page.material_buttons["bank_card"].text()
    assert [a.source for a in list_attachments(w.ctx, case_id)] == ["folder"]
