"""One page, one action: a desk's form posted twice (a double click, a second tab, a
re-sent request, many at once) acts once; the others are refused as stale, in Chinese,
and audited with their real reason. SQLite and PostgreSQL (issue 17, second round)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from desk_helpers import DeskServer, login
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from test_desk_flow import new_case, page_form, post, status

from kiosk.server.desk.models import DeskAudit, SmsMessage
from kiosk.server.models import StatusChange
from kiosk.services.context import KioskContext


def changes(desk: DeskServer, case_id: str) -> list[str]:
    with desk.sessions() as session:
        rows = session.scalars(
            select(StatusChange.status)
            .where(StatusChange.case_id == case_id)
            .order_by(StatusChange.seq)
        )
        return list(rows)


def audit_actions(desk: DeskServer, case_id: str) -> list[tuple[str, str]]:
    with desk.sessions() as session:
        rows = session.execute(
            select(DeskAudit.action, DeskAudit.client)
            .where(DeskAudit.case_id == case_id, DeskAudit.action != "view")
            .order_by(DeskAudit.id)
        )
        return [(a, c) for a, c in rows]


def sms_count(desk: DeskServer, case_id: str) -> int:
    with desk.sessions() as session:
        return int(session.scalar(select(func.count()).where(SmsMessage.case_id == case_id)) or 0)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("accept", {}),
        ("needs-materials", {"missing": ["death_certificate"], "text": "火化证明原件"}),
        ("note", {"text": "明天上午来"}),
        ("materials", {"material_id": "applicant_id_card", "received": "1"}),
    ],
)
def test_the_same_page_posted_twice_acts_once(
    desk: DeskServer, ctx: KioskContext, action: str, data: dict[str, Any]
) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    form = {**page_form(desk.client.get(f"/desk/cases/{case_id}").text), **data}
    before = changes(desk, case_id)
    url = f"/desk/cases/{case_id}/{action}"
    first = desk.client.post(url, data=form, follow_redirects=False)
    assert first.status_code == 303
    after_first = changes(desk, case_id)
    again = desk.client.post(url, data=form, follow_redirects=False)
    assert again.status_code == 403
    assert "页面已过时" in again.text and "看这件办件最新的情况" in again.text
    assert changes(desk, case_id) == after_first  # nothing more for the kiosk to pull
    assert len(after_first) - len(before) == (0 if action == "materials" else 1)
    assert sms_count(desk, case_id) == (1 if action == "needs-materials" else 0)
    done = {"accept": "accept", "needs-materials": "needs_materials"}.get(action, action)
    done = {"materials": "material"}.get(done, done)
    assert audit_actions(desk, case_id) == [
        (done, "127.0.0.1"),
        ("stale_refused", "127.0.0.1"),
    ]
    # A fresh page acts again (the state it shows is the state now).
    if action == "materials":
        data = {**data, "received": "0"}
    assert post(desk, case_id, action, **data).status_code == 303


def test_a_page_without_its_version_is_refused_as_stale(
    desk: DeskServer, ctx: KioskContext
) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    form = page_form(desk.client.get(f"/desk/cases/{case_id}").text)
    del form["version"]
    refused = desk.client.post(f"/desk/cases/{case_id}/accept", data=form)
    assert refused.status_code == 403 and "页面已过时" in refused.text
    assert status(desk, case_id) == ("received", None)


def test_a_second_post_of_done_by_the_same_desk_is_stale_not_another_desks(
    desk: DeskServer, ctx: KioskContext
) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    form = page_form(desk.client.get(f"/desk/cases/{case_id}").text)
    assert desk.client.post(f"/desk/cases/{case_id}/done", data=form).status_code == 200
    again = desk.client.post(f"/desk/cases/{case_id}/done", data=form)
    assert again.status_code == 403
    assert "页面已过时" in again.text and "不能替他们办" not in again.text
    page = desk.client.get(f"/desk/cases/{case_id}").text
    assert "拒绝（页面已过时）" in page and "拒绝（不是本窗口的步骤）" not in page
    assert audit_actions(desk, case_id)[-1] == ("stale_refused", "127.0.0.1")


def test_refusals_are_worded_by_their_reason(desk: DeskServer, ctx: KioskContext) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    empty = post(desk, case_id, "refuse", reason="   ")
    assert empty.status_code == 403 and "不予受理要写明理由" in empty.text
    assert post(desk, case_id, "refuse", reason="不是本镇户籍").status_code == 303
    closed = post(desk, case_id, "accept", task_id="1", version="x")
    assert closed.status_code == 403 and "已经不予受理，不能再办" in closed.text
    assert audit_actions(desk, case_id) == [
        ("input_refused", "127.0.0.1"),
        ("refuse", "127.0.0.1"),
        ("closed_refused", "127.0.0.1"),
    ]
    page = desk.client.get(f"/desk/cases/{case_id}").text
    assert "拒绝（填写不对）" in page and "拒绝（办件已结束）" in page
    # 流转: the step that said no reads 不予受理; the steps after it were cancelled.
    route = page[page.index('id="route"') :]
    first = route[: route.index("</li>")]
    assert "不予受理" in first and "已取消" not in first
    assert "已取消" in route[route.index("</li>") :]


def _client(desk: DeskServer) -> TestClient:
    client = TestClient(desk.client.app, base_url="http://127.0.0.1", client=("127.0.0.1", 50001))
    assert login(client, "minzheng").status_code == 303
    return client


def test_many_posts_of_one_page_at_once_act_once(desk: DeskServer, ctx: KioskContext) -> None:
    """The race the PostgreSQL engine used to lose (HTTP 500, unaudited): every post of
    the page but one is refused as stale, in Chinese, and audited."""
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    desk.add_staff("minzheng", "民政办")
    login(desk.client, "xindian")
    assert post(desk, case_id, "done").status_code == 303  # now at 民政办
    n = 8
    clients = [_client(desk) for _ in range(n)]
    forms = [page_form(c.get(f"/desk/cases/{case_id}").text) for c in clients]
    assert len({f["version"] for f in forms}) == 1
    barrier = threading.Barrier(n)
    results: list[tuple[int, str]] = []

    def go(i: int) -> None:
        barrier.wait()
        data = {**forms[i], "note": f"第{i}个"}
        try:
            r = clients[i].post(f"/desk/cases/{case_id}/done", data=data, follow_redirects=False)
        except Exception as exc:  # the TestClient raises what the server would answer 500 to
            results.append((500, repr(exc)))
            return
        results.append((r.status_code, r.text))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(code for code, _ in results)
    assert codes == [303] + [403] * (n - 1), codes
    assert all("页面已过时" in text for code, text in results if code == 403)
    with desk.sessions() as session:
        acted = session.scalars(
            select(DeskAudit.action).where(
                DeskAudit.case_id == case_id, DeskAudit.staff_name == "minzheng"
            )
        ).all()
    assert sorted(a for a in acted if a != "view") == ["done"] + ["stale_refused"] * (n - 1)
    assert changes(desk, case_id).count("accepted") == 2  # 新店村's done, 民政办's done
