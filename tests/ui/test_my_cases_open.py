"""我的办件 rows open the case (issue 15 c): state, the next desk, and 继续填写 for a draft
once presence is proven (a card read), which continues where it was left."""

from __future__ import annotations

from helpers import APPLICANT_ID, FORM_ID, example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from ui_driver import answer, click, find, wedge_read

from kiosk.services.cases import fill_case, list_cases
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel


def my_cases_by_card(qtbot: QtBot, w: MainWindow) -> None:
    click(qtbot, w, "tile-my_cases")
    wedge_read(qtbot, w, f"张秀英 {APPLICANT_ID}")
    click(qtbot, w, "confirm")
    assert w.page.page_name == "my-cases"


def test_a_finished_case_shows_its_state_and_next_desk(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    case = fill_case(w.ctx, FORM_ID, example(), volunteer_id="1001")
    my_cases_by_card(qtbot, w)
    click(qtbot, w, f"open-{case.number}")
    assert w.page.page_name == "case-open"
    lines = [lbl.text() for lbl in w.page.findChildren(QLabel) if lbl.objectName() == "case-line"]
    assert any("已确认提交" in t for t in lines), lines
    assert any(t.startswith("下一步：") and "到" in t for t in lines), lines
    assert w.page.findChild(type(find(w, "back")), "continue") is None  # nothing to continue
    click(qtbot, w, "back")
    assert w.page.page_name == "my-cases"


def test_a_draft_continues_where_it_was_left(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    data = example()
    start_death_benefit(qtbot, w, by_card=True)
    answer(qtbot, w, data["deceased_id"])
    answer(qtbot, w, data["deceased_name"])
    left_at = w.session.page
    click(qtbot, w, "home")
    [draft] = list_cases(w.ctx, states=["draft"])
    my_cases_by_card(qtbot, w)
    click(qtbot, w, f"open-{draft.number}")
    lines = [lbl.text() for lbl in w.page.findChildren(QLabel) if lbl.objectName() == "case-line"]
    assert any("还没填完" in t for t in lines), lines
    click(qtbot, w, "continue")
    assert w.page.page_name == "question"
    assert w.session.draft is not None and w.session.draft.case.id == draft.id
    # The first question still to answer (the sex came from the ID number), answers kept.
    assert w.session.page in (left_at, "deceased_village")
    assert w.session.draft.fill.value("deceased_name") == data["deceased_name"]
