"""Admin pages and the other ends of the console: the 赶集日 calendar (published as
reference data, routing village steps), the overview and its CSV, 好差评 from kiosks,
the staff CLI."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from desk_helpers import PASSWORD, DeskServer, csrf_of, login
from sqlalchemy import select
from test_desk_flow import new_case, post

from kiosk.domain.market_days import MarketCalendar, lunar_day
from kiosk.server import refdata
from kiosk.server.desk.hall import load_hall
from kiosk.server.desk.models import DeskAudit
from kiosk.services.context import KioskContext


def test_market_days_page_publishes_the_calendar_and_routes_village_steps(
    desk: DeskServer, ctx: KioskContext
) -> None:
    desk.add_staff("boss", "民政办", role="admin")
    desk.add_staff("xindian", "新店村")
    login(desk.client, "boss")
    token = csrf_of(desk.client.get("/desk/market-days").text)
    desk.client.post("/desk/market-days", data={"csrf_token": token, "days": "2，5，8"})
    form = {"csrf_token": token, "days": "2,5,8", "cancelled": "2027-02-06", "v_v03": ["2", "8"]}
    saved = desk.client.post("/desk/market-days", data=form)
    assert "已保存（第2版）" in saved.text
    with desk.sessions() as session:
        row = refdata.get(session, "market_days")
        assert row is not None and row.version == 2
        assert row.body == {
            "days": [2, 5, 8],
            "cancelled": ["2027-02-06"],
            "villages": {"v03": [2, 8]},
        }
        hall = load_hall(session)
    # 2026-11-20 is lunar 十月十二 (a "2" day), 11-23 十五 (market, but 新店村 sits on 2 and 8).
    assert lunar_day(date(2026, 11, 20)) == 12 and lunar_day(date(2026, 11, 23)) == 15
    assert hall.place("村委会", "v03", date(2026, 11, 20)).text == "新店村"
    assert hall.place("村委会", "v03", date(2026, 11, 23)).text == "新店村（在村委会办）"
    assert hall.place("村委会", "v02", date(2026, 11, 20)).text == "双龙村（在村委会办）"
    assert hall.place("社保所窗口", None, date(2026, 11, 20)).text == "社保所"
    bad = desk.client.post("/desk/market-days", data={"csrf_token": token, "days": "2,x"})
    assert "没有保存" in bad.text
    plan = desk.client.get("/desk/market-days").text
    assert "逢二五八赶集" in plan
    # Staff who are not admins do not see it.
    login(desk.client, "xindian")
    assert desk.client.get("/desk/market-days").status_code == 403
    assert desk.client.get("/desk/overview").status_code == 403


def test_a_bad_calendar_is_refused_naming_the_field() -> None:
    from kiosk.domain.market_days import CalendarError

    with pytest.raises(CalendarError, match=r"villages.v03"):
        MarketCalendar.from_body({"days": [2, 5], "villages": {"v03": [8]}})
    with pytest.raises(CalendarError, match="cancelled"):
        MarketCalendar.from_body({"days": [2], "cancelled": ["not a date"]})


def test_overview_counts_today_ratings_and_exports_csv(desk: DeskServer, ctx: KioskContext) -> None:
    first, second = new_case(desk, ctx), new_case(desk, ctx)
    desk.add_staff("boss", "民政办", role="admin")
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    post(desk, first, "accept")
    post(desk, first, "done")
    post(desk, second, "refuse", reason="不是本镇户籍")
    # 好差评 from the kiosk that made the cases (its bearer token from enrollment, as sync
    # uses; issue 11 takes only real, unexpired tokens of the Bearer form).
    from kiosk.services.packets import case_packet

    token = desk.tokens[case_packet(ctx, first).device_id]
    body = {
        "ratings": [
            {"case_id": first, "score": 5},
            {"case_id": second, "score": 1, "comment": "等太久"},
            {"case_id": "00000000-0000-0000-0000-000000000000", "score": 4},
        ]
    }
    response = desk.client.post(
        "/api/v1/ratings", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    answer = response.json()
    assert response.status_code == 200, answer
    assert answer["protocol"] == "bangban-sync/1"
    assert [r["status"] for r in answer["results"]] == [201, 201, 422]
    assert desk.client.post("/api/v1/ratings", json=body).status_code == 401

    login(desk.client, "boss")
    page = desk.client.get("/desk/overview").text
    assert 'id="total-accepted">1<' in page and 'id="total-refused">1<' in page
    assert 'id="good-today">1<' in page and 'id="bad-today">1<' in page
    assert "民政办" in page  # where the accepted case waits now
    exported = desk.client.get("/desk/overview.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["办件编号", "事项", "状态"]
    by_status = {r[2]: r for r in rows[1:]}
    assert by_status["受理中"][3] == "民政办" and by_status["受理中"][7] == "非常满意"
    assert by_status["不予受理"][7] == "非常不满意"
    assert "张秀英" not in exported.content.decode("utf-8-sig")  # no names in the export


def test_staff_cli_adds_accounts_and_refuses_bad_input(
    desk: DeskServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.server.cli import main

    db = ["--db", desk.db_url]
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main([*db, "staff", "add", "wangfang", "--desk", "社保所", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code = main([*db, "staff", "add", "li", "--desk", "税务局", "--password-stdin"])
    assert code == 2 and "desk: no desk called 税务局" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code = main(
        [*db, "staff", "add", "li", "--desk", "民政办", "--role", "admin", "--password-stdin"]
    )
    assert code == 2 and "password: at least 8" in capsys.readouterr().err
    assert main([*db, "staff", "list"]) == 0
    listed = capsys.readouterr().out
    assert "wangfang" in listed and "社保所" in listed
    assert main([*db, "staff", "unlock", "nobody"]) == 1
    assert login(desk.client, "wangfang").status_code == 303
    with desk.sessions() as session:
        hashes = session.execute(select(DeskAudit.action)).scalars().all()
        from kiosk.server.desk.models import Staff

        stored = session.scalar(select(Staff.password_hash))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert "login" in hashes
