"""Nothing moves under the finger (issue 15, brk15 findings 3, 4, 5, 10): a message shows
in one fixed place under the content (in view, spoken, gone once the answer changes) and
朗读 turns into 停止 in place, without re-laying out the header."""

from __future__ import annotations

from helpers import example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from ui_driver import answer, click, errors

from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel, QPoint, QPushButton, QRect, QWidget


def voice_on(w: MainWindow) -> None:
    w.ctx.settings.voice_enabled = True
    w.speaker.enabled = True


def places(w: MainWindow) -> dict[str, QRect]:
    """Where each visible button and label of the page is, in window coordinates."""
    found: dict[str, QRect] = {}
    for kind in (QPushButton, QLabel):
        for widget in w.page.findChildren(kind):
            # (下面还有内容 marks where the content's view ends: above the message)
            if widget.isVisible() and widget.objectName() not in ("", "more-below"):
                found[widget.objectName()] = QRect(widget.mapTo(w, QPoint(0, 0)), widget.size())
    return found


def fully_in_view(w: MainWindow, widget: QWidget) -> bool:
    shown = widget.visibleRegion().boundingRect()
    return (
        widget.isVisible()
        and shown.size() == widget.size()
        and w.rect().contains(QRect(widget.mapTo(w, QPoint(0, 0)), widget.size()))
    )


def go_to(qtbot: QtBot, w: MainWindow, path: str) -> None:
    data = example()
    while w.session.page != path:
        answer(qtbot, w, data.get(w.session.page))


def test_a_message_moves_nothing_is_spoken_and_goes_when_the_answer_changes(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    voice_on(w)
    start_death_benefit(qtbot, w)
    go_to(qtbot, w, "deceased_village")
    before = places(w)
    click(qtbot, w, "next")  # nothing chosen
    assert errors(w) == ["这一题需要回答。"]
    after = places(w)
    moved = {n: (before[n], after[n]) for n in before if n in after and before[n] != after[n]}
    assert moved == {}, moved
    assert fully_in_view(w, w.page.errors)
    assert "这一题需要回答" in w.speaker.history[-1]
    click(qtbot, w, "choice-v03")
    assert errors(w) == []  # the message was about no answer; there is one now
    click(qtbot, w, "next")
    click(qtbot, w, "next")  # 第几组 with no group
    assert errors(w)
    click(qtbot, w, "group+1")
    assert errors(w) == []


def test_a_message_on_a_keypad_page_is_in_view_when_scrolled(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    w.resize(1366, 768)
    start_death_benefit(qtbot, w)
    assert w.session.page == "deceased_id"
    bar = w.page.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())  # down to the keypad's last row
    qtbot.wait(50)
    keys = places(w)
    click(qtbot, w, "next")  # nothing typed
    assert errors(w)
    assert fully_in_view(w, w.page.errors)
    assert {n: r for n, r in places(w).items() if n in keys} == keys
    click(qtbot, w, "key-5")
    assert errors(w) == []


def test_reading_turns_read_into_stop_in_place(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    voice_on(w)
    start_death_benefit(qtbot, w)
    go_to(qtbot, w, "drew_pension")
    w.speaker.stop()
    qtbot.wait(20)
    before = places(w)
    click(qtbot, w, "read")
    assert w.speaker.speaking and w.page.reading.isVisible()
    assert w.page.read_button.text() == "停止"
    after = places(w)
    moved = {n: (before[n], after[n]) for n in before if before[n] != after.get(n)}
    assert moved == {}, moved
    click(qtbot, w, "read")  # the same button, now 停止
    assert not w.speaker.speaking and w.page.read_button.text() == "朗读"
    assert places(w) == before


def test_the_group_is_read_as_its_name_not_its_code(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    voice_on(w)
    start_death_benefit(qtbot, w)
    go_to(qtbot, w, "deceased_village")
    click(qtbot, w, "choice-v03")
    click(qtbot, w, "read")
    assert "现在的答案是：" in w.speaker.history[-1] and "v03" not in w.speaker.history[-1]
    click(qtbot, w, "next")
    for _ in range(4):
        click(qtbot, w, "group+1")
    click(qtbot, w, "read")
    said = w.speaker.history[-1]
    assert "现在的答案是：4组" in said and "v03" not in said, said


def test_a_long_list_of_problems_keeps_the_bar_small_and_is_read_whole(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    voice_on(w)
    start_death_benefit(qtbot, w)
    problems = [f"第{i}题：这一题需要回答。" for i in range(1, 9)]
    view_before = w.page.scroll_area.viewport().height()
    w.say_errors(problems)
    qtbot.wait(20)
    lines = [lbl.text() for lbl in w.page.errors.findChildren(QLabel)]
    assert len(lines) == 1 + 2 + 1 and "还有 6 个问题" in lines[-1], lines
    assert w.page.scroll_area.viewport().height() > view_before / 3
    assert all(p.rstrip("。") in w.speaker.history[-1] for p in problems)
    click(qtbot, w, "read")  # 停止
    click(qtbot, w, "read")  # 朗读: the page with every problem
    assert all(p.rstrip("。") in w.speaker.history[-1] for p in problems)
