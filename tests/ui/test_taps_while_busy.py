"""No tap lands while an operation runs, and the tap guard guards only what a tap did
(b15 #10 #11 #12, b19 #3): 确认提交 then 上一步 or 回首页 60 ms later still shows the done
page; 上一步 during a save does not undo the step; the first tap on a home screen that
appeared by itself counts; a stroke right after the signature page appears is kept; a
second tap on an empty question says what is missing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from helpers import example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import fill_all, start_death_benefit
from ui_driver import answer, click, errors, find, settle

from kiosk.services import cases
from kiosk.services.cases import list_cases
from kiosk.ui import backend
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QPoint, Qt
from kiosk.ui.tap_guard import GUARD_MS


def tap(qtbot: QtBot, w: MainWindow, name: str) -> None:
    """A finger on a button, without waiting for what it started."""
    qtbot.mouseClick(find(w, name), Qt.MouseButton.LeftButton)


def slowed(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, seconds: float) -> None:
    real = getattr(owner, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)


def to_signature(qtbot: QtBot, w: MainWindow) -> None:
    start_death_benefit(qtbot, w)
    fill_all(qtbot, w, example())
    click(qtbot, w, "next")  # 确认无误
    while getattr(w.page, "editor", None).__class__.__name__ != "SignatureEditor":
        answer(qtbot, w, None)
    pad = w.page.editor.pad  # type: ignore[attr-defined]
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    qtbot.mouseMove(pad, QPoint(120, 80))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(120, 80))


@pytest.mark.parametrize("other", ["back", "home"])
def test_a_tap_during_finalize_never_hides_the_done_page(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, other: str
) -> None:
    w = window
    to_signature(qtbot, w)
    slowed(monkeypatch, backend, "finalize", 0.3)
    tap(qtbot, w, "next")  # 确认提交
    qtbot.wait(60)
    tap(qtbot, w, other)  # 上一步 / 回首页 while the case is being finalized
    settle(qtbot, w)
    assert w.page.page_name == "done", errors(w)
    assert errors(w) == []
    assert [c.state for c in list_cases(w.ctx)] == ["finalized"]


def test_a_tap_during_a_save_does_not_undo_the_step(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = window
    start_death_benefit(qtbot, w)
    first = w.session.page
    answer(qtbot, w, example()["deceased_id"])
    assert w.session.page == "deceased_name"
    slowed(monkeypatch, cases, "answer", 0.3)
    w.page.editor.line.setText("张德明")  # type: ignore[attr-defined]
    tap(qtbot, w, "next")
    qtbot.wait(60)
    tap(qtbot, w, "back")  # while the name is saved: held, not acted on
    settle(qtbot, w)
    assert w.session.page not in (first, "deceased_name"), w.session.page
    assert w.page.page_name == "question" and errors(w) == []


def test_the_first_tap_on_a_home_screen_that_appeared_by_itself_counts(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    w.tap_guard.ms = GUARD_MS
    w.show_home()  # as at start-up or after the idle wipe: no tap showed it
    qtbot.wait(200)
    tap(qtbot, w, "tile-services")
    settle(qtbot, w)
    assert w.page.page_name == "identify"


def test_a_stroke_right_after_the_signature_page_appears_is_kept(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    start_death_benefit(qtbot, w)
    fill_all(qtbot, w, example())
    w.tap_guard.ms = GUARD_MS
    qtbot.wait(GUARD_MS + 50)
    tap(qtbot, w, "next")  # 确认无误: a tap shows the page, the guard is armed
    settle(qtbot, w)
    while getattr(w.page, "editor", None).__class__.__name__ != "SignatureEditor":
        qtbot.wait(GUARD_MS + 50)
        tap(qtbot, w, "next")
        settle(qtbot, w)
    assert w.tap_guard.active
    pad = w.page.editor.pad  # type: ignore[attr-defined]
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    for i in range(1, 8):
        qtbot.mouseMove(pad, QPoint(40 + 15 * i, 40 + 5 * i))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(145, 75))
    assert pad.path_text().startswith("M 40 40 L"), pad.path_text()


def test_a_dot_right_after_a_page_appears_is_dropped(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    fill_all(qtbot, w, example())
    w.tap_guard.ms = GUARD_MS
    qtbot.wait(GUARD_MS + 50)
    tap(qtbot, w, "next")  # 确认无误
    settle(qtbot, w)
    pad = getattr(w.page.editor, "pad", None)  # type: ignore[attr-defined]
    if pad is None:
        pytest.skip("the declaration comes on its own page before the signature")
    qtbot.mouseClick(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))  # a stray tap
    assert pad.path_text() == ""


def test_tapping_again_on_an_empty_question_says_what_is_missing(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    start_death_benefit(qtbot, w)  # the last tap (我同意) showed the first question
    w.tap_guard.ms = GUARD_MS  # from that tap on (the driver types faster than a guard)
    assert w.tap_guard.active
    tap(qtbot, w, "next")  # may be the stray second tap of 我同意: dropped
    qtbot.wait(150)
    tap(qtbot, w, "next")  # the person taps again: this one counts
    settle(qtbot, w)
    assert errors(w) == ["这一题需要回答。"]


def test_the_first_handwriting_stroke_right_after_the_page_appears_is_kept(
    qtbot: QtBot, window: MainWindow
) -> None:
    """b15 #10: a stroke within 0.5 s of the name page appearing (by a tap) counts."""
    w = window
    start_death_benefit(qtbot, w)
    w.page.editor.line.setText("500225194103080133")  # type: ignore[attr-defined]
    w.tap_guard.ms = GUARD_MS
    qtbot.wait(GUARD_MS + 50)
    tap(qtbot, w, "next")  # a tap shows the name page: the guard is armed
    settle(qtbot, w)
    assert w.session.page == "deceased_name" and w.tap_guard.active
    writing = w.page.editor.entry.handwriting  # type: ignore[attr-defined]
    if not writing.available:
        pytest.skip("no handwriting recogniser on this machine")
    pad = writing.pad
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(30, 60))
    for i in range(1, 6):
        qtbot.mouseMove(pad, QPoint(30 + 20 * i, 60))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(130, 60))
    assert len(pad.strokes()) == 1 and pad.strokes()[0][0] == (30.0, 60.0)
