"""The whole death-benefit claim through the real screens, with the shipped example
answers: an ID checksum error in words, back navigation, 修改 from the check page, then
finalize, and the case exists finalized in the store."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import APPLICANT_ID, FORM_ID, example
from pytestqt.qtbot import QtBot
from ui_driver import (
    agree,
    answer,
    answer_ticks,
    click,
    confirm_and_sign,
    errors,
    example_value,
    find,
    keypad,
    settle,
    wedge_read,
)

from kiosk.forms.paths import parse_path
from kiosk.services.cases import list_cases, show_case
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QDialog, QLabel, QLineEdit, Qt


def identify(qtbot: QtBot, w: MainWindow, id_number: str) -> None:
    # A wrong last character first: the checksum error in plain words, not only colour.
    wrong = id_number[:17] + ("1" if id_number[17] != "1" else "2")
    keypad(qtbot, w, wrong)
    assert any("最后一位对不上" in e for e in errors(w)), errors(w)
    assert w.page.findChild(QLabel, "error-heading").isVisible()
    click(qtbot, w, "key-delete")
    keypad(qtbot, w, id_number[17])
    assert errors(w) == []
    qtbot.waitUntil(lambda: w.page.person.isVisible())
    text = w.page.findChild(QLabel, "person-text").text()
    # Typed on the keypad: nothing proven, so masked data only (no age, sex or name).
    assert f"身份证：{id_number[:4]}**********{id_number[-4:]}" in text and "岁" not in text
    click(qtbot, w, "confirm")


def start_death_benefit(qtbot: QtBot, w: MainWindow, *, by_card: bool = False) -> None:
    click(qtbot, w, "tile-services")
    assert w.page.page_name == "identify"
    if by_card:
        wedge_read(qtbot, w, f"张秀英 {APPLICANT_ID}")
        click(qtbot, w, "confirm")
    else:
        identify(qtbot, w, APPLICANT_ID)
    assert w.page.page_name == "services"
    click(qtbot, w, f"offer-{FORM_ID}")
    assert w.page.page_name == "materials"
    assert any("身份证" in line for line in w.page.lines)
    click(qtbot, w, "next")  # 开始填写
    assert w.page.page_name == "notice"  # what is asked, who uses it, how long, deleting
    agree(qtbot, w)
    assert w.page.page_name == "question"


def fill_all(qtbot: QtBot, w: MainWindow, answers: dict[str, Any]) -> None:
    """Answer page by page until the check page, adding repeat items as the example has."""
    added: dict[str, int] = {}
    for _ in range(80):
        name = w.page.page_name
        if name == "check":
            return
        path = w.session.page
        assert path is not None
        if name == "repeat":
            items = answers.get(path, [])
            if added.get(path, 0) < len(items):
                added[path] = added.get(path, 0) + 1
                click(qtbot, w, "add")
            else:
                click(qtbot, w, "next")
            continue
        if name == "ticks":  # one yes/no per item on one page (each heir's 同意)
            answer_ticks(qtbot, w, lambda p: example_value(answers, p))
            continue
        fname, inst = parse_path(path)
        source = answers
        for repeat, index in inst:
            source = source[repeat][index]
        value = source.get(fname)
        if value is None and fname == "applicant_signature":
            value = "sign"
        answer(qtbot, w, value)
        assert errors(w) == [], (path, errors(w))
    raise AssertionError("never reached the check page")


def fake_printer(monkeypatch: pytest.MonkeyPatch) -> list[str] | None:
    """Record print jobs instead of sending them to CUPS; None without a printing service."""
    try:
        from kiosk.services import printing
    except ImportError:
        return None
    printed: list[str] = []

    def print_case(ctx: Any, case_id: str, **_kw: Any) -> Any:
        printed.append(case_id)
        return printing.PrintResult(True, "已送到打印机。", "sent", "fake")

    monkeypatch.setattr(printing, "print_case", print_case)
    return printed


def test_death_benefit_claim_end_to_end(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = window
    data = example()
    start_death_benefit(qtbot, w)
    assert w.session.page == "deceased_id"

    # Back navigation: answer two pages, go back, the answer is still shown.
    answer(qtbot, w, data["deceased_id"])
    assert w.session.page == "deceased_name"
    click(qtbot, w, "back")
    assert w.session.page == "deceased_id"
    assert w.page.findChild(QLineEdit, "answer").text() == data["deceased_id"]
    click(qtbot, w, "next")

    # A required answer left empty: the engine's message at the top, in words.
    click(qtbot, w, "next")
    assert errors(w) and "需要回答" in errors(w)[0]
    assert w.speaker.history[-1] == errors(w)[0]

    fill_all(qtbot, w, data)
    page = w.page
    assert page.page_name == "check"
    answers_shown = [lbl.text() for lbl in page.findChildren(QLabel, "answer")]
    assert "张德明" in answers_shown and "新店村4组" in answers_shown
    assert "2026年10月30日" in answers_shown

    # 修改 beside an answer goes to its page and comes back to the check page.
    click(qtbot, w, "edit-applicant_phone")
    assert w.session.page == "applicant_phone"
    answer(qtbot, w, "13996012345")
    assert w.page.page_name == "check"
    assert "13996012345" in [lbl.text() for lbl in w.page.findChildren(QLabel, "answer")]

    confirm_and_sign(qtbot, w)  # 确认无误, declaration, signature, 确认提交
    assert w.page.page_name == "done", errors(w)
    number = w.page.findChild(QLabel, "case-number").text()
    [case] = list_cases(w.ctx, states=["finalized"])
    assert case.number in number and case.form_id == FORM_ID
    detail = show_case(w.ctx, case.id)
    expected = {k: v for k, v in data.items() if k != "applicant_signature"}
    expected["applicant_phone"] = "13996012345"
    assert {k: detail.answers.get(k) for k in expected} == expected
    assert detail.answers["applicant_signature"]  # signed on the pad
    assert [a.action for a in detail.audit][-1] == "finalized"

    # Done: 打印 renders the PDF off the GUI thread and prints (no real printer here).
    printed = fake_printer(monkeypatch)
    click(qtbot, w, f"print-{case.number}")
    settle(qtbot, w)
    if printed is not None:
        qtbot.waitUntil(lambda: bool(printed or w.findChildren(QDialog)), timeout=10_000)
        dialogs = w.findChildren(QDialog)
        if dialogs:  # the preview: 打印 in the dialog prints, its status says so in words
            dialog = dialogs[0]
            qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: printed == [case.id], timeout=10_000)
            qtbot.waitUntil(lambda: dialog.status.text() == "已送到打印机。", timeout=10_000)
            dialog.reject()
        assert printed == [case.id]
    click(qtbot, w, "next")  # 办完了
    assert w.page.page_name == "rating"  # 好差评, skippable
    click(qtbot, w, "next")  # 跳过
    assert w.page.page_name == "home" and w.session.resident is None


def test_read_aloud_reads_question_hint_and_errors(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    click(qtbot, w, "next")  # nothing typed: an error, said at once
    assert find(w, "read").text() == "停止"  # 朗读 says 停止 while the error is read
    click(qtbot, w, "read")  # 停止
    click(qtbot, w, "read")  # 朗读: the whole page
    said = w.speaker.history[-1]
    assert "去世老人的身份证号码是多少" in said
    assert "户口本" in said  # the hint
    assert "需要回答" in said  # the error


def test_prefilled_answers_say_where_they_came_from(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    start_death_benefit(qtbot, w)
    answer(qtbot, w, example()["deceased_id"])
    answer(qtbot, w, "张德明")
    # Sex and birth date come from the ID number itself: registry facts, not asked one
    # page each; the check page shows them in one box with one 修改 that walks them.
    assert w.session.page == "deceased_village"
    w.form.show_check()
    settle(qtbot, w)
    click(qtbot, w, "edit-group-deceased_sex")
    assert w.session.page == "deceased_sex"
    texts = [lbl.text() for lbl in w.page.findChildren(QLabel)]
    assert any(t.startswith("据登记信息（身份证号码）") for t in texts), texts
    assert find(w, "choice-male").isChecked()


def test_the_residents_deadline_is_shown_up_front_and_read(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Issue 16: the form's rules say the resident's deadline; the materials page and every
    question show it, and 朗读 reads it after the question. The 大足区 deadline for this
    benefit is unconfirmed, so its number is hedged (以窗口核定为准), not promised."""
    w = window
    deadline = "办理时限：老人去世后请尽快来办，最迟30天（以窗口核定为准）内；多领的养老金要退回"
    click(qtbot, w, "tile-services")
    identify(qtbot, w, APPLICANT_ID)
    click(qtbot, w, f"offer-{FORM_ID}")
    assert w.page.page_name == "materials"
    assert deadline in [lbl.text() for lbl in w.page.findChildren(QLabel)]
    click(qtbot, w, "read")
    assert deadline in w.speaker.history[-1]
    click(qtbot, w, "next")
    agree(qtbot, w)
    assert w.page.page_name == "question"
    assert w.page.findChild(QLabel, "deadline-text").text() == deadline
    click(qtbot, w, "read")
    said = w.speaker.history[-1]
    assert said.index("去世老人的身份证号码是多少") < said.index(deadline)
