"""What the console shows and keeps about people (issue 17, second round), on SQLite and
PostgreSQL: numbers masked in the answers until an audited 显示完整号码; a page's
background refresh does not keep an idle session alive; a name with no account is
answered, counted and locked exactly like a real one."""

from __future__ import annotations

import re
from datetime import timedelta

from desk_helpers import PASSWORD, DeskServer, csrf_of, login
from sqlalchemy import select
from test_desk_flow import new_case

from kiosk.server.desk.models import DeskAudit, LoginSession
from kiosk.services.context import KioskContext

PHONE, BANK = "13896012345", "6217170000123456780"
IDS = ["500225194103080133", "50011119681002024X", "500225194512110049"]


def answers_of(html: str) -> str:
    start = html.index('id="answers"')
    return html[start : html.index("</section>", start)]


def test_numbers_in_the_answers_are_masked_until_an_audited_reveal(
    desk: DeskServer, ctx: KioskContext
) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    page = desk.client.get(f"/desk/cases/{case_id}").text
    answers = answers_of(page)
    for clear in (PHONE, BANK, "6217 1700", *IDS):
        assert clear not in page, clear
    assert "138****2345" in answers and "6217***********6780" in answers
    assert "5002**********0133" in answers and "5001**********024X" in answers
    assert "5002**********0049" in answers  # an heir's, in the table
    assert "张秀英" in answers  # names stay: the desk calls the resident by name

    # Without the session's token a reveal is refused (it is a POST, audited).
    assert desk.client.post(f"/desk/cases/{case_id}/reveal", data={}).status_code == 403
    shown = desk.client.post(f"/desk/cases/{case_id}/reveal", data={"csrf_token": csrf_of(page)})
    assert shown.status_code == 200 and 'id="revealed"' in shown.text
    for clear in (PHONE, "6217 1700 0012 3456 780", *IDS):
        assert clear in shown.text, clear
    again = desk.client.get(f"/desk/cases/{case_id}").text  # the next view masks again
    assert PHONE not in again and IDS[0] not in again
    with desk.sessions() as session:
        rows = session.execute(
            select(DeskAudit.action, DeskAudit.staff_name, DeskAudit.client).where(
                DeskAudit.case_id == case_id, DeskAudit.action == "reveal"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("reveal", "xindian", "127.0.0.1")]
    assert "xindian（新店村）显示完整号码" in again  # the trail names it


def _seen(desk: DeskServer) -> list[object]:
    with desk.sessions() as session:
        return [r.last_seen_at for r in session.scalars(select(LoginSession))]


def _age_sessions(desk: DeskServer, minutes: int) -> None:
    with desk.sessions() as session:
        for row in session.scalars(select(LoginSession)):
            row.last_seen_at -= timedelta(minutes=minutes)
        session.commit()


def test_background_refreshes_do_not_keep_an_idle_session_alive(desk: DeskServer) -> None:
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    background = {"X-Desk-Background": "1"}
    _age_sessions(desk, 5)
    before = _seen(desk)
    for _ in range(3):
        refreshed = desk.client.get("/desk/queue", headers=background)
        assert refreshed.status_code == 200 and 'id="count"' in refreshed.text
    assert _seen(desk) == before  # the page refreshing itself is not the person
    assert desk.client.get("/desk/queue").status_code == 200
    assert _seen(desk) != before  # a page the person opens is
    _age_sessions(desk, 61)  # KIOSK_DESK_SESSION_IDLE_MINUTES=60
    gone = desk.client.get("/desk/queue", headers=background, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/desk/login")


def _try(desk: DeskServer, name: str, password: str) -> tuple[int, str]:
    page = desk.client.get("/desk/login")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert token
    r = desk.client.post(
        "/desk/login",
        data={"name": name, "password": password, "form_token": token.group(1), "next": ""},
        follow_redirects=False,
    )
    found = re.search(r'id="login-error">(.*?)<', r.text)
    said = found.group(1) if found else r.headers.get("location", "")
    return r.status_code, re.sub(r"\d\d:\d\d", "HH:MM", said)  # the runs may straddle a minute


def test_a_name_without_an_account_is_answered_and_locked_like_a_real_one(
    desk: DeskServer,
) -> None:
    desk.add_staff("xindian", "新店村")
    real = [_try(desk, "xindian", f"wrong-{i}") for i in range(7)]
    ghost = [_try(desk, "ghostname", f"wrong-{i}") for i in range(7)]
    assert real == ghost  # the same answers, in the same order, lockout included
    assert real[0] == (401, "用户名或密码不对。")
    assert real[4] == (401, "密码输错次数太多，账号已锁定到 HH:MM。急用请找管理员解锁。")
    assert real[6] == real[4]  # still locked, until the same minute
    # The right password does not open a locked account either.
    assert _try(desk, "xindian", PASSWORD) == real[4]
    with desk.sessions() as session:
        trail = session.execute(
            select(DeskAudit.staff_name, DeskAudit.action).order_by(DeskAudit.id)
        ).all()
    real_trail = [a for n, a in trail if n == "xindian"]
    ghost_trail = [a for n, a in trail if n == "ghostname"]
    assert ghost_trail == real_trail[:7]
    assert ghost_trail == ["login_failed"] * 4 + ["locked", "login_locked", "login_locked"]
    from kiosk.server.desk.models import LoginThrottle

    with desk.sessions() as session:
        stored = [r.name_digest for r in session.scalars(select(LoginThrottle))]
    assert stored and all("ghost" not in d for d in stored)  # a digest, never the name
