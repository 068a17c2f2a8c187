"""Issue 14's second round through the real screens: a name typed as a login id is refused
and never stored; a logged-in volunteer alone does not bring registry heirs for a typed
number; a child's application is finalized only after the guardian's consent, printed as
监护人同意."""

from __future__ import annotations

from datetime import date

from helpers import APPLICANT_ID, DECEASED_ID, example
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import identify, start_death_benefit
from test_idle_and_volunteer import login
from ui_driver import agree, answer, click, errors, keypad, settle

from kiosk.forms.examples import example_answers
from kiosk.services import cases, registry
from kiosk.services.audit import export_audit
from kiosk.services.volunteers import add_volunteer
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLineEdit, QPushButton, Qt

ADULT_ID = "500111198705050921"


def test_a_name_typed_as_a_login_id_is_refused_and_never_stored(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    for tile, page in (("tile-volunteer", "volunteer-login"), ("staff", "staff-pin")):
        click(qtbot, w, tile)
        assert w.page.page_name == page
        w.page.findChild(QLineEdit, "number").setText("张德明")  # a hardware keyboard
        w.page.findChild(QLineEdit, "pin").setText("246802")
        click(qtbot, w, "next")
        assert any("不是姓名或身份证号" in e for e in errors(w)), errors(w)
        click(qtbot, w, "back")
    audit = export_audit(w.ctx, since=date(2000, 1, 1))
    assert audit and all(r.actor.startswith("login:unknown#") for r in audit)
    assert not any("张德明" in r.actor + r.detail for r in audit)


def test_a_logged_in_volunteer_alone_brings_no_heirs_for_a_typed_number(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    registry.load_demo_data(w.ctx)
    add_volunteer(w.ctx, "1001", "王志愿", "246810")
    login(qtbot, w, "1001", "246810")
    click(qtbot, w, "next")  # 回首页
    start_death_benefit(qtbot, w)  # the number typed, nobody confirmed it
    data = example()
    for _ in range(30):
        if w.page.page_name == "repeat":
            break
        name = w.session.page
        answer(qtbot, w, data.get(name) if name != "deceased_id" else DECEASED_ID)
    assert w.page.page_name == "repeat"
    settle(qtbot, w)
    offered = [b for b in w.page.findChildren(QPushButton) if b.objectName().startswith("suggest-")]
    assert offered == []


def test_a_volunteers_confirmation_brings_the_heirs(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    registry.load_demo_data(w.ctx)
    add_volunteer(w.ctx, "1001", "王志愿", "246810")
    login(qtbot, w, "1001", "246810")
    click(qtbot, w, "next")
    click(qtbot, w, "tile-services")
    keypad(qtbot, w, APPLICANT_ID)
    qtbot.waitUntil(lambda: w.page.person.isVisible())
    assert not w.session.may_see_registry  # typed, the volunteer only logged in
    click(qtbot, w, "volunteer-confirm")  # 已核对: the card and 户口本 seen, audited
    click(qtbot, w, "confirm")
    assert w.session.resident is not None and w.session.resident.proven
    assert w.session.may_see_registry


def test_a_childs_application_needs_the_guardians_consent(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    click(qtbot, w, "tile-services")
    identify(qtbot, w, ADULT_ID)  # the adult at the kiosk applies for a 12-year-old
    click(qtbot, w, "offer-disability_card")
    click(qtbot, w, "next")
    assert w.page.page_name == "notice"
    assert "我是监护人" not in w.page.next_button.text()  # the adult's own age asks none
    assert agree(qtbot, w) == ["notice", "notice-sensitive"]
    case_id = w.session.draft.case.id
    answers = example_answers(w.ctx.catalogue.get("disability_card"))
    assert answers["person_id"] == "500111201409090835"
    for key, value in answers.items():
        cases.answer(w.ctx, case_id, key, value)
    w.session.draft = cases.load_draft(w.ctx, case_id)
    w.form.submit()
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.page.page_name == "notice", timeout=10_000)
    assert "我是监护人" in w.page.next_button.text().replace("\n", "")
    assert cases.show_case(w.ctx, case_id).summary.state == "draft"  # not finalized yet
    agree(qtbot, w)
    qtbot.waitUntil(lambda: w.page.page_name == "done", timeout=10_000)
    shown = cases.show_case(w.ctx, case_id)
    assert shown.summary.state == "finalized" and "监护人同意" in shown.consent
    assert any(a.detail == "notice by guardian" for a in shown.audit)
    assert Qt  # (Qt imported for key names in sibling tests)
