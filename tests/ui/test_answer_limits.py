"""Limits a person can meet on the screen (issue 15, brk15 finding 19): a name longer than
30 characters and a 组 the village does not have are said in words, not stored."""

from __future__ import annotations

from helpers import example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from ui_driver import answer, click, errors, type_chinese

from kiosk.ui.main_window import MainWindow


def test_a_name_longer_than_30_characters_is_refused_in_words(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    start_death_benefit(qtbot, w)
    data = example()
    while w.session.page != "deceased_name":
        answer(qtbot, w, data.get(w.session.page))
    line = w.page.editor.line  # type: ignore[attr-defined]
    line.clear()
    type_chinese(line, "𠀀" * 33)  # 生僻字, as the tester typed
    click(qtbot, w, "next")
    assert w.session.page == "deceased_name"
    assert any("最多30个字" in e for e in errors(w)), errors(w)
    assert w.session.draft.fill.value("deceased_name") != "𠀀" * 33
    line.clear()
    type_chinese(line, "阿卜杜热合曼·买买提")
    click(qtbot, w, "next")
    assert w.session.page != "deceased_name", errors(w)


def test_the_group_stepper_stops_at_the_villages_groups(qtbot: QtBot, window: MainWindow) -> None:
    """新店村 has 12 组 in the village list: 30组 (accepted before) cannot be chosen."""
    w = window
    start_death_benefit(qtbot, w)
    data = example()
    while w.session.page != "deceased_village":
        answer(qtbot, w, data.get(w.session.page))
    click(qtbot, w, "choice-v03")
    click(qtbot, w, "next")
    for _ in range(30):
        click(qtbot, w, "group+1")
    assert w.page.editor.value() == "v03-12"  # type: ignore[attr-defined]
    click(qtbot, w, "next")
    assert w.session.draft.fill.value("deceased_village") == "v03-12"


def test_a_group_the_village_does_not_have_is_refused_by_the_engine(
    qtbot: QtBot, window: MainWindow
) -> None:
    from kiosk.services import cases

    w = window
    start_death_benefit(qtbot, w)
    case_id = w.session.draft.case.id
    result = cases.answer(w.ctx, case_id, "deceased_village", "v03-30", actor="test")
    messages = [p.problem.message for p in result.problems]
    assert any("新店村只有12个组" in m for m in messages), messages
