"""朗读 (issue 15 d): the question, hint, numbered choices and the current answer are read;
正在朗读 with 停止 shows while reading; staff see when no sound device exists."""

from __future__ import annotations

import pytest
from helpers import example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from ui_driver import add_staff, answer, click, find, staff_login

from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel, QPoint, QRect, QWidget


def voice_on(w: MainWindow) -> None:
    w.ctx.settings.voice_enabled = True
    w.speaker.enabled = True


def test_read_aloud_says_choices_with_numbers_and_the_answer(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    voice_on(w)
    start_death_benefit(qtbot, w)
    data = example()
    while w.session.page != "drew_pension":
        answer(qtbot, w, data.get(w.session.page))
    click(qtbot, w, "read")
    said = w.speaker.history[-1]
    assert said.startswith("老人生前每个月在领城乡居民养老金吗")  # the question
    assert "在领的，可以申请丧葬补助金" in said  # the hint
    assert "第1个，是" in said and "第2个，否" in said, said  # the choices, numbered
    assert "现在还没有回答" in said
    # 正在朗读 under 朗读, which says 停止 in the same place.
    assert w.page.reading.isVisible() and find(w, "read").text() == "停止"
    click(qtbot, w, "read")
    assert not w.speaker.speaking and not w.page.reading.isVisible()
    assert w.page.read_button.isVisible() and w.page.read_button.text() == "朗读"
    click(qtbot, w, "choice-yes")
    click(qtbot, w, "read")
    assert "现在的答案是：是" in w.speaker.history[-1]


def test_a_number_is_read_digit_by_digit(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    voice_on(w)
    start_death_benefit(qtbot, w)
    for ch in "5002":
        click(qtbot, w, f"key-{ch}")
    click(qtbot, w, "read")
    assert "现在的答案是：5 0 0 2" in w.speaker.history[-1]
    answer_label = w.page.findChild(QLabel, "reading")
    assert answer_label is not None and answer_label.text() == "正在朗读……"
    # A new screen stops the reading of the last one.
    click(qtbot, w, "home")
    assert not w.speaker.speaking


def test_staff_page_says_when_no_sound_device_exists(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = window
    monkeypatch.setenv("KIOSK_AUDIO", "none")
    add_staff(w)
    staff_login(qtbot, w)
    assert w.page.page_name == "staff"
    text = w.page.findChild(QLabel, "audio-text")
    assert text is not None and "没有找到声音设备" in text.text()
    # A status banner at the top, in view on arrival (brk15 finding 15: it was at y≈1947).
    banner = w.page.findChild(QWidget, "audio-problem")
    view = w.page.scroll_area.viewport()
    assert view.rect().contains(QRect(banner.mapTo(view, QPoint(0, 0)), banner.size()))
    w.go_home()
    monkeypatch.setenv("KIOSK_AUDIO", "ok")
    staff_login(qtbot, w)
    assert w.page.findChild(QLabel, "audio-text") is None
