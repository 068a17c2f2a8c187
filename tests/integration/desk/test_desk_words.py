"""The console speaks Chinese to its users and sets itself up (issue 17, second round):
赶集日 and 扫码导入 messages, SMS states, unknown pages and malformed forms in Chinese
(English stays in the log); the SMS keeps where to go; village desks exist on a fresh
server; ``kiosk-server staff --help`` lists every action. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_helpers import PASSWORD, DeskServer, csrf_of, login
from sqlalchemy import select
from test_desk_flow import new_case, post

from kiosk.server.desk.models import SmsMessage
from kiosk.services.context import KioskContext

ENGLISH = re.compile(r"[A-Za-z]{3,}")


def flash(html: str) -> str:
    found = re.search(r'id="flash">(.*?)</div>', html, re.S)
    assert found, "no message on the page"
    return found.group(1)


def test_market_day_mistakes_are_told_in_chinese(desk: DeskServer) -> None:
    desk.add_staff("boss", "民政办", role="admin")
    login(desk.client, "boss")
    token = csrf_of(desk.client.get("/desk/market-days").text)
    for days, cancelled in (("二五八", ""), ("2,5,8,31", ""), ("2,5,8", "notadate")):
        page = desk.client.post(
            "/desk/market-days", data={"csrf_token": token, "days": days, "cancelled": cancelled}
        ).text
        said = flash(page)
        assert said.startswith("没有保存：") and not ENGLISH.search(said.replace("notadate", ""))
    assert "请写成 2027-02-06 这样" in said


def test_sms_says_where_to_go_however_long_the_list(desk: DeskServer, ctx: KioskContext) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    page = desk.client.get(f"/desk/cases/{case_id}").text
    every = re.findall(r'name="missing" value="([^"]+)"', page)
    assert len(every) >= 5
    post(desk, case_id, "needs-materials", missing=every, text="村里开的亲属关系证明原件")
    with desk.sessions() as session:
        body = session.scalars(select(SmsMessage.body)).one()
    assert len(body) <= 70, body
    # No market day is set: 新店村's step is at the village committee.
    assert body.endswith("。请带齐后到新店村村委会。"), body
    assert f"等{len(every) + 1}项" in body
    shown = desk.client.get(f"/desk/cases/{case_id}").text
    assert "已发送" in shown and "· sent" not in shown  # the SMS state in words


def test_unknown_pages_and_malformed_forms_answer_in_chinese(
    desk: DeskServer, ctx: KioskContext
) -> None:
    case_id = new_case(desk, ctx)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    missing = desk.client.get("/desk/no-such-page")
    assert missing.status_code == 404 and "没有这个页面" in missing.text
    token = csrf_of(desk.client.get("/desk/queue").text)
    bad = desk.client.post(
        f"/desk/cases/{case_id}/accept", data={"csrf_token": token, "task_id": "x"}
    )
    assert bad.status_code == 422 and "表单内容不完整" in bad.text
    assert "detail" not in bad.text and "int_parsing" not in bad.text
    # The sync API keeps its JSON errors.
    api = desk.client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")


def test_scanned_import_is_told_in_chinese(desk: DeskServer, ctx: KioskContext) -> None:
    from helpers import FORM_ID, ROUTED_VERSION, example

    from kiosk.services.cases import fill_case
    from kiosk.services.printing import case_sheet

    case_id = fill_case(
        ctx, FORM_ID, example(ROUTED_VERSION), form_version=ROUTED_VERSION, volunteer_id="V001"
    ).id
    desk.enroll(ctx)  # the kiosk is known; its case never arrived (network down)
    sheet = case_sheet(ctx, case_id)
    desk.add_staff("xindian", "新店村")
    login(desk.client, "xindian")
    page = desk.client.get("/desk/import").text
    assert "第1页右上角" in page and "最后一页下方" in page and "左上角" not in page
    token = csrf_of(page)

    def scan(*codes: str) -> tuple[str, str]:
        r = desk.client.post("/desk/import", data={"csrf_token": token, "codes": "\n".join(codes)})
        return r.url.path, flash(r.text)

    where, said = scan(sheet.identity_payload)
    assert where == "/desk/import" and "只扫到了验真码" in said and not ENGLISH.search(said)
    where, said = scan(sheet.identity_payload, "BBD1:NOTADATACODE")
    assert where == "/desk/import" and "数据码读不全" in said and not ENGLISH.search(said)
    where, said = scan(sheet.identity_payload, *sheet.data_payloads)
    assert where == f"/desk/cases/{case_id}" and said == f"办件 {sheet.number}已导入。"
    where, said = scan(sheet.identity_payload, *sheet.data_payloads)
    assert where == f"/desk/cases/{case_id}" and "镇里已经有办件" in said


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database no server has started on (no reference data published yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    from server_process import postgres_database

    try:
        database = postgres_database()
        url = database.__enter__()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        database.__exit__(None, None, None)


def test_a_fresh_server_has_its_village_desks_and_says_every_staff_action(
    fresh_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kiosk.server.cli import main

    db = ["--db", fresh_db]
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main([*db, "staff", "add", "cun3", "--desk", "新店村", "--password-stdin"]) == 0
    assert main([*db, "staff", "desks"]) == 0
    listed = capsys.readouterr().out
    assert "新店村\tvillage" in listed and "双龙村\tvillage" in listed
    # An admin's own village list replaces the shipped one.
    villages = tmp_path / "villages.json"
    villages.write_text('[{"value": "v21", "label": "龙水湖村"}]', encoding="utf-8")
    assert main([*db, "villages", "load", str(villages)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main([*db, "staff", "add", "lsh", "--desk", "龙水湖村", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main([*db, "staff", "add", "cun4", "--desk", "新店村", "--password-stdin"]) == 2
    assert "no desk called 新店村" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["staff", "--help"])
    helped = capsys.readouterr().out
    for verb in ("add", "list", "passwd", "unlock", "disable", "enable", "desks"):
        assert re.search(rf"^\s+{verb}\s+\S", helped, re.M), f"{verb} missing from --help"


def test_scanned_import_says_how_many_pages_are_still_to_come(
    desk: DeskServer, ctx: KioskContext
) -> None:
    """Issue 18: a case carried by QR says how many of its photographed pages have not
    reached the server yet (N 份材料待传)."""
    import cv2
    from helpers import APPLICANT_ID, FORM_ID, example

    from kiosk.devices.camera import draw_page
    from kiosk.services.attachments import add_attachment
    from kiosk.services.cases import fill_case
    from kiosk.services.printing import case_sheet

    case_id = fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID).id
    for seed in (1, 2):
        page = cv2.imencode(".jpg", draw_page(seed=seed))[1].tobytes()
        add_attachment(ctx, case_id, material_id="applicant_id_card", data=page)
    desk.enroll(ctx)
    sheet = case_sheet(ctx, case_id)
    desk.add_staff("shebao", "社保所")  # the case's first desk (no village stamp since v3)
    login(desk.client, "shebao")
    token = csrf_of(desk.client.get("/desk/import").text)
    codes = "\n".join([sheet.identity_payload, *sheet.data_payloads])
    r = desk.client.post("/desk/import", data={"csrf_token": token, "codes": codes})
    assert r.url.path == f"/desk/cases/{case_id}"
    assert "已导入" in flash(r.text) and "2 份材料待传" in flash(r.text)
