"""The sync indicator on every screen, and staff mode's enrollment, 马上上传 and quarantine
(real widgets; a real town server process on 127.0.0.1 for enrollment and sending)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pytest
from pytestqt.qtbot import QtBot
from ui_driver import click, settle

from kiosk.domain.case_states import CaseState
from kiosk.services.context import KioskContext
from kiosk.sync.state import SyncStatus
from kiosk.ui import strings as S
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QLabel, QLineEdit, QWidget
from kiosk.ui.staff_page import StaffPage
from kiosk.ui.sync_widget import indicator_state

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "sync"))
from server_process import ServerProcess, free_port


def status(
    pending: int = 0,
    *,
    online: bool | None = True,
    success: bool = True,
    error: str | None = None,
    enrolled: bool = True,
) -> SyncStatus:
    last = datetime(2026, 11, 25, 8, 0) if success else None
    return SyncStatus(pending, 0, online, last, error, enrolled)


@pytest.fixture(scope="module")
def town_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("ui-server")
    server = ServerProcess(f"sqlite:///{home / 'server.sqlite3'}", home).start()
    try:
        yield server
    finally:
        server.stop()


def add_case(ctx: KioskContext) -> str:
    from helpers import FORM_ID, example

    from kiosk.services.cases import fill_case

    return fill_case(ctx, FORM_ID, example(), volunteer_id="V001").id


T = TypeVar("T", bound=QWidget)


def child(page: QWidget, kind: type[T], name: str) -> T:
    found = page.findChild(kind, name)
    assert found is not None, name
    return found


def indicator(w: MainWindow) -> str:
    return w.page.sync_indicator.text()


def open_staff(qtbot: QtBot, w: MainWindow) -> StaffPage:
    from kiosk.services.accounts import Account

    w.session.staff = Account("9001", "刘主任", "admin")  # logged in (tests/ui: staff_login)
    w.staff.show_staff()
    settle(qtbot, w)
    page = w.page
    assert isinstance(page, StaffPage)
    return page


def test_indicator_words_for_each_state() -> None:
    def words(st: SyncStatus, staff: bool = False) -> str:
        found = indicator_state(st, staff=staff)
        assert found is not None
        return found[0]

    assert words(status()) == "已同步"
    assert words(status(3)) == "待上传 3 件"
    assert words(status(3, online=None, success=False)) == "待上传 3 件"  # unknown
    assert words(status(0, error="HTTP 500")) == "待上传 0 件"  # last round failed
    assert words(status(2, online=False)) == "离线（待上传 2 件）"
    assert words(status(2, online=None, enrolled=False), staff=True) == "未登记"
    # Residents are not told about enrollment: their cases are safe on the kiosk.
    assert words(status(2, online=None, enrolled=False)) == "待上传 2 件"
    assert indicator_state(None, staff=False) is None


def test_indicator_follows_the_window_status_on_every_screen(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.sync.update_status(status(4, online=False))
    assert indicator(window) == "离线（待上传 4 件）"
    window.identify("services")
    assert indicator(window) == "离线（待上传 4 件）"  # a new screen gets the current one
    window.sync.update_status(status())
    assert indicator(window) == "已同步"
    assert window.page.sync_indicator.picture.pixmap() is not None  # an icon with the words
    window.sync.update_status(status(1, online=None, enrolled=False))
    assert indicator(window) == "待上传 1 件"
    open_staff(qtbot, window)
    window.sync.update_status(status(1, online=None, enrolled=False))
    assert indicator(window) == "未登记"
    window.wipe()  # counts only, no personal data: it stays across the privacy wipe
    assert indicator(window) == "待上传 1 件"


def test_finalizing_a_case_shows_one_waiting(qtbot: QtBot, window: MainWindow) -> None:
    window.sync.refresh()
    settle(qtbot, window)
    assert indicator(window) == "待上传 0 件"
    add_case(window.ctx)  # case_did_finalize → a fresh status off the GUI thread
    qtbot.waitUntil(lambda: indicator(window) == "待上传 1 件", timeout=5000)


def test_progress_from_the_sync_worker_thread_reaches_the_screen(
    qtbot: QtBot, window: MainWindow
) -> None:
    import threading

    from kiosk import events

    worker = threading.Thread(target=lambda: events.sync_did_progress.emit(status(7)))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: indicator(window) == "待上传 7 件", timeout=5000)


def enroll(qtbot: QtBot, w: MainWindow, url: str, code: str) -> StaffPage:
    page = open_staff(qtbot, w)
    server = child(page, QLineEdit, "enroll-server")
    server.setText(url)
    child(page, QLineEdit, "enroll-code").setText(code)
    click(qtbot, w, "enroll")
    after = w.page
    assert isinstance(after, StaffPage)
    return after


def test_enrolling_with_a_wrong_code_says_so_in_chinese(
    qtbot: QtBot, window: MainWindow, town_server: ServerProcess
) -> None:
    page = enroll(qtbot, window, town_server.url, "ABCD-EFGH-JKLM")
    assert page.enroll_panel is not None
    assert page.enroll_panel.result.text() == S.ENROLL_BAD_CODE
    assert S.ENROLL_BAD_CODE in page.errors.messages
    page = enroll(qtbot, window, f"http://127.0.0.1:{free_port()}", "ABCD-EFGH-JKLM")
    assert page.enroll_panel is not None
    assert page.enroll_panel.result.text() == S.ENROLL_UNREACHABLE
    page = enroll(qtbot, window, "town.example", "ABCD-EFGH-JKLM")
    assert page.enroll_panel is not None
    assert page.enroll_panel.result.text() == S.ENROLL_BAD_URL
    page = enroll(qtbot, window, "http://192.0.2.1:8460", "ABCD-EFGH-JKLM")
    assert page.enroll_panel is not None
    assert page.enroll_panel.result.text() == S.ENROLL_INSECURE  # token and cases in clear
    state = child(page, QLabel, "enroll-state")
    assert state.text() == S.NOT_ENROLLED_YET


def test_enroll_then_send_now_against_a_real_server(
    qtbot: QtBot, window: MainWindow, town_server: ServerProcess
) -> None:
    ctx = window.ctx
    page = open_staff(qtbot, window)
    assert child(page, QLineEdit, "enroll-server").text() == ctx.settings.server_url
    code = town_server.admin("enroll", "--name", "石马镇大厅9号机").strip()
    page = enroll(qtbot, window, town_server.url, code.lower())  # typed in lower case
    assert page.status.text().startswith("登记好了，设备号：")
    assert ctx.settings.server_url == town_server.url
    from kiosk.config import load_settings

    assert load_settings(ctx.data_root).server_url == town_server.url
    state = child(page, QLabel, "enroll-state").text()
    assert state.startswith("本机已登记，设备号：")
    assert child(page, QLineEdit, "enroll-server").text() == town_server.url

    add_case(ctx)
    qtbot.waitUntil(lambda: indicator(window) == "待上传 1 件", timeout=5000)
    click(qtbot, window, "sync")
    assert window.page.status.text() == S.SYNC_DONE.format(sent=1, pending=0)
    qtbot.waitUntil(lambda: indicator(window) == "已同步", timeout=5000)
    last = child(window.page, QLabel, "last-success").text()
    assert "已连上" in last and S.SYNC_NEVER not in last


def quarantine(ctx: KioskContext, case_id: str, reason: str) -> str:
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        entry = uow.outbox.get(case_id)
        assert entry is not None
        entry.state, entry.last_error = "quarantined", reason
        row.state = CaseState.QUARANTINED
        uow.commit()
        return str(row.number)


def test_a_quarantined_case_is_listed_and_requeued(qtbot: QtBot, window: MainWindow) -> None:
    ctx = window.ctx
    case_id = add_case(ctx)
    reason = "422 rejected: content hash does not match the answers"
    number = quarantine(ctx, case_id, reason)
    page = open_staff(qtbot, window)
    shown = child(page, QLabel, f"quarantined-{number}")
    assert shown is not None and number in shown.text() and reason in shown.text()
    assert child(page, QLabel, "quarantine-heading").text() == "镇里退回的办件（1 件）"
    click(qtbot, window, f"retry-{number}")
    assert window.page.status.text() == S.RETRIED.format(number=number)
    assert window.page.findChild(QLabel, f"quarantined-{number}") is None
    assert child(window.page, QLabel, "quarantine-heading").text() == S.QUARANTINE_NONE
    with ctx.store.unit_of_work() as uow:
        entry = uow.outbox.get(case_id)
        assert entry is not None and entry.state == "pending"
