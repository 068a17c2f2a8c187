"""Who may see what, through the real screens (issue 14 "Done means"): a typed number shows
masked data only; a keyboard-wedge read and a serial read each reveal the person and fill
the answers from the card; a volunteer's confirmation does too and is audited; 我的办件 is
hidden until then; wrong staff PINs lock out; a duplicate claim warns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from helpers import APPLICANT_ID, DECEASED_ID, FORM_ID, example
from pytestqt.qtbot import QtBot
from ui_driver import (
    STAFF_ID,
    STAFF_PIN,
    add_staff,
    agree,
    answer,
    click,
    errors,
    keypad,
    settle,
    staff_login,
    typed_by_hand,
    wedge_read,
)

from kiosk.devices.sam_simulator import SimulatedSamReader
from kiosk.domain.id_card_chip import IdCardData
from kiosk.services.audit import export_audit
from kiosk.services.cases import fill_case, list_cases, show_case
from kiosk.services.registry import load_demo_data
from kiosk.services.volunteers import add_volunteer
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel, QLineEdit, QPushButton, Qt

CARD = IdCardData(
    id_number=APPLICANT_ID,
    name="张秀英",
    sex="female",
    nation="汉",
    birth_date=date(1968, 10, 2),
    address="重庆市大足区石马镇新店村4组12号",
    issuer="重庆市公安局大足区分局",
    valid_from=date(2016, 5, 1),
    valid_until=date(2036, 5, 1),
    complete=True,
)


def person_text(w: MainWindow) -> str:
    page = w.page
    return page.findChild(QLabel, "person-text").text() + "\n" + page.proof_note.text()


def visible_buttons(w: MainWindow) -> set[str]:
    return {b.objectName() for b in w.page.findChildren(QPushButton) if b.isVisible()}


@pytest.fixture
def demo(window: MainWindow) -> MainWindow:
    load_demo_data(window.ctx)  # 张秀英 (APPLICANT_ID) lives in 新店村4组 in the demo registry
    return window


def test_a_typed_number_shows_masked_data_only(qtbot: QtBot, demo: MainWindow) -> None:
    w = demo
    click(qtbot, w, "tile-services")
    typed_by_hand(qtbot, w, APPLICANT_ID)  # 150 ms a key: a person, not a reader
    qtbot.keyClick(w.page.line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.page.person.isVisible())
    text = person_text(w)
    assert "张*英" in text and "5001**********024X" in text
    assert "新店村" in text and "4组" not in text and "岁" not in text
    assert "张秀英" not in text
    click(qtbot, w, "confirm")  # a new application is still possible
    assert w.page.page_name == "services"
    assert not w.session.resident.proven


def test_my_cases_stay_hidden_until_presence_is_proven(qtbot: QtBot, demo: MainWindow) -> None:
    w = demo
    fill_case(w.ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
    click(qtbot, w, "tile-my_cases")
    keypad(qtbot, w, APPLICANT_ID)
    qtbot.waitUntil(lambda: w.page.person.isVisible())
    assert "confirm" not in visible_buttons(w) and "next" in visible_buttons(w)
    assert "请把身份证放在读卡器上" in person_text(w)
    click(qtbot, w, "next")
    assert w.page.page_name == "identify"  # 下一步 does not open the cases either
    # The card goes on the reader: now the cases.
    w.page.line.clear()
    wedge_read(qtbot, w, APPLICANT_ID)
    click(qtbot, w, "confirm")
    assert w.page.page_name == "my-cases"


def test_a_keyboard_wedge_read_reveals_and_fills(qtbot: QtBot, demo: MainWindow) -> None:
    w = demo
    click(qtbot, w, "tile-services")
    wedge_read(qtbot, w, f"张秀英,{APPLICANT_ID}")
    text = person_text(w)
    assert "张秀英" in text and "58 岁（女）" in text and "新店村4组" in text
    assert "已读身份证" in text
    click(qtbot, w, "confirm")
    click(qtbot, w, f"offer-{FORM_ID}")
    click(qtbot, w, "next")
    agree(qtbot, w)
    fill = w.session.draft.fill
    assert fill.answers["applicant_id"] == APPLICANT_ID
    assert fill.answers["applicant_name"] == "张秀英"
    assert fill.prefill_label("applicant_name") == "身份证"  # from the card


@pytest.fixture
def sam_reader(demo: MainWindow) -> Iterator[SimulatedSamReader]:
    sim = SimulatedSamReader().start()
    demo.start_card_reader(f"sam:{sim.port}")
    yield sim
    if demo.card_reader is not None:
        demo.card_reader.stop()
        demo.card_reader = None
    sim.stop()


def test_a_serial_read_reveals_and_fills(
    qtbot: QtBot, demo: MainWindow, sam_reader: SimulatedSamReader
) -> None:
    w = demo
    sam_reader.insert(CARD)  # placed on the reader at the home screen
    qtbot.waitUntil(lambda: w.page.page_name == "identify", timeout=10_000)
    qtbot.waitUntil(lambda: w.page.person.isVisible(), timeout=10_000)
    settle(qtbot, w)
    assert "张秀英" in person_text(w) and "已读身份证" in person_text(w)
    assert w.page.line.text() == APPLICANT_ID
    click(qtbot, w, "confirm")
    click(qtbot, w, "offer-pension_claim")
    click(qtbot, w, "next")
    agree(qtbot, w)
    fill = w.session.draft.fill
    assert fill.answers["applicant_name"] == "张秀英"
    assert fill.answers["applicant_birth_date"] == "1968-10-02"
    assert fill.prefill_label("applicant_birth_date") == "身份证"
    kinds = [
        r.detail for r in export_audit(w.ctx, since=date(2000, 1, 1)) if r.action == "card_read"
    ]
    assert kinds and "chip" in kinds[0] and APPLICANT_ID not in kinds[0]


def test_an_expired_card_says_so_and_proves_nothing(qtbot: QtBot, demo: MainWindow) -> None:
    w = demo
    click(qtbot, w, "tile-my_cases")
    w.page.card_arrived(IdCardData(APPLICANT_ID, "张秀英", valid_until=date(2020, 1, 1)))
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.page.person.isVisible())
    assert "这张身份证已经过期（有效期到 2020-01-01）" in person_text(w)
    assert "张*英" in person_text(w) and "confirm" not in visible_buttons(w)


def test_a_volunteer_confirmation_reveals_and_is_audited(qtbot: QtBot, demo: MainWindow) -> None:
    from test_idle_and_volunteer import login

    w = demo
    fill_case(w.ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
    add_volunteer(w.ctx, "1001", "王志愿", "246810")
    login(qtbot, w, "1001", "246810")
    click(qtbot, w, "next")  # 回首页
    click(qtbot, w, "tile-my_cases")
    keypad(qtbot, w, APPLICANT_ID)
    qtbot.waitUntil(lambda: w.page.person.isVisible())
    assert "张*英" in person_text(w)
    click(qtbot, w, "volunteer-confirm")
    assert "张秀英" in person_text(w) and "帮办人已核对" in person_text(w)
    click(qtbot, w, "confirm")
    assert w.page.page_name == "my-cases"
    audit = export_audit(w.ctx, since=date(2000, 1, 1))
    [confirmed] = [r for r in audit if r.action == "identity_confirmed"]
    assert confirmed.actor == "volunteer:1001" and confirmed.detail.startswith("person:")
    assert any(r.action == "cases_viewed" for r in audit)
    for r in audit:
        assert APPLICANT_ID not in r.detail and "张秀英" not in r.detail


def test_a_receipt_code_proves_presence_once(qtbot: QtBot, demo: MainWindow) -> None:
    from kiosk.services.receipt_codes import issue_receipt_code

    w = demo
    case = fill_case(w.ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
    code = issue_receipt_code(w.ctx, case.id)
    click(qtbot, w, "tile-my_cases")
    w.page.line.setText(code)  # a scanner types the code, then Enter
    qtbot.keyClick(w.page.line, Qt.Key.Key_Return)
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.page.person.isVisible())
    assert "已扫回执上的查询码" in person_text(w) and "张秀英" in person_text(w)
    click(qtbot, w, "confirm")
    assert w.page.page_name == "my-cases" and case.number in w.page.lines[0]
    click(qtbot, w, "next")
    click(qtbot, w, "tile-my_cases")
    w.page.line.setText(code)
    qtbot.keyClick(w.page.line, Qt.Key.Key_Return)
    settle(qtbot, w)
    assert errors(w) == ["这个查询码不能用了（用过或者过期了）。请刷身份证，或者请帮办志愿者核对。"]


def test_wrong_staff_pins_lock_out(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    add_staff(w)
    for _ in range(2):
        staff_login(qtbot, w, STAFF_ID, "000000")
        assert errors(w) == ["编号或密码不对。"]
    staff_login(qtbot, w, STAFF_ID, "000000")  # the third wrong PIN: locked 30 s
    assert errors(w) == ["密码错的次数太多，请 30 秒后再试。"]
    staff_login(qtbot, w)  # the right PIN is not even checked while locked
    assert w.page.page_name == "staff-pin" and "秒后再试" in errors(w)[0]
    assert w.session.staff is None
    actions = [r.action for r in export_audit(w.ctx, since=date(2000, 1, 1))]
    assert actions.count("login_failed") == 3 and "login_locked" in actions


def test_a_duplicate_claim_warns_and_a_volunteer_gives_a_reason(
    qtbot: QtBot, window: MainWindow
) -> None:
    from test_death_benefit_flow import start_death_benefit
    from test_idle_and_volunteer import login

    w = window
    first = fill_case(w.ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
    # The resident alone: warned, shown the other case, no way on without a volunteer.
    start_death_benefit(qtbot, w)
    answer(qtbot, w, DECEASED_ID)
    assert w.page.page_name == "duplicate"
    assert first.number in " ".join(w.page.lines) and "已确认提交" in " ".join(w.page.lines)
    assert not any(n.startswith("reason-") for n in visible_buttons(w))
    click(qtbot, w, "stop")
    assert w.page.page_name == "home"
    assert list_cases(w.ctx, states=["draft"]) == []  # the stopped claim is dropped

    add_volunteer(w.ctx, "1001", "王志愿", "246810")
    login(qtbot, w, "1001", "246810")
    click(qtbot, w, "next")
    start_death_benefit(qtbot, w)
    answer(qtbot, w, DECEASED_ID)
    assert w.page.page_name == "duplicate"
    click(qtbot, w, "reason-2")
    assert w.page.page_name == "question" and w.session.page == "deceased_name"
    [draft] = list_cases(w.ctx, states=["draft"])
    [entry] = [a for a in show_case(w.ctx, draft.id).audit if a.action == "duplicate_override"]
    assert entry.actor == "volunteer:1001" and "另一位家属也要申请" in entry.detail
    assert first.number in entry.detail
    assert w.page.findChild(QLineEdit, "answer") is not None
    assert STAFF_PIN  # (imported for the lockout test)
