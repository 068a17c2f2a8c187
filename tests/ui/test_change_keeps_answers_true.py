"""修改 from the check page leaves nothing stale (家人去世 v5, btaps findings 1–3), through the
real widgets: a replaced heir's 同意 is asked again on the consents page; a 户主 picked from
an heir or from the deceased's household is cleared with its source when that heir or the
deceased changes, and asked again; a change that makes questions relevant walks through
each before the check page comes back. Each ends frozen and printed as answered."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from test_fewer_taps import HEAD, example_fill, start, walk_until
from ui_driver import answer, click, confirm_and_sign, errors, find

from kiosk.registry import demo
from kiosk.services.cases import list_cases, show_case
from kiosk.ui import flow
from kiosk.ui.main_window import MainWindow
from kiosk.ui.person_pick_widget import PersonPickBox

pytest.importorskip("kiosk.services.registry")
STRANGER = "500111198001011238"  # valid, in no register
OTHER_HEAD = "500111196802140153"  # 冉光明, 户主 of another household
AGREES = [f"pension__heirs[{i}].pension__heir_agrees" for i in range(3)]


def frozen(w: MainWindow, form_id: str) -> dict[str, Any]:
    [case] = [c for c in list_cases(w.ctx, states=["finalized"]) if c.form_id == form_id]
    return show_case(w.ctx, case.number).answers


def walk_answering(qtbot: QtBot, w: MainWindow, values: dict[str, Any]) -> list[str]:
    """Until the check page: each page shown answered from ``values`` by the end of its path
    (the ticks page: 是 each), else confirmed as shown. The pages (or ticks) shown."""
    shown: list[str] = []
    for _ in range(20):
        if w.page.page_name == "check":
            return shown
        assert errors(w) == [], (w.session.page, errors(w))
        if w.page.page_name == "ticks":
            shown.append("ticks")
            for i, path in enumerate(w.page.editors):  # type: ignore[attr-defined]
                if w.session.draft.fill.value(path) is None:
                    click(qtbot, w, f"tick-{i}-yes")
            click(qtbot, w, "next")
            continue
        path = w.session.page
        shown.append(path)
        if w.page.page_name == "repeat":
            click(qtbot, w, "next")
            continue
        key = next((k for k in values if path.endswith(k)), None)
        answer(qtbot, w, values[key] if key else None)
    raise AssertionError("the check page never came back")


def test_a_replaced_heir_is_asked_to_agree_and_the_pick_from_them_goes(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    data = start(qtbot, w)
    walk_until(qtbot, w, data, HEAD)
    click(qtbot, w, "pick-2")  # 张秀兰, the third heir
    walk_until(qtbot, w, data, "check")
    assert w.session.draft.fill.prefill_label(HEAD) == "本次填写的其他继承人"

    click(qtbot, w, "edit-family_heirs[2].heir_id")
    values = {"heir_id": STRANGER, "heir_name": "陌生人", "heir_relationship": "child"}
    shown = walk_answering(qtbot, w, values | {HEAD: "500225194512110049"})  # typed: 李桂兰
    # The consents page for the new person, and the 户主 question again (the pick is gone).
    assert "ticks" in shown and HEAD in shown, shown
    fill = w.session.draft.fill
    assert fill.value(HEAD) == "500225194512110049" and fill.prefill_label(HEAD) is None
    assert not [p for p in fill.check_all() if p.is_error and p.path != "applicant_signature"]
    confirm_and_sign(qtbot, w)
    assert w.page.page_name == "done", errors(w)
    hukou = frozen(w, "hukou_cancellation")
    assert hukou["new_head_id"] == "500225194512110049" and hukou["new_head_name"] == "李桂兰"


def test_a_replaced_heir_agrees_anew_before_the_check_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    data = start(qtbot, w)
    walk_until(qtbot, w, data, "check")
    click(qtbot, w, "edit-family_heirs[2].heir_id")
    values = {"heir_id": STRANGER, "heir_name": "陌生人", "heir_relationship": "child"}
    for _ in range(6):  # the heir's number, name and relationship, then the list
        if w.page.page_name in ("ticks", "check"):
            break
        if w.page.page_name == "repeat":
            click(qtbot, w, "next")
            continue
        key = next((k for k in values if w.session.page.endswith(k)), None)
        answer(qtbot, w, values[key] if key else None)
    assert w.page.page_name == "ticks", w.page.page_name  # not the check page
    page = w.page
    assert [e.value() for e in page.editors.values()] == [True, True, None]  # type: ignore[attr-defined]
    assert "陌生人" in page.people[2]  # type: ignore[attr-defined]
    click(qtbot, w, "tick-2-yes")
    click(qtbot, w, "next")
    assert w.page.page_name == "check", errors(w)
    confirm_and_sign(qtbot, w)
    assert w.page.page_name == "done", errors(w)
    heirs = frozen(w, "pension_death_benefit")["heirs"]
    assert heirs[2]["heir_id"] == STRANGER and heirs[2]["heir_name"] == "陌生人"
    assert heirs[2]["heir_agrees"] is True  # answered for this person, on the page


def test_a_household_pick_is_asked_again_when_the_deceased_changes(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    data = start(qtbot, w)
    walk_until(qtbot, w, data, HEAD)
    click(qtbot, w, "pick-1")  # 张建国, the deceased's son in his household
    walk_until(qtbot, w, data, "check")
    click(qtbot, w, "edit-deceased_id")
    values = {"deceased_id": OTHER_HEAD, HEAD: demo.RAN_XIAOJUN, "others_remain": False}
    shown = walk_answering(qtbot, w, values)  # his son, of his household: no warning
    assert HEAD in shown, shown  # the 户主 asked again: the old pick no longer holds
    assert "welfare__dibao_others_remain" in shown  # made relevant by his 低保: asked
    fill = w.session.draft.fill
    assert fill.value("deceased_id") == OTHER_HEAD
    assert fill.prefill_label(HEAD) is None  # typed now: no 公安户籍 claim
    assert not [p for p in fill.check_all() if p.is_error and p.path != "applicant_signature"]


def test_paper_to_electronic_asks_the_certificate_number(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    data = start(qtbot, w)
    data["death_proof"] = "medical"
    walk_until(qtbot, w, data, "check")
    assert w.session.draft.fill.value("hukou__death_certificate_number") is None
    click(qtbot, w, "edit-death_proof")
    answer(qtbot, w, "medical_electronic")
    assert w.session.page == "hukou__death_certificate_number", w.page.page_name
    answer(qtbot, w, "A500111202610300017")
    assert w.page.page_name == "check", errors(w)
    confirm_and_sign(qtbot, w)
    assert w.page.page_name == "done", errors(w)
    assert frozen(w, "hukou_cancellation")["death_certificate_number"] == "A500111202610300017"


def test_an_heir_saying_no_gets_the_reason_only_in_row_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    data = start(qtbot, w)
    walk_until(qtbot, w, data, "ticks")
    click(qtbot, w, "tick-0-no")
    click(qtbot, w, "tick-2-no")  # the second row left unanswered
    click(qtbot, w, "next")
    said = errors(w)
    assert len(said) == 3, said  # one say per row, none twice
    assert "李桂兰" in said[0] and "都同意" in said[0]
    assert "张建国" in said[1] and "还没有回答" in said[1]
    assert "张秀兰" in said[2] and "都同意" in said[2]
    assert not any("需要回答" in e for e in said), said


def test_the_same_heir_twice_is_refused_on_the_page(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    data = start(qtbot, w)
    walk_until(qtbot, w, data, "check")
    click(qtbot, w, "edit-family_heirs[2].heir_id")
    answer(qtbot, w, "500111197205190317")  # 张建国, already the second heir
    assert w.session.page == "family_heirs[2].heir_id"
    assert any("已经填过这位继承人" in e for e in errors(w)), errors(w)
    fill = w.session.draft.fill
    assert fill.value("family_heirs[2].heir_id") == "500111197512010427"  # kept: 张秀兰


def test_a_typed_head_outside_the_household_is_warned_and_may_go_on(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    data = start(qtbot, w)
    walk_until(qtbot, w, data, HEAD)
    box = w.page.findChild(PersonPickBox)
    assert box is not None  # 张秀兰 is an heir, not of his household: said on her button
    assert "不在户口本上" in box.texts[2] and "不在户口本上" not in box.texts[0]
    answer(qtbot, w, STRANGER)
    assert w.session.page == HEAD  # not on silently
    assert any("不在张德明的户口本上" in e for e in errors(w)), errors(w)
    assert find(w, "accept-warning").text() == "继续，用这个号码"
    click(qtbot, w, "next")  # 下一步 alone does not pass a doubt
    assert w.session.page == HEAD
    click(qtbot, w, "accept-warning")
    assert w.session.page != HEAD and w.session.draft.fill.value(HEAD) == STRANGER


def test_a_corrected_heir_name_is_the_new_heads_name_too(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    data = start(qtbot, w)
    walk_until(qtbot, w, data, HEAD)
    click(qtbot, w, "pick-0")  # 李桂兰, also the first heir
    walk_until(qtbot, w, data, "check")
    click(qtbot, w, "edit-group-family_heirs[0].heir_name")  # her box of register facts
    walk_answering(qtbot, w, {"heir_name": "李桂芳"})
    confirm_and_sign(qtbot, w)
    assert w.page.page_name == "done", errors(w)
    pension = frozen(w, "pension_death_benefit")
    hukou = frozen(w, "hukou_cancellation")
    assert pension["heirs"][0]["heir_name"] == "李桂芳"
    assert hukou["new_head_id"] == pension["heirs"][0]["heir_id"]
    assert hukou["new_head_name"] == "李桂芳"  # one name for one number


def test_a_problem_on_the_check_page_names_its_heir() -> None:
    """确认无误 with one heir's 同意 missing says which heir (btaps 3), not only the question."""
    fill = example_fill(3)
    fill.store_unchecked(AGREES[1], None)
    fill.recompute()
    [problem] = [p for p in fill.check_all() if p.is_error]
    line = flow.problem_line(fill, problem)
    assert line.startswith("第2位继承人 · 这位继承人同意") and line.endswith("这一题需要回答。")
    top = [p for p in fill.check_all() if p.path == "death_proof"]
    assert top == []  # a top-level answer keeps its plain label
    fill.store_unchecked("death_proof", None)
    fill.recompute()
    [plain] = [p for p in fill.check_all() if p.path == "death_proof"]
    assert flow.problem_line(fill, plain).startswith(plain.label + "：")
