"""Heirs from the household register: the repeat page offers the deceased's household
members not named yet; one touch adds the item with name and ID, to confirm."""

from __future__ import annotations

import pytest
from helpers import DECEASED_ID, example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from ui_driver import answer, click, settle

from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLineEdit, QPushButton

registry = pytest.importorskip("kiosk.services.registry")


def test_household_members_are_offered_as_heirs(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    registry.load_demo_data(w.ctx)
    data = example()
    # Household members come from the registry: only once presence is proven (a card).
    start_death_benefit(qtbot, w, by_card=True)
    for _ in range(30):  # answer up to the heirs list
        if w.page.page_name == "repeat":
            break
        name = w.session.page
        answer(qtbot, w, data.get(name) if name != "deceased_id" else DECEASED_ID)
    assert w.page.page_name == "repeat"
    settle(qtbot, w)
    offered = [
        b.text() for b in w.page.findChildren(QPushButton) if b.objectName().startswith("suggest-")
    ]
    assert any("李桂兰" in t for t in offered), offered
    assert not any("张秀英" in t for t in offered)  # the applicant is not offered again
    index = next(i for i, t in enumerate(offered) if "李桂兰" in t)
    click(qtbot, w, f"suggest-{index}")
    # Name, ID number and relationship (户主的配偶: the deceased is the head) are registry
    # facts: the first page asked is whether she agrees.
    assert w.session.page == "heirs[0].heir_agrees"
    heir = w.session.draft.fill.answers["heirs"][0]
    assert heir["heir_id"] == "500225194512110049" and heir["heir_name"] == "李桂兰"
    assert heir["heir_relationship"] == "spouse"
    assert w.session.draft.fill.prefill_label("heirs[0].heir_name")
    w.form._change_group(["heirs[0].heir_name", "heirs[0].heir_id"])
    assert w.page.findChild(QLineEdit, "answer").text() == "李桂兰"
