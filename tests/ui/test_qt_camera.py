"""Live camera through QtMultimedia (issue 18): frames become BGR pixels exactly, a
camera that is not there is None (the kiosk goes on), the device page lists the cameras
QtMultimedia sees or says there are none."""

from __future__ import annotations

import numpy as np
import pytest
from pytestqt.qtbot import QtBot
from ui_driver import add_staff, click, staff_login

from kiosk.ui import devices_panel_widget
from kiosk.ui import strings as S
from kiosk.ui.capture_flow import choose_camera
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QImage, QLabel, QLineEdit
from kiosk.ui.qt_camera import open_qt_camera, to_bgr


def test_a_qt_frame_becomes_bgr_pixels_exactly(qtbot: QtBot) -> None:
    width, height = 7, 3  # odd width: rows are padded in the QImage
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0)
    image.setPixelColor(2, 1, 0x112233)  # red 0x11, green 0x22, blue 0x33
    pixels = to_bgr(image)
    assert pixels.shape == (height, width, 3) and pixels.dtype == np.uint8
    assert pixels[1, 2].tolist() == [0x33, 0x22, 0x11]
    assert int(pixels.sum()) == 0x33 + 0x22 + 0x11


def test_a_camera_that_is_not_there_is_none(qtbot: QtBot) -> None:
    assert open_qt_camera("qt:no such camera") is None
    assert choose_camera("qt:no such camera") is None
    assert choose_camera("") is None
    assert choose_camera("opencv:97") is None
    synthetic = choose_camera("synthetic")
    assert synthetic is not None and synthetic.read() is not None


@pytest.mark.parametrize("found", [[], ["USB 高拍仪 S500"]])
def test_the_device_page_lists_cameras_or_says_none(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, found: list[str]
) -> None:
    monkeypatch.setattr(devices_panel_widget, "video_inputs", lambda: found)
    w = window
    add_staff(w)
    staff_login(qtbot, w)
    said = w.page.findChild(QLabel, "cameras-found").text()
    assert said == (S.CAMERAS_FOUND.format(names=found[0]) if found else S.CAMERAS_NONE)


def test_testing_a_missing_qt_camera_says_so(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    add_staff(w)
    staff_login(qtbot, w)
    w.page.findChild(QLineEdit, "camera").setText("qt:no such camera")
    click(qtbot, w, "test-camera")
    result = w.page.findChild(QLabel, "device-result")
    qtbot.waitUntil(lambda: "找不到这个摄像头" in result.text(), timeout=10_000)
