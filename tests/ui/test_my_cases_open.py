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


def test_a_resident_alone_starting_again_continues_the_draft(
    qtbot: QtBot, window: MainWindow
) -> None:
    """brk15 finding 14: the same service again over an unfinished draft offered only
    不办了; now 继续填写 through 我的办件 after the card is read."""
    w = window
    data = example()
    start_death_benefit(qtbot, w)  # a typed number: presence not proven
    answer(qtbot, w, data["deceased_id"])
    answer(qtbot, w, data["deceased_name"])
    click(qtbot, w, "home")
    [draft] = list_cases(w.ctx, states=["draft"])
    start_death_benefit(qtbot, w)
    answer(qtbot, w, data["deceased_id"])
    assert w.page.page_name == "duplicate"
    click(qtbot, w, "continue-draft")
    assert w.page.page_name == "identify"  # 我的办件 asks for proof first
    assert [c.id for c in list_cases(w.ctx, states=["draft"])] == [draft.id]  # new one dropped
    wedge_read(qtbot, w, f"张秀英 {APPLICANT_ID}")
    click(qtbot, w, "confirm")
    assert w.page.page_name == "my-cases"
    click(qtbot, w, f"open-{draft.number}")
    click(qtbot, w, "continue")
    assert w.session.draft is not None and w.session.draft.case.id == draft.id
    assert w.session.draft.fill.value("deceased_name") == data["deceased_name"]


def test_the_idle_warning_promises_no_volunteer_to_a_resident_alone(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    start_death_benefit(qtbot, w)
    w.idle.configure(0.05, 20, tick_ms=1000)
    qtbot.waitUntil(lambda: w.idle.overlay.isVisible(), timeout=3000)
    text = w.idle.overlay.countdown.text()
    assert "帮办人" not in text and "我的办件" in text, text
    click(qtbot, w, "still-here")
