"""The desk console in a real browser (Debian's Chromium through Playwright) against a
real town server process, on SQLite and PostgreSQL.

One case from an enrolled kiosk goes around the hall: the village desk logs in, a USB
scanner "types" the identity QR code and the case opens; 受理, 办结 → 民政办; 民政办 ticks
a material and asks for more (需补材料); the kiosk syncs and its 我的办件 shows what is
missing; the materials come, the remaining desks finish it (已办结) and the kiosk learns it.
Around that: CSRF and session checks, and one desk refused on another desk's step.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from browser_helpers import add_staff, fits_1366, log_in, log_out, post_from_page, shot
from server_process import ServerProcess

from kiosk.domain.market_days import lunar_day
from kiosk.services.context import KioskContext


def status_text(page: Any) -> str:
    return str(page.inner_text("#case-status"))


def my_cases_lines(ctx: KioskContext, qtbot: Any) -> list[str]:
    """What the kiosk's 我的办件 screen shows for the applicant (the real widget)."""
    from helpers import APPLICANT_ID

    from kiosk.services.cases import cases_for_person
    from kiosk.ui.my_cases_page import MyCasesPage
    from kiosk.ui.qt import QLabel

    screen = MyCasesPage(
        cases=cases_for_person(ctx, APPLICANT_ID), on_home=lambda: None, on_read=None, badge=None
    )
    qtbot.addWidget(screen)
    return [label.text() for label in screen.findChildren(QLabel)]


def test_a_case_goes_around_the_hall_in_the_browser(
    town_server: ServerProcess, kiosk: KioskContext, page: Any, qtbot: Any, tmp_path: Path
) -> None:
    from helpers import FORM_ID, ROUTED_VERSION, example

    from kiosk.services.cases import fill_case
    from kiosk.services.market_days import market_day_banner
    from kiosk.services.printing import case_sheet
    from kiosk.services.sync import sync_once

    case_id = fill_case(
        kiosk, FORM_ID, example(ROUTED_VERSION), form_version=ROUTED_VERSION, volunteer_id="V001"
    ).id
    sheet = case_sheet(kiosk, case_id)  # what the kiosk printed: its identity QR code
    assert sync_once(kiosk).sent == 1
    for name, desk, role in [
        ("zhang", "民政办", "admin"),
        ("xindian", "新店村", "staff"),
        ("minzheng", "民政办", "staff"),
        ("weisheng", "卫生院", "staff"),
        ("paichu", "派出所", "staff"),
        ("shebao", "社保所", "staff"),
        ("yibao", "医保站", "staff"),
    ]:
        add_staff(town_server, name, desk, role)

    # The hall's head sets the 赶集 calendar: 二五八 plus today's digit (so the hall's today
    # is a market day whatever the date), 新店村's desk in the hall on today's digit and 2
    # (the kiosk's fixed clock is lunar 十二), 双龙村's on 5 and 8.
    digit = lunar_day(datetime.now(ZoneInfo("Asia/Shanghai")).date()) % 10
    days = sorted({digit, 2, 5, 8})
    log_in(page, town_server, "zhang")
    page.click("text=赶集日")
    page.fill("#days", ",".join(map(str, days)))
    page.click("#save-market")
    page.wait_for_selector("#roster")
    for village, picked in (("v03", {digit, 2}), ("v02", {5, 8} - {digit})):
        for d in picked:
            page.check(f"input[name=v_{village}][value='{d}']")
    page.click("#save-market")
    assert "已保存（第2版）" in page.inner_text("#flash")
    shot(page, "market-days", tmp_path)
    log_out(page)

    # Login page, then the village desk's queue: the name masked until the case is opened.
    page.goto(f"{town_server.url}/desk/login")
    shot(page, "login", tmp_path)
    log_in(page, town_server, "xindian")
    assert page.inner_text("#count") == "1"
    row = page.inner_text("#queue tbody tr")
    assert sheet.number in row and "张*英" in row and "张秀英" not in row
    assert "在村委会办" not in row  # a market day: in the hall
    shot(page, "queue", tmp_path)

    # A USB scanner types the identity code and Enter, wherever the focus is.
    page.click("h1")
    page.keyboard.type(sheet.identity_payload, delay=0)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/desk/cases/{case_id}")
    assert page.inner_text("#applicant") == "张秀英"
    page.click("#accept")
    assert status_text(page) == "受理中"
    page.click("#done")
    assert "下一步：民政办" in page.inner_text("#flash")
    log_out(page)

    # 民政办: opens it by typing the case number, ticks a material, asks for more.
    log_in(page, town_server, "minzheng")
    page.fill("#scan", sheet.number)
    page.press("#scan", "Enter")
    page.wait_for_url(f"**/desk/cases/{case_id}")
    page.click("#accept")
    page.click("button[data-material=hukou_book]")
    assert "户口本：已收" in page.inner_text("#flash")
    page.click("#needs-box summary")
    page.check("input[name=missing][value=death_certificate]")
    page.fill("#needs-box textarea[name=text]", "火化证明原件")
    page.click("#needs")
    assert status_text(page) == "需补材料"
    assert "居民死亡医学证明（推断）书或火化证明、火化证明原件" in page.inner_text("#status-note")
    assert "需补材料" in page.inner_text("#sms")  # the SMS to the phone on the case
    shot(page, "case", tmp_path, full=True)

    # The kiosk pulls the change: 我的办件 says what is missing; its reprint says it too.
    report = sync_once(kiosk)
    assert report.error is None
    lines = my_cases_lines(kiosk, qtbot)
    assert any("需补材料" in line for line in lines)
    assert any("火化证明原件" in line for line in lines)
    assert "新店村" in (market_day_banner(kiosk, kiosk.today()) or "")  # the same calendar

    # Materials brought: 受理 again, 办结 → 卫生院.
    page.reload()
    page.click("#accept")
    page.click("#done")
    assert "卫生院" in page.inner_text("#flash")

    # Now 民政办 may look but not act: the page offers nothing, a forged POST is refused.
    page.reload()
    assert page.is_visible("#not-mine")
    token = page.get_attribute("input[name=csrf_token]", "value")
    refused = post_from_page(
        page, f"/desk/cases/{case_id}/done", {"csrf_token": token or "", "task_id": "3"}
    )
    assert refused["status"] == 403 and "卫生院" in refused["text"]
    page.goto(f"{town_server.url}/desk/import")
    shot(page, "import", tmp_path)
    log_out(page)

    # A desk the case never passes through cannot even open it.
    log_in(page, town_server, "yibao")
    page.goto(f"{town_server.url}/desk/cases/{case_id}")
    assert "不经过医保站" in page.inner_text("#refusal")
    shot(page, "refused", tmp_path)
    page.click("text=回到我的窗口")
    log_out(page)

    for name in ("weisheng", "paichu", "shebao"):
        log_in(page, town_server, name)
        page.goto(f"{town_server.url}/desk/cases/{case_id}")
        page.click("#done")
        log_out(page)
    log_in(page, town_server, "zhang")
    page.goto(f"{town_server.url}/desk/cases/{case_id}")
    assert status_text(page) == "已办结"
    route = page.inner_text("#route")
    for who in ("xindian", "minzheng", "weisheng", "paichu", "shebao"):
        assert who in route  # who did each step, and when
    page.click("text=总览")
    assert page.inner_text("#total-completed") == "1"
    shot(page, "overview", tmp_path, full=True)
    with page.expect_download() as download:
        page.click("#csv")
    assert download.value.suggested_filename.endswith(".csv")

    sync_once(kiosk)
    assert any("已办结" in line for line in my_cases_lines(kiosk, qtbot))


