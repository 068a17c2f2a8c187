"""The desk console in process (FastAPI TestClient), on SQLite and PostgreSQL: a real
case from a kiosk walks its desks; statuses reach the changes cursor; SMS, materials,
print, scan, refusals. The browser tests (tests/e2e/desk) drive the same pages in Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from desk_helpers import DeskServer, csrf_of, enroll_kiosk, login, pdf_text
from sqlalchemy import select

from kiosk.server.desk.models import DeskAudit, MaterialReceived, SmsMessage
from kiosk.server.models import ServerCase, StatusChange
from kiosk.server.routing import changes_since
from kiosk.services.context import KioskContext


def new_case(desk: DeskServer, ctx: KioskContext) -> str:
    from helpers import FORM_ID, ROUTED_VERSION, example

    from kiosk.services.cases import fill_case

    case_id = fill_case(
        ctx, FORM_ID, example(ROUTED_VERSION), form_version=ROUTED_VERSION, volunteer_id="V001"
    ).id
    desk.take(ctx, case_id)
    return case_id


def page_form(html: str) -> dict[str, str]:
    """The hidden fields an action form of the case page posts: CSRF, step, page version."""
    form = {"csrf_token": csrf_of(html)}
    for field in ("task_id", "version"):
        found = re.search(rf'name="{field}" value="([^"]+)"', html)
        if found:
            form[field] = found.group(1)
    return form


def post(desk: DeskServer, case_id: str, action: str, **data: object) -> Any:
    """An action as the case page's form posts it (fields of a fresh page, then ``data``)."""
    page = desk.client.get(f"/desk/cases/{case_id}")
    form: dict[str, Any] = {**page_form(page.text), **data}
    return desk.client.post(f"/desk/cases/{case_id}/{action}", data=form, follow_redirects=False)


def status(desk: DeskServer, case_id: str) -> tuple[str, str | None]:
    with desk.sessions() as session:
        case = session.get(ServerCase, case_id)
        assert case is not None
        return case.status, case.status_note


