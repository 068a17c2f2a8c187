"""A double tap never skips a page (issue 15, brk15 findings 6 and 7): after any page
change, taps are ignored for a moment, on every page (确认无误, 确认提交, 办完了, 评价)."""

from __future__ import annotations

from helpers import example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import fill_all, start_death_benefit
from ui_driver import answer, errors, find, settle

from kiosk.ui import flow
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import Qt
from kiosk.ui.tap_guard import GUARD_MS


def double_tap(qtbot: QtBot, w: MainWindow, name: str) -> None:
    """Two taps 80 ms apart on the same spot, the way an unsteady finger does."""
    target = find(w, name)
    spot = target.mapTo(w, target.rect().center())
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    settle(qtbot, w)
    qtbot.wait(80)
    under = w.childAt(spot)
    if under is not None:
        qtbot.mouseClick(under, Qt.MouseButton.LeftButton, pos=under.mapFrom(w, spot))
    settle(qtbot, w)


def test_a_double_tap_lands_on_the_next_page_and_does_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    start_death_benefit(qtbot, w)
    fill_all(qtbot, w, example())
    w.tap_guard.ms = GUARD_MS
    qtbot.wait(GUARD_MS + 50)
    assert w.page.page_name == "check"
    double_tap(qtbot, w, "next")  # 确认无误
    # The declaration is read above the signature pad (issue 15): the page after the
    # check page is the signature, and the second tap must not press its 确认提交.
    _, shown = flow.sign_paths(w.session.draft.fill)
    assert w.session.page == shown[0], "the signature page was skipped"
    assert not errors(w), "the second tap pressed 确认提交 on the unsigned page"
    qtbot.wait(GUARD_MS + 50)
    while w.session.page != shown[-1]:
        answer(qtbot, w, None)
        qtbot.wait(GUARD_MS + 50)
    signature = w.page.editor.pad  # type: ignore[attr-defined]
    qtbot.mousePress(signature, Qt.MouseButton.LeftButton, pos=signature.rect().center())
    qtbot.mouseRelease(signature, Qt.MouseButton.LeftButton, pos=signature.rect().center())
    double_tap(qtbot, w, "next")  # 确认提交
    assert w.page.page_name == "done", "the done page was skipped"
    qtbot.wait(GUARD_MS + 50)
    double_tap(qtbot, w, "next")  # 办完了，回首页
    assert w.page.page_name == "rating"
    assert w.tap_guard.ignored >= 3
