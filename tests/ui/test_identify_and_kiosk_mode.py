"""Identify by a keyboard or card reader (types like a keyboard), and kiosk mode: fullscreen,
frameless, and the way out only through staff mode."""

from __future__ import annotations

from helpers import APPLICANT_ID
from pytestqt.qtbot import QtBot
from ui_driver import add_staff, click, errors, settle, staff_login

from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel, QLineEdit, Qt


def test_card_reader_typing_and_plain_word_errors(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    click(qtbot, w, "tile-services")
    line = w.page.findChild(QLineEdit, "id-number")
    qtbot.keyClicks(line, "5001A")
    assert errors(w) == ["身份证号码里只能有数字，第5位“A”不是数字，请再核对一遍。"]
    line.clear()
    qtbot.keyClicks(line, "50011119681002")
    assert errors(w) == []  # no nagging about the length while typing
    assert w.page.findChild(QLabel, "count").text() == "已输入 14 位，还差 4 位"
    click(qtbot, w, "next")
    assert errors(w) == ["身份证号码应该是18位，您输入了14位。"]
    assert w.speaker.history[-1] == "身份证号码应该是18位，您输入了14位。"
    line.clear()
    qtbot.keyClicks(line, APPLICANT_ID.lower())  # a reader may send a small x
    qtbot.keyClick(line, Qt.Key.Key_Return)
    settle(qtbot, w)
    assert w.page.person.isVisible() and errors(w) == []
    person = w.page.findChild(QLabel, "person-text").text()
    assert "58 岁（女）" in person and "登记信息里没有找到您的名字" in person  # no registry here
    click(qtbot, w, "retype")
    assert line.text() == "" and not w.page.person.isVisible()


def test_kiosk_mode_is_left_only_through_staff_mode(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    w.set_kiosk_mode(True)
    qtbot.waitUntil(w.isFullScreen)
    assert w.windowFlags() & Qt.WindowType.FramelessWindowHint
    home_buttons = {b.objectName() for b in w.page.findChildren(type(w.page.read_button))}
    assert "exit-kiosk" not in home_buttons
    add_staff(w)
    staff_login(qtbot, w)
    click(qtbot, w, "exit-kiosk")
    qtbot.waitUntil(lambda: not w.isFullScreen())
    assert not w.windowFlags() & Qt.WindowType.FramelessWindowHint


def test_the_staff_page_shows_forms_policy_and_what_is_unconfirmed(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Issue 16: the policy in force and its 待核实 parameters (refusals too, tested with
    a real server in tests/integration/sync/test_sync_definitions.py)."""
    w = window
    add_staff(w)
    staff_login(qtbot, w)
    assert w.page.page_name == "staff"
    qtbot.waitUntil(lambda: w.page.findChild(QLabel, "definitions-0") is not None)
    first = w.page.findChild(QLabel, "definitions-0").text()
    assert first == "正在使用的表单：本机自带的版本（镇服务器还没有发布）；重庆市大足区政策第2版"
    texts = [lbl.text() for lbl in w.page.findChildren(QLabel)]
    assert any(t.startswith("待核实参数 ") and "丧葬补助金" in t for t in texts), texts
