"""The home screen's 一件事 list shows the life events of issue 16.4 beside 家人去世, and
one opens through its materials page (with its forms' deadlines) into its first question."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from test_death_benefit_flow import identify
from ui_driver import agree, click, find

from kiosk.registry.demo import HE_LI
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel

LIFE_EVENTS = ["death_in_family", "turning_60", "family_hardship", "disability_services", "newborn"]


def test_the_new_life_events_are_listed_and_one_opens(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    click(qtbot, w, "tile-life_events")
    identify(qtbot, w, HE_LI)
    assert w.page.page_name == "life-events"
    titles = {name: find(w, f"offer-{name}").text().replace("\n", "") for name in LIFE_EVENTS}
    assert "新生儿出生" in titles["newborn"] or "孩子出生" in titles["newborn"], titles
    assert "满60岁" in titles["turning_60"], titles

    click(qtbot, w, "offer-newborn")
    assert w.page.page_name == "materials"
    shown = " ".join(label.text() for label in w.page.findChildren(QLabel))
    assert "出生医学证明" in shown
    # The 出生登记 deadline (户口登记条例 第七条, policy birth_registration_days) up front.
    assert "30天内到派出所申报出生登记" in shown, shown
    click(qtbot, w, "next")
    agree(qtbot, w)
    assert w.page.page_name == "question"
    assert w.session.draft is not None
    assert w.session.draft.case.form_id == "bundle.newborn"
    assert w.session.page == "applicant_id"