def test_a_case_walks_its_desks_and_every_action_reaches_the_changes_cursor(
    desk: DeskServer, ctx: KioskContext, tmp_path: Path
) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    desk.add_staff("minzheng", "民政办")
    desk.add_staff("weisheng", "卫生院")
    desk.add_staff("paichu", "派出所")
    desk.add_staff("shebao", "社保所")

    # Step 1 is the village step of 新店村 (v03): not a market day set, so at the village.
    assert login(desk.client, "xindian").status_code == 303
    queue = desk.client.get("/desk/queue").text
    assert "张*英" in queue and "张秀英" not in queue  # masked until opened
    assert "在村委会办" in queue
    assert post(desk, case_id, "accept").status_code == 303  # type: ignore[attr-defined]
    assert status(desk, case_id) == ("accepted", "新店村已受理")
    post(desk, case_id, "done")
    assert status(desk, case_id)[0] == "accepted"
    assert "下一步：民政办" in (status(desk, case_id)[1] or "")

    # 民政办: tick a material, then 需补材料 naming the missing ones.
    assert login(desk.client, "minzheng").status_code == 303
    page = desk.client.get("/desk/queue").text
    assert "养老保险死亡待遇" in page
    post(desk, case_id, "accept")
    post(desk, case_id, "materials", material_id="applicant_id_card", received="1")
    post(desk, case_id, "needs-materials", missing=["death_certificate"], text="火化证明原件")
    st, note = status(desk, case_id)
    assert st == "needs_materials"
    assert note == "需补材料：居民死亡医学证明（推断）书或火化证明、火化证明原件"
    with desk.sessions() as session:
        got = session.scalars(select(MaterialReceived.material_id)).all()
        assert got == ["applicant_id_card"]
        sms = session.scalars(select(SmsMessage)).all()
        assert [(m.reason, m.state, m.phone) for m in sms] == [
            ("needs_materials", "sent", "13896012345")
        ]
        assert "需补材料" in sms[0].body and len(sms[0].body) <= 70
        device = session.get(ServerCase, case_id).device_id  # type: ignore[union-attr]
        changes = changes_since(session, device, 0, 100)
    assert [c.status for c in changes] == [
        "accepted",
        "accepted",
        "accepted",
        "needs_materials",
    ]
    assert changes[-1].step == "民政办"

    # The desk's print says what is missing, like the kiosk's reprint.
    pdf = desk.client.get(f"/desk/cases/{case_id}/print.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert "需补材料：居民死亡医学证明" in text and "张秀英" in text

    # Materials brought: 受理 again, then done; the next desks finish it.
    post(desk, case_id, "accept")
    post(desk, case_id, "done", note="已核对殡葬信息")
    for name in ("weisheng", "paichu", "shebao"):
        assert login(desk.client, name).status_code == 303
        post(desk, case_id, "done")
    assert status(desk, case_id)[0] == "completed"
    with desk.sessions() as session:
        reasons = session.scalars(select(SmsMessage.reason).order_by(SmsMessage.id)).all()
        assert reasons == ["needs_materials", "completed"]
        actions = session.scalars(
            select(DeskAudit.action).where(DeskAudit.case_id == case_id, DeskAudit.action != "view")
        ).all()
        assert actions == [
            "accept", "done", "accept", "material", "needs_materials", "print",
            "accept", "done", "done", "done", "done",
        ]  # fmt: skip
        last = session.scalars(select(StatusChange).order_by(StatusChange.seq.desc())).first()
        assert last is not None and (last.status, last.step) == ("completed", "社保所")
    page = desk.client.get(f"/desk/cases/{case_id}").text
    assert "已办结" in page and "shebao" in page  # routing shows who did each step


def test_one_desk_cannot_act_on_another_desks_step(desk: DeskServer, ctx: KioskContext) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("minzheng", "民政办")
    desk.add_staff("paichu", "派出所")
    login(desk.client, "minzheng")
    # 民政办 is on this case's route (step 2): it may look, not act on step 1 (新店村).
    page = desk.client.get(f"/desk/cases/{case_id}")
    assert page.status_code == 200 and 'id="not-mine"' in page.text
    refused = post(desk, case_id, "done", task_id="1")  # crafted: the page offers no button
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert "新店村" in refused.text  # type: ignore[attr-defined]
    assert status(desk, case_id) == ("received", None)
    # 派出所 is on the route too; an ID that is not on it sees nothing.
    desk.add_staff("yibao", "医保站")
    login(desk.client, "yibao")
    assert desk.client.get(f"/desk/cases/{case_id}").status_code == 403
    with desk.sessions() as session:
        refusals = session.execute(
            select(DeskAudit.staff_name, DeskAudit.action, DeskAudit.client).where(
                DeskAudit.action.like("%_refused")
            )
        ).all()
    # Each refusal by its real reason, with the client's address (the TestClient's).
    assert [tuple(r) for r in refusals] == [
        ("minzheng", "desk_refused", "127.0.0.1"),
        ("yibao", "view_refused", "127.0.0.1"),
    ]


def test_posts_need_the_sessions_csrf_token_and_a_same_origin(
    desk: DeskServer, ctx: KioskContext
) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    form = page_form(desk.client.get(f"/desk/cases/{case_id}").text)
    token = form["csrf_token"]
    url = f"/desk/cases/{case_id}/accept"
    assert desk.client.post(url, data={**form, "csrf_token": ""}).status_code == 403
    assert desk.client.post(url, data={**form, "csrf_token": "x" + token}).status_code == 403
    evil = {"Origin": "http://evil.example"}
    r = desk.client.post(url, data=form, headers=evil)
    assert r.status_code == 403
    assert status(desk, case_id) == ("received", None)
    ok = desk.client.post(url, data=form, follow_redirects=False)
    assert ok.status_code == 303
    # A stale page (its step was just done) cannot act twice.
    form = page_form(desk.client.get(f"/desk/cases/{case_id}").text)
    desk.client.post(f"/desk/cases/{case_id}/done", data=form)
    again = desk.client.post(f"/desk/cases/{case_id}/done", data=form)
    assert again.status_code == 403 and "页面已过时" in again.text


def test_sessions_end_at_logout_and_cookies_are_locked_down(
    desk: DeskServer, ctx: KioskContext
) -> None:
    desk.add_staff("xindian", "新店村")
    r = login(desk.client, "xindian")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/desk" in cookie
    assert desk.client.get("/desk/queue").status_code == 200
    stolen = desk.client.cookies.get("bangban_desk")
    token = csrf_of(desk.client.get("/desk/queue").text)
    desk.client.post("/desk/logout", data={"csrf_token": token})
    desk.client.cookies.set("bangban_desk", stolen or "", path="/desk")
    after = desk.client.get("/desk/queue", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/desk/login")
    headers = desk.client.get("/desk/login").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_wrong_passwords_lock_the_account(desk: DeskServer) -> None:
    desk.add_staff("xindian", "新店村")
    for _ in range(4):
        assert login(desk.client, "xindian", "wrong-password").status_code == 401
    locked = login(desk.client, "xindian", "wrong-password")
    assert "已锁定" in locked.text
    refused = login(desk.client, "xindian")  # the right password, too late
    assert refused.status_code == 401 and "已锁定" in refused.text
    assert login(desk.client, "nobody").status_code == 401
    from kiosk.server.desk.accounts import unlock

    with desk.sessions() as session:
        unlock(session, "xindian")
        session.commit()
    assert login(desk.client, "xindian").status_code == 303


def test_a_scanned_identity_code_opens_the_case(
    desk: DeskServer, ctx: KioskContext, tmp_path: Path
) -> None:
    from kiosk.services.printing import case_sheet

    case_id = new_case(desk, ctx)
    enroll_kiosk(desk, ctx, case_id)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    payload = case_sheet(ctx, case_id).identity_payload
    opened = desk.client.get("/desk/open", params={"code": payload}, follow_redirects=False)
    assert opened.headers["location"] == f"/desk/cases/{case_id}"
    number = desk.client.get(opened.headers["location"]).text
    assert "张秀英" in number
    by_number = desk.client.get(
        "/desk/open", params={"code": case_sheet(ctx, case_id).number}, follow_redirects=False
    )
    assert by_number.headers["location"] == f"/desk/cases/{case_id}"
    forged = payload[:-6] + ("AAAAAA" if not payload.endswith("AAAAAA") else "BBBBBB")
    bad = desk.client.get("/desk/open", params={"code": forged})
    assert bad.url.path == "/desk/queue" and "请人工核对" in bad.text


def test_a_desk_printed_paper_scans_back_to_its_case(
    desk: DeskServer, ctx: KioskContext, tmp_path: Path
) -> None:
    import zxingcpp
    from PIL import Image

    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    pdf = desk.client.get(f"/desk/cases/{case_id}/print.pdf").content
    (tmp_path / "p.pdf").write_bytes(pdf)
    import subprocess

    subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(tmp_path / "p.pdf"),
         str(tmp_path / "p")],
        check=True,
    )  # fmt: skip
    page = next(tmp_path.glob("p*.png"))
    codes = [r.text for r in zxingcpp.read_barcodes(Image.open(page))]
    identity = next(c for c in codes if c.startswith("BBI2:"))
    opened = desk.client.get("/desk/open", params={"code": identity}, follow_redirects=False)
    assert opened.headers["location"] == f"/desk/cases/{case_id}"


def test_an_idle_session_ends(desk: DeskServer) -> None:
    from datetime import timedelta

    from kiosk.server.desk.models import LoginSession

    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    assert desk.client.get("/desk/queue").status_code == 200
    with desk.sessions() as session:
        for row in session.scalars(select(LoginSession)):
            row.last_seen_at -= timedelta(minutes=61)  # KIOSK_DESK_SESSION_IDLE_MINUTES=60
        session.commit()
    gone = desk.client.get("/desk/queue", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/desk/login")
    with desk.sessions() as session:
        assert session.scalars(select(LoginSession)).all() == []