def test_posts_without_the_token_or_from_another_site_are_refused(
    town_server: ServerProcess, kiosk: KioskContext, page: Any
) -> None:
    from helpers import FORM_ID, ROUTED_VERSION, example

    from kiosk.services.cases import fill_case
    from kiosk.services.sync import sync_once

    case_id = fill_case(kiosk, FORM_ID, example(ROUTED_VERSION), form_version=ROUTED_VERSION).id
    sync_once(kiosk)
    add_staff(town_server, "xindian", "新店村")
    log_in(page, town_server, "xindian")
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["bangban_desk"]
    assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/desk"

    page.goto(f"{town_server.url}/desk/cases/{case_id}")
    no_token = post_from_page(page, f"/desk/cases/{case_id}/accept", {"task_id": "1"})
    assert no_token["status"] == 403 and "安全校验" in no_token["text"]
    # A page of another site posting into the console: the strict cookie stays home, so
    # the request arrives logged out and lands on the login page; nothing changes.
    evil = (
        f'<form id="f" method="post" action="{town_server.url}/desk/cases/{case_id}/accept">'
        '<input name="task_id" value="1"><input name="csrf_token" value="guess"></form>'
    )
    page.goto("data:text/html;charset=utf-8," + evil)
    with page.expect_navigation(url="**/desk/login**"):
        page.evaluate("document.getElementById('f').submit()")
    page.goto(f"{town_server.url}/desk/cases/{case_id}")
    assert page.inner_text("#case-status") == "待受理"

    # Sessions end at logout: the old cookie opens nothing.
    log_out(page)
    page.context.add_cookies([session])
    page.goto(f"{town_server.url}/desk/queue")
    assert "/desk/login" in page.url
    fits_1366(page)

    # Five wrong passwords lock the account, even against the right one afterwards.
    for _ in range(5):
        page.goto(f"{town_server.url}/desk/login")
        page.fill("#name", "xindian")
        page.fill("#password", "not-the-password")
        page.click("button[type=submit]")
    page.goto(f"{town_server.url}/desk/login")
    page.fill("#name", "xindian")
    page.fill("#password", "desk-pass-2026")
    page.click("button[type=submit]")
    assert "已锁定" in page.inner_text("#login-error")
