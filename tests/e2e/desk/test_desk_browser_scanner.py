"""The desk console's script in a real browser (Debian's Chromium through Playwright,
a real ``kiosk-server run``; issue 17, second round): a scanner burst goes to the scan
box wherever the focus is and never completes a step; Enter in a text field never
submits an action; the queue's background refresh is not activity, so an idle desk
logs out; the 扫码导入 page takes a whole paper's codes. SQLite only: this is the
browser's half (the server's half runs on both engines in tests/integration/desk)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import add_staff, fits_1366, log_in, shot
from server_process import ServerProcess
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.services.context import KioskContext

SQLITE = pytest.mark.parametrize("town_server", ["sqlite"], indirect=True)


def sessions_of(server: ServerProcess) -> sessionmaker[Session]:
    from kiosk.server.db import create_server_engine, session_factory

    return session_factory(create_server_engine(server.db_url))


def two_cases(kiosk: KioskContext) -> tuple[str, str]:
    from helpers import FORM_ID, ROUTED_VERSION, example

    from kiosk.services.cases import fill_case
    from kiosk.services.sync import sync_once

    first = fill_case(
        kiosk, FORM_ID, example(ROUTED_VERSION), form_version=ROUTED_VERSION, volunteer_id="V001"
    ).id
    second = fill_case(
        kiosk, FORM_ID, example(ROUTED_VERSION), form_version=ROUTED_VERSION, volunteer_id="V001"
    ).id
    assert sync_once(kiosk).sent == 2
    return first, second


def server_state(server: ServerProcess, case_id: str) -> tuple[str, list[str]]:
    """(status, actions audited on the case other than views)."""
    from kiosk.server.desk.models import DeskAudit
    from kiosk.server.models import ServerCase

    with sessions_of(server)() as session:
        case = session.get(ServerCase, case_id)
        assert case is not None
        acts = session.scalars(
            select(DeskAudit.action).where(
                DeskAudit.case_id == case_id, DeskAudit.action.not_in(["view"])
            )
        ).all()
        return case.status, list(acts)


def scanner(page: Any, text: str) -> None:
    """A USB scanner: the characters as fast as the browser takes them, then Enter."""
    page.keyboard.type(text, delay=0)
    page.keyboard.press("Enter")


@SQLITE
def test_a_scan_while_a_note_field_has_the_focus_opens_the_scanned_case(
    town_server: ServerProcess, kiosk: KioskContext, page: Any
) -> None:
    from kiosk.services.printing import case_sheet

    first, second = two_cases(kiosk)
    other = case_sheet(kiosk, second)
    add_staff(town_server, "xindian", "新店村")
    log_in(page, town_server, "xindian")
    case_url = f"{town_server.url}/desk/cases/{first}"

    # 办理意见 has the focus (the desk began a note), then the next paper is scanned.
    page.goto(case_url)
    page.click("#step-panel textarea[name=note]")
    page.keyboard.type("已核", delay=120)  # a person's keys stay in the field
    with page.expect_navigation(url=f"**/desk/cases/{second}"):
        scanner(page, other.number)
    assert server_state(town_server, first) == ("received", [])  # nothing done, no note

    # 需补材料's words have the focus; the scanner types the identity code.
    page.goto(case_url)
    page.click("#needs-box summary")
    page.click("#needs-box textarea[name=text]")
    with page.expect_navigation(url=f"**/desk/cases/{second}"):
        scanner(page, other.identity_payload)
    assert server_state(town_server, first) == ("received", [])

    # A missing material's checkbox has the focus: its Enter does not submit 需补材料.
    page.goto(case_url)
    page.click("#needs-box summary")
    page.check("input[name=missing] >> nth=0")
    with page.expect_navigation(url=f"**/desk/cases/{second}"):
        scanner(page, other.number)
    assert server_state(town_server, first) == ("received", [])


@SQLITE
def test_enter_in_a_text_field_never_submits_an_action(
    town_server: ServerProcess, kiosk: KioskContext, page: Any
) -> None:
    first, _ = two_cases(kiosk)
    add_staff(town_server, "xindian", "新店村")
    log_in(page, town_server, "xindian")
    page.goto(f"{town_server.url}/desk/cases/{first}")
    note = "#step-panel textarea[name=note]"
    page.click(note)
    page.keyboard.type("ok, papers checked", delay=90)
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert page.url.endswith(f"/desk/cases/{first}")
    assert server_state(town_server, first) == ("received", [])

    # A case number typed by hand (slowly) into 备注 and saved is refused, not sent.
    page.click("#note-box summary")
    page.click("#note-box textarea[name=text]")
    page.keyboard.type("261120-01-002", delay=90)
    page.click("#note")
    assert "扫码枪" in page.inner_text("#refusal")
    assert server_state(town_server, first) == ("received", ["input_refused"])

    page.click("#back")  # 看这件办件最新的情况
    page.click(note)
    page.keyboard.type("ok, papers checked", delay=90)
    page.click("#done")  # only the button does it
    assert "下一步：民政办" in page.inner_text("#flash")
    assert server_state(town_server, first) == ("accepted", ["input_refused", "done"])


@SQLITE
def test_a_double_click_sends_an_action_once(
    town_server: ServerProcess, kiosk: KioskContext, page: Any
) -> None:
    first, _ = two_cases(kiosk)
    add_staff(town_server, "xindian", "新店村")
    log_in(page, town_server, "xindian")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{town_server.url}/desk/cases/{first}")
    page.click("#needs-box summary")
    page.check("input[name=missing] >> nth=0")
    # Two submits of the form, as a double click on a slow line makes them: the second
    # is stopped in the page (window's listener runs after the page's own).
    with page.expect_navigation():
        stopped = page.evaluate(
            """() => {
                const form = document.querySelector('#needs-box form');
                const seen = [];
                window.addEventListener('submit', e => seen.push(e.defaultPrevented));
                form.requestSubmit(document.getElementById('needs'));
                form.requestSubmit(document.getElementById('needs'));
                return seen;
            }"""
        )
    assert stopped == [False, True]
    assert [p for p in posts if p.endswith("/needs-materials")] == [
        f"{town_server.url}/desk/cases/{first}/needs-materials"
    ]
    assert "需补材料" in page.inner_text("#flash")  # the result, not a stale-page refusal
    assert server_state(town_server, first) == ("needs_materials", ["needs_materials"])


@pytest.fixture
def quick_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The queue refreshes every second (read by the server process started next)."""
    monkeypatch.setenv("KIOSK_DESK_QUEUE_REFRESH_SECONDS", "1")


