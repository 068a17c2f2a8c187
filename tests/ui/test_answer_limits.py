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
