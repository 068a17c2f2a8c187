"""上一步 goes to the page before, as it was shown (b15 #9): from the date after
village → 组, back to 组 (then the villages); on the first question, where nothing is
before it, 要离开吗？ with a labelled way out instead of going home at once."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from test_safe_taps import answer_until
from ui_driver import click, errors, find

from kiosk.ui import strings as S
from kiosk.ui.answer_widgets import GroupEditor, VillageEditor
from kiosk.ui.main_window import MainWindow


def test_back_from_the_page_after_the_village_is_its_group(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    start_death_benefit(qtbot, w)
    answer_until(qtbot, w, "death_date")
    click(qtbot, w, "back")
    editor = getattr(w.page, "editor", None)
    assert isinstance(editor, GroupEditor), type(editor).__name__
    assert editor.group.value() is not None  # the 组 given before
    click(qtbot, w, "back")
    assert isinstance(getattr(w.page, "editor", None), VillageEditor)
    click(qtbot, w, "next")
    assert isinstance(getattr(w.page, "editor", None), GroupEditor)
    click(qtbot, w, "next")
    assert w.session.page == "death_date"


def test_back_on_the_first_question_asks_before_leaving(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    first = w.session.page
    click(qtbot, w, "back")
    assert w.page.page_name == "question" and w.session.page == first
    assert errors(w) == [S.LEAVE_ASK]
    assert w.session.resident is not None  # not forgotten yet
    assert find(w, "accept-warning").text() == S.LEAVE_YES
    click(qtbot, w, "accept-warning")
    assert w.page.page_name == "home"
