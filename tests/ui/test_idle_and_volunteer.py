"""Privacy and assisted mode: volunteer login is recorded on the case, the idle warning
can be answered with 我还在, the idle wipe leaves nothing of the person on screen and
keeps the draft, and the volunteer resumes it with 继续办理."""

from __future__ import annotations

from helpers import APPLICANT_ID, DECEASED_ID
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import start_death_benefit
from ui_driver import (
    STAFF_ID,
    add_staff,
    answer,
    click,
    errors,
    keypad,
    settle,
    staff_login,
    wedge_read,
)

from kiosk.services.cases import list_cases, show_case
from kiosk.services.volunteers import add_volunteer, verify_volunteer
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QApplication, QLabel, QLineEdit, Qt


def login(qtbot: QtBot, w: MainWindow, number: str, pin: str) -> None:
    click(qtbot, w, "tile-volunteer")
    assert w.page.page_name == "volunteer-login"
    qtbot.mouseClick(w.page.findChild(QLineEdit, "number"), Qt.MouseButton.LeftButton)
    keypad(qtbot, w, number)
    qtbot.mouseClick(w.page.findChild(QLineEdit, "pin"), Qt.MouseButton.LeftButton)
    keypad(qtbot, w, pin)
    click(qtbot, w, "next")


def screen_text(w: MainWindow) -> str:
    texts = [lbl.text() for lbl in w.findChildren(QLabel) if lbl.isVisible()]
    texts += [e.text() for e in w.findChildren(QLineEdit) if e.isVisible()]
    return "\n".join(texts)


def test_wrong_pin_is_refused_in_words(qtbot: QtBot, window: MainWindow) -> None:
    add_volunteer(window.ctx, "1001", "王志愿", "246813")
    login(qtbot, window, "1001", "999999")
    assert window.page.page_name == "volunteer-login"
    assert errors(window) == ["编号或密码不对，请再试一次。"]
    assert window.session.volunteer is None


def test_idle_wipe_keeps_the_draft_for_the_volunteer(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    assert w.idle.timeout_s == w.ctx.settings.idle_timeout_s == 120
    add_volunteer(w.ctx, "1001", "王志愿", "246813")
    login(qtbot, w, "1001", "246813")
    assert w.page.page_name == "volunteer" and w.session.volunteer is not None
    click(qtbot, w, "next")  # 回首页
    assert "帮办人：王志愿" in screen_text(w)

    start_death_benefit(qtbot, w)
    assert "帮办人：王志愿" in w.page.findChild(QLabel, "badge").text()
    answer(qtbot, w, DECEASED_ID)
    assert w.session.page == "deceased_name"

    # A short limit; the countdown runs 20 "seconds" at 10 ms each.
    w.idle.configure(0.3, 20, tick_ms=10)
    qtbot.waitUntil(w.idle.overlay.isVisible, timeout=3000)
    assert "秒后回到首页" in w.idle.overlay.countdown.text()
    click(qtbot, w, "still-here")
    assert not w.idle.overlay.isVisible() and w.session.page == "deceased_name"

    qtbot.waitUntil(w.idle.overlay.isVisible, timeout=3000)
    qtbot.waitUntil(lambda: not w.idle.overlay.isVisible(), timeout=3000)
    settle(qtbot, w)
    w.idle.configure(120, 30)
    assert w.page.page_name == "home"
    assert w.session.resident is None and w.session.draft is None
    assert w.session.volunteer is None  # the volunteer logs in again
    shown = screen_text(w)
    assert APPLICANT_ID not in shown and DECEASED_ID not in shown and "王志愿" not in shown

    [draft] = list_cases(w.ctx, states=["draft"])
    assert draft.volunteer_id == "1001"
    assert show_case(w.ctx, draft.id).answers["deceased_id"] == DECEASED_ID

    login(qtbot, w, "1001", "246813")
    assert w.page.page_name == "volunteer"
    click(qtbot, w, f"resume-{draft.id}")
    assert w.page.page_name == "question"
    assert w.session.page == "deceased_name"
    click(qtbot, w, "back")
    assert w.page.findChild(QLineEdit, "answer").text() == DECEASED_ID


def test_my_cases_shows_states_only(qtbot: QtBot, window: MainWindow) -> None:
    from helpers import FORM_ID, example

    from kiosk.services.cases import fill_case

    w = window
    case = fill_case(w.ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
    click(qtbot, w, "tile-my_cases")
    wedge_read(qtbot, w, APPLICANT_ID)  # the card on the reader: presence proven
    click(qtbot, w, "confirm")
    assert w.page.page_name == "my-cases"
    shown = screen_text(w)
    assert case.number in shown and "已确认提交" in shown
    for private in ("张德明", "张秀英", DECEASED_ID, "13896012345", "6217"):
        assert private not in shown


def test_staff_mode_needs_the_pin_and_saves_settings(qtbot: QtBot, window: MainWindow) -> None:
    from kiosk.config import load_settings

    w = window
    add_staff(w)
    staff_login(qtbot, w, STAFF_ID, "111111")
    assert w.page.page_name == "staff-pin" and errors(w) == ["编号或密码不对。"]
    staff_login(qtbot, w)
    assert w.page.page_name == "staff"
    assert "待上传 0 件" in screen_text(w)
    click(qtbot, w, "scale-up")
    click(qtbot, w, "voice")
    click(qtbot, w, "idle-down")
    click(qtbot, w, "save")
    assert w.page.page_name == "staff" and "设置已保存" in screen_text(w)
    saved = load_settings(w.ctx.data_root)
    assert saved.font_scale == 1.25 and saved.voice_enabled is False
    assert saved.idle_timeout_s == 90 and w.idle.timeout_s == 90
    assert not w.page.read_button.isVisible()  # voice off: no 朗读
    from kiosk.ui.look import apply_look

    apply_look(QApplication.instance(), 1.0)  # type: ignore[arg-type]


def test_volunteer_pins_are_hashed(window: MainWindow) -> None:
    add_volunteer(window.ctx, "1002", "李帮办", "579135")
    db = (window.ctx.data_root / "kiosk.sqlite3").read_bytes()
    wal = window.ctx.data_root / "kiosk.sqlite3-wal"
    stored = db + (wal.read_bytes() if wal.exists() else b"")
    assert b"579135" not in stored and "李帮办".encode() not in stored
    assert verify_volunteer(window.ctx, "1002", "579135") is not None
    assert verify_volunteer(window.ctx, "1002", "567891") is None
    assert verify_volunteer(window.ctx, "9999", "579135") is None
