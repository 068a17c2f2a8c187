"""好差评 (issue 15 e): after 完成, five levels, a reason for the lower two, spoken,
skippable, stored with the case, counted on the staff page."""

from __future__ import annotations

from helpers import example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import fill_all, start_death_benefit
from ui_driver import add_staff, click, confirm_and_sign, find, staff_login

from kiosk.services.ratings import rating_counts
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel


def finish_a_case(qtbot: QtBot, w: MainWindow) -> None:
    start_death_benefit(qtbot, w)
    fill_all(qtbot, w, example())
    confirm_and_sign(qtbot, w)
    assert w.page.page_name == "done"
    click(qtbot, w, "next")  # 完成
    assert w.page.page_name == "rating"


def test_a_low_rating_asks_why_and_is_stored(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    w.ctx.settings.voice_enabled = True
    w.speaker.enabled = True
    finish_a_case(qtbot, w)
    said = w.speaker.history[-1]
    assert "这次办事，您满意吗" in said and "第5个，非常不满意" in said  # read on arrival
    names = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert [find(w, f"rate-{k}").text() for k in rating_counts(w.ctx)] == names
    assert find(w, "next").text() == "跳过"
    click(qtbot, w, "rate-dissatisfied")
    assert w.page.page_name == "rating" and find(w, "reason-waited").isVisible()
    assert "哪里让您不满意" in w.speaker.history[-1]
    click(qtbot, w, "reason-waited")
    assert w.page.page_name == "home"
    assert rating_counts(w.ctx)["dissatisfied"] == 1

    add_staff(w)
    staff_login(qtbot, w)
    lines = [lbl.text() for lbl in w.page.findChildren(QLabel, "status-line")]
    assert any("好差评" in t and "不满意 1" in t for t in lines), lines


def test_rating_can_be_skipped(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    finish_a_case(qtbot, w)
    click(qtbot, w, "next")  # 跳过
    assert w.page.page_name == "home"
    assert sum(rating_counts(w.ctx).values()) == 0
