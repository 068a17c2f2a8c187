"""The home screen's 一件事 list shows the life events of issue 16.4 beside 家人去世; one
opens through its materials page (with its forms' deadlines), and each walks on the screens
from its example to one finalized case per form that applies."""

from __future__ import annotations

import json

import pytest
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import fill_all, identify
from ui_driver import agree, click, confirm_and_sign, errors, find

from kiosk.forms.examples import example_path
from kiosk.registry.demo import HE_LI
from kiosk.services.cases import list_cases
from kiosk.ui import flow
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
    # The ID number read at identification is a registry fact: confirmed on the check
    # page (issue 15, time on task), so the first page asked is the one after it.
    fill = w.session.draft.fill
    assert fill.value("applicant_id") == HE_LI
    assert w.session.page == flow.next_path(fill, None) == "applicant_name"


@pytest.mark.parametrize(
    ("bundle_id", "cases"),
    [("turning_60", 3), ("family_hardship", 3), ("disability_services", 2), ("newborn", 4)],
)
def test_each_new_life_event_walks_to_its_cases(
    qtbot: QtBot, window: MainWindow, bundle_id: str, cases: int
) -> None:
    """The shipped example answered page by page on the screens, checked, signed once,
    and finalized: one case number per form that applies on the done page."""
    w = window
    composed = w.ctx.catalogue.get(f"bundle.{bundle_id}")
    data = json.loads(example_path(composed).read_text("utf-8"))
    click(qtbot, w, "tile-life_events")
    identify(qtbot, w, data["applicant_id"])
    click(qtbot, w, f"offer-{bundle_id}")
    click(qtbot, w, "next")
    agree(qtbot, w)
    fill_all(qtbot, w, data)
    confirm_and_sign(qtbot, w)
    assert w.page.page_name == "done", errors(w)
    numbers = [lbl.text() for lbl in w.page.findChildren(QLabel, "case-number")]
    assert len(numbers) == cases == len(list_cases(w.ctx, states=["finalized"]))
