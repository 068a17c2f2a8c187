"""Flow (issue 15 c): the check page comes before the declaration and signature, the
progress count is by step and does not move while answering, a chosen answer shows a
tick as well as its colour."""

from __future__ import annotations

from helpers import example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import fill_all, start_death_benefit
from ui_driver import answer, click, errors

from kiosk.services.cases import list_cases
from kiosk.ui import flow
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel, QPushButton


def test_check_comes_before_declaration_and_signature(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    data = example()
    fill_all(qtbot, w, data)
    assert w.page.page_name == "check"
    paths = [b.objectName() for b in w.page.findChildren(QLabel) if b.objectName()]
    assert w.page.findChild(QLabel, "answer") is not None
    assert not any("applicant_signature" in p for p in paths)
    assert w.page.next_button.text() == "确认无误"
    assert not list_cases(w.ctx, states=["finalized"])
    click(qtbot, w, "next")
    # The declaration after checking, above the signature pad: signed under what it says.
    assert w.session.page == "applicant_signature"
    declared = [lbl.text() for lbl in w.page.findChildren(QLabel, "declaration-text")]
    assert declared and declared[0].startswith("我保证"), declared
    click(qtbot, w, "back")
    assert w.page.page_name == "check"  # 上一步 from it: the check page again
    click(qtbot, w, "next")
    assert w.session.page == "applicant_signature"
    assert w.page.next_button.text() == "确认提交"
    answer(qtbot, w, "sign")
    assert w.page.page_name == "done", errors(w)
    assert len(list_cases(w.ctx, states=["finalized"])) == 1


def test_progress_is_by_step_and_stable(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    first = w.page.section_label.text()
    # Steps are counted over the form's definition (issue 15, brk15 8): v3's five top-level
    # sections from the start (其他继承人 included, relevant or not), so the total never
    # grows when an answer brings the heirs' section in (a section not needed is skipped).
    assert "第 1 步，共 5 步" in first, first
    fill = w.session.draft.fill
    counts = {flow.progress(fill, p.path) for p in fill.pages() if p.section == "去世的老人"}
    assert counts == {(1, 5)}
    answer(qtbot, w, example()["deceased_id"])
    assert "第 1 步，共 5 步" in w.page.section_label.text()
    assert {flow.progress(fill, p.path)[1] for p in fill.pages()} == {5}


def test_the_chosen_answer_shows_a_tick(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    data = example()
    while w.session.page != "drew_pension":
        answer(qtbot, w, data.get(w.session.page))
    yes, no = w.page.editor.buttons["yes"], w.page.editor.buttons["no"]  # type: ignore[attr-defined]
    click(qtbot, w, "choice-yes")
    assert yes.isChecked() and yes.property("ticked") and not no.property("ticked")
    assert yes.accessibleName().startswith("已选")
    assert not yes.icon().isNull() and not no.icon().isNull()
    assert yes.icon().cacheKey() != no.icon().cacheKey()  # a tick, not only a colour
    click(qtbot, w, "choice-no")
    assert no.property("ticked") and not yes.property("ticked")


def test_village_and_group_are_separate_pages(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    data = example()
    while w.session.page != "deceased_village":
        answer(qtbot, w, data.get(w.session.page))
    assert w.page.findChild(QPushButton, "group+1") is None  # 组 is not on the village page
    click(qtbot, w, "choice-v03")
    click(qtbot, w, "next")
    assert w.session.page == "deceased_village" and "第几组" in w.page.heading.text()
    assert w.page.editor.value() is None  # type: ignore[attr-defined]  # starts empty
    click(qtbot, w, "next")
    assert errors(w)  # no group chosen yet: said, not guessed
    click(qtbot, w, "back")  # back to the villages
    assert w.page.findChild(QPushButton, "choice-v03").isChecked()
    click(qtbot, w, "next")
    for _ in range(4):
        click(qtbot, w, "group+1")
    click(qtbot, w, "next")
    assert w.session.page == "death_date"
    assert w.session.draft.fill.value("deceased_village") == "v03-4"
