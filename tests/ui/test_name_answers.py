"""Names on the touch screen (b15 #12): 张三3 is refused naming the field; John asks
first, with 继续，用这个名字."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from ui_driver import answer, click, errors, find, type_chinese

from kiosk.ui import strings as S
from kiosk.ui.main_window import MainWindow


def test_a_name_with_a_digit_is_refused_and_latin_letters_are_asked(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    start_death_benefit(qtbot, w)
    answer(qtbot, w, "500225194103080133")
    assert w.session.page == "deceased_name"
    line = w.page.editor.line  # type: ignore[attr-defined]
    line.clear()
    type_chinese(line, "张三3")
    click(qtbot, w, "next")
    assert w.session.page == "deceased_name"
    assert len(errors(w)) == 1 and "数字" in errors(w)[0] and "姓名" in errors(w)[0]
    line.clear()
    type_chinese(line, "张 三")
    click(qtbot, w, "next")
    assert w.session.page == "deceased_name" and "空格" in errors(w)[0]
    line.clear()
    type_chinese(line, "John")
    click(qtbot, w, "next")
    assert w.session.page == "deceased_name" and "外文字母" in errors(w)[0]
    assert find(w, "accept-warning").text() == S.ACCEPT_NAME
    click(qtbot, w, "accept-warning")
    assert w.session.page != "deceased_name"
    assert w.session.draft is not None
    assert w.session.draft.fill.value("deceased_name") == "John"
