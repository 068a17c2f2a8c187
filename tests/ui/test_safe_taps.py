"""Safe taps (issue 15 b): 删除 offers 撤销 for 10 s, a warning goes on only by its own
labelled button, dates start empty and offer only real dates, targets ≥ 12 px apart."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import DECEASED_ID, example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from ui_driver import answer, click, errors, find, keypad, settle

from kiosk.forms.paths import parse_path
from kiosk.ui.answer_widgets import DateEditor, days_in
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QPoint, QPushButton, Qt
from kiosk.ui.question_page import RepeatPage


def answers() -> dict[str, Any]:
    data = example()
    data["deceased_id"] = DECEASED_ID
    return data


def answer_until(qtbot: QtBot, w: MainWindow, stop: str, heirs: int = 0) -> None:
    """Answer with the example until the page ``stop`` (adding ``heirs`` heirs)."""
    data, added = answers(), 0
    for _ in range(80):
        path = w.session.page
        if path == stop:
            return
        if w.page.page_name == "repeat":
            if added < heirs:
                added += 1
                click(qtbot, w, "add")
            else:
                click(qtbot, w, "next")
            continue
        assert path is not None, (w.page.page_name, errors(w))
        fname, inst = parse_path(path)
        source = data
        for repeat, index in inst:
            source = source[repeat][index]
        answer(qtbot, w, source.get(fname))
        assert errors(w) == [], (path, errors(w))
    raise AssertionError(f"never reached {stop}")


def heirs_in_store(w: MainWindow) -> list[str]:
    from kiosk.services.cases import load_draft

    draft = load_draft(w.ctx, w.session.draft.case.id)
    return [h.get("heir_name") for h in draft.fill.answers.get("heirs", [])]


def visible_buttons(w: MainWindow) -> list[QPushButton]:
    return [b for b in w.page.findChildren(QPushButton) if b.isVisible()]


def test_removing_an_heir_offers_undo_and_waits(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = window
    start_death_benefit(qtbot, w)
    answer_until(qtbot, w, "heirs", heirs=0)
    heirs = answers()["heirs"]
    for i in range(2):  # two heirs, typed in
        click(qtbot, w, "add")
        while w.page.page_name != "repeat":
            answer(qtbot, w, heirs[i][parse_path(w.session.page)[0]])
    assert isinstance(w.page, RepeatPage) and heirs_in_store(w) == ["李桂兰", "张建国"]
    edit, remove = find(w, "edit-0"), find(w, "remove-0")
    assert remove.geometry().left() - edit.geometry().right() >= 12

    click(qtbot, w, "remove-0")
    assert not w.page.item_boxes[0].isVisible()
    assert "李桂兰" in w.page.undo_text.text() and find(w, "undo").isVisible()
    assert heirs_in_store(w) == ["李桂兰", "张建国"]  # nothing gone until 撤销 has passed
    click(qtbot, w, "undo")
    assert w.page.item_boxes[0].isVisible() and not w.page.undo_box.isVisible()

    # The undo time passes (shortened here): the heir is removed in the store.
    monkeypatch.setattr(RepeatPage, "UNDO_S", 0.2)
    click(qtbot, w, "remove-1")
    qtbot.waitUntil(lambda: heirs_in_store(w) == ["李桂兰"], timeout=5000)
    settle(qtbot, w)
    assert w.page.page_name == "repeat" and len(w.page.item_boxes) == 1

    # Leaving the page before the time is up removes it too, then goes on.
    monkeypatch.setattr(RepeatPage, "UNDO_S", 10.0)
    click(qtbot, w, "remove-0")
    click(qtbot, w, "next")
    assert heirs_in_store(w) == []
    assert w.session.page == "pay_to_social_security_card"  # v3: the 社保卡 first


def test_two_removals_in_a_row_are_both_named_and_both_undoable(
    qtbot: QtBot, window: MainWindow
) -> None:
    """b15 #8: 删除 heir 1 then heir 2: the 撤销 bar names both, 撤销 brings back one at
    a time (the last first), and nothing is removed in the store meanwhile."""
    w = window
    start_death_benefit(qtbot, w)
    answer_until(qtbot, w, "heirs", heirs=0)
    heirs = answers()["heirs"]
    for i in range(2):
        click(qtbot, w, "add")
        while w.page.page_name != "repeat":
            answer(qtbot, w, heirs[i][parse_path(w.session.page)[0]])
    click(qtbot, w, "remove-0")
    click(qtbot, w, "remove-1")
    assert isinstance(w.page, RepeatPage)
    shown = w.page.undo_text.text()
    assert "李桂兰" in shown and "张建国" in shown, shown
    click(qtbot, w, "undo")
    assert w.page.item_boxes[1].isVisible() and not w.page.item_boxes[0].isVisible()
    assert "李桂兰" in w.page.undo_text.text() and "张建国" not in w.page.undo_text.text()
    click(qtbot, w, "undo")
    assert all(box.isVisible() for box in w.page.item_boxes)
    assert heirs_in_store(w) == ["李桂兰", "张建国"]


def test_a_warning_needs_its_own_button(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    answer_until(qtbot, w, "bank_account", heirs=1)
    good = answers()["bank_account"]
    doubtful = good[:-1] + str((int(good[-1]) + 1) % 10)  # fails the card check digit
    keypad(qtbot, w, doubtful)
    click(qtbot, w, "next")
    assert w.session.page == "bank_account" and errors(w)
    accept = find(w, "accept-warning")
    assert accept.text() == "继续，用这个号码"
    click(qtbot, w, "next")  # a second (double) tap does not pass the warning
    assert w.session.page == "bank_account"
    assert find(w, "accept-warning").isVisible()
    click(qtbot, w, "accept-warning")
    assert w.session.page != "bank_account"


def test_dates_start_empty_and_are_real(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    answer_until(qtbot, w, "death_date")
    editor = w.page.editor
    assert isinstance(editor, DateEditor)
    assert editor.value() is None  # never today by default
    assert editor.day.shown.text() == "请选择"
    click(qtbot, w, "next")
    assert w.session.page == "death_date" and errors(w)  # still to be answered
    qtbot.mouseClick(find(w, "month+1"), Qt.MouseButton.LeftButton)  # shows today whole
    assert editor.year.value() == w.ctx.today().year
    assert editor.month.value() == w.ctx.today().month == 11
    assert editor.day.value() == w.ctx.today().day
    qtbot.mouseClick(find(w, "day+10"), Qt.MouseButton.LeftButton)  # 加十 for days too
    assert editor.day.value() == 30
    for _ in range(4):
        qtbot.mouseClick(find(w, "day+1"), Qt.MouseButton.LeftButton)
    assert editor.day.value() == 30  # no 11月31日
    editor.year.set(2023)
    editor.month.set(2)
    assert editor.day.value() == 28  # no 2月30日: the day follows the month
    assert days_in(2024, 2) == 29 and days_in(None, 2) == 29


def test_targets_are_at_least_12px_apart_on_the_question_pages(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    start_death_benefit(qtbot, w)
    seen = 0
    for stop in ("deceased_id", "deceased_village", "death_date", "drew_pension", "heirs"):
        answer_until(qtbot, w, stop, heirs=0)
        buttons = visible_buttons(w)
        # The part on screen (a button partly scrolled under the fold is clipped).
        shown = [(b.objectName(), b, b.visibleRegion().boundingRect()) for b in buttons]
        rects = [(n, r.translated(b.mapTo(w, QPoint(0, 0)))) for n, b, r in shown if r.isValid()]
        for i, (na, a) in enumerate(rects):
            for nb, b in rects[i + 1 :]:
                grown = a.adjusted(-11, -11, 11, 11)
                assert not grown.intersects(b), (stop, na, nb, a, b)
        seen += 1
    assert seen == 5


def test_the_list_does_not_move_when_undo_runs_out(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """brk15 finding 16: the heirs list jumped ~90 px by itself when the 10 s ended."""
    w = window
    start_death_benefit(qtbot, w)
    answer_until(qtbot, w, "heirs", heirs=0)
    heirs = answers()["heirs"]
    for i in range(2):
        click(qtbot, w, "add")
        while w.page.page_name != "repeat":
            answer(qtbot, w, heirs[i][parse_path(w.session.page)[0]])
    monkeypatch.setattr(RepeatPage, "UNDO_S", 0.3)
    click(qtbot, w, "remove-0")
    before = {n: find(w, n).mapTo(w, QPoint(0, 0)) for n in ("add", "next", "edit-1")}
    shown = w.page
    qtbot.waitUntil(lambda: w.page is not shown and heirs_in_store(w) == ["张建国"], timeout=5000)
    settle(qtbot, w)
    qtbot.wait(50)
    after = {
        n: find(w, m).mapTo(w, QPoint(0, 0))
        for n, m in (("add", "add"), ("next", "next"), ("edit-1", "edit-0"))
    }
    assert after == before