@SQLITE
def test_the_queue_refreshes_in_the_background_and_an_idle_desk_still_logs_out(
    quick_refresh: None, town_server: ServerProcess, kiosk: KioskContext, page: Any
) -> None:
    from helpers import FORM_ID, ROUTED_VERSION, example

    from kiosk.server.desk.models import LoginSession
    from kiosk.services.cases import fill_case
    from kiosk.services.sync import sync_once

    add_staff(town_server, "xindian", "新店村")
    refreshes: list[str] = []
    page.on(
        "request",
        lambda r: refreshes.append(r.url) if r.headers.get("x-desk-background") == "1" else None,
    )
    log_in(page, town_server, "xindian")
    assert page.inner_text("#empty")
    sessions = sessions_of(town_server)

    def age(minutes: int) -> Any:
        with sessions() as session:
            row = session.scalars(select(LoginSession)).one()
            row.last_seen_at -= timedelta(minutes=minutes)
            session.commit()
            return row.last_seen_at

    seen = age(5)
    fill_case(
        kiosk, FORM_ID, example(ROUTED_VERSION), form_version=ROUTED_VERSION, volunteer_id="V001"
    )
    sync_once(kiosk)
    page.wait_for_selector("#queue", timeout=10000)  # the new case appears by itself
    assert page.inner_text("#count") == "1"
    assert len(refreshes) >= 1 and page.url.endswith("/desk/queue")
    with sessions() as session:
        assert session.scalars(select(LoginSession.last_seen_at)).one() == seen
    age(61)  # KIOSK_DESK_SESSION_IDLE_MINUTES=60: the next refresh finds the session gone
    page.wait_for_url("**/desk/login**", timeout=10000)
    assert page.is_visible("#password")  # the queue is no longer on the screen


@SQLITE
def test_the_import_page_takes_a_whole_papers_codes_at_1366(
    town_server: ServerProcess, kiosk: KioskContext, page: Any, tmp_path: Path
) -> None:
    from helpers import FORM_ID, ROUTED_VERSION, example

    from kiosk.services.cases import fill_case
    from kiosk.services.printing import case_sheet

    case_id = fill_case(
        kiosk, FORM_ID, example(ROUTED_VERSION), form_version=ROUTED_VERSION, volunteer_id="V001"
    ).id  # never synced
    sheet = case_sheet(kiosk, case_id)
    add_staff(town_server, "xindian", "新店村")
    log_in(page, town_server, "xindian")
    page.goto(f"{town_server.url}/desk/import")
    words = page.inner_text("#import-form")
    assert "第1页右上角" in words and "最后一页下方" in words and "左上角" not in words
    box = page.locator("#codes").bounding_box()
    assert box is not None and box["width"] >= 600 and box["height"] >= 180
    page.click("#codes")
    for code in (sheet.identity_payload, *sheet.data_payloads):
        scanner(page, code)  # each code stays in the box, one per line
    count = page.inner_text("#code-count")
    assert f"验真码 1 个，数据码 {len(sheet.data_payloads)} 个" in count
    assert page.input_value("#scan") == ""
    shot(page, "import", tmp_path)
    with page.expect_navigation(url=f"**/desk/cases/{case_id}"):
        page.click("#import")
    assert page.inner_text("#flash") == f"办件 {sheet.number}已导入。"
    fits_1366(page)
