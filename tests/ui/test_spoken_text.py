"""What 朗读 says is clean speech (issue 15, brk15 findings 18 and 20): no doubled marks
("？。", "：。", "。。"), the deadline banner once per form, the X of an ID number as 叉."""

from __future__ import annotations

from helpers import APPLICANT_ID, FORM_ID, example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import identify
from ui_driver import answer, click, keypad

from kiosk.ui.main_window import MainWindow

DOUBLED = ("？。", "：。", "。。", "！。", "，。")


def test_spoken_text_has_no_doubled_marks_and_the_deadline_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    w.ctx.settings.voice_enabled = True
    w.speaker.enabled = True
    click(qtbot, w, "tile-services")
    identify(qtbot, w, APPLICANT_ID)
    click(qtbot, w, f"offer-{FORM_ID}")
    click(qtbot, w, "next")
    while w.page.page_name.startswith("notice"):
        click(qtbot, w, "read")
        click(qtbot, w, "agree")
    data = example()
    deadline_read = 0
    for _ in range(8):
        click(qtbot, w, "read")
        said = w.speaker.history[-1]
        deadline_read += "办理时限" in said
        if w.session.page == "deceased_village":
            click(qtbot, w, "choice-v03")
            click(qtbot, w, "next")
            click(qtbot, w, "read")  # 在新店村的第几组？
            click(qtbot, w, "group+1")
            click(qtbot, w, "next")
            continue
        answer(qtbot, w, data.get(w.session.page))
    assert deadline_read == 1
    bad = [(mark, text) for text in w.speaker.history for mark in DOUBLED if mark in text]
    assert bad == [], bad
    assert any("单独同意：" in text for text in w.speaker.history)


def test_the_x_of_an_id_number_is_read_cha(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    w.ctx.settings.voice_enabled = True
    w.speaker.enabled = True
    click(qtbot, w, "tile-services")
    keypad(qtbot, w, "11010519491231002")
    click(qtbot, w, "key-X")
    click(qtbot, w, "read")
    said = w.speaker.history[-1]
    assert "X" not in said and "x" not in said, said
