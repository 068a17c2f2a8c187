"""Real cases both ways against a real server process (SQLite and PostgreSQL): intake,
routing by staff, statuses back to the kiosk, reference data, authentication."""

from __future__ import annotations

import json

import httpx
from server_process import ServerProcess
from sync_helpers import KioskFactory, add_cases, assert_exactly_once, server_counts

from kiosk.registry.demo import demo_document
from kiosk.services.cases import show_case
from kiosk.services.registry import registry_status
from kiosk.services.sync import sync_once, sync_status
from kiosk.sync.pull import read_reference


def test_cases_reach_the_server_and_statuses_come_back(
    server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(server)
    ids = add_cases(ctx, 3)
    assert sync_status(ctx).pending == 3

    report = sync_once(ctx)
    assert (report.sent, report.error, report.pending) == (3, None, 0)
    assert_exactly_once(server, ctx, ids)
    assert [show_case(ctx, i).summary.state for i in ids] == ["sent"] * 3

    with server.staff() as staff:
        case = staff.get(f"/staff/cases/{ids[0]}").json()["case"]
        assert case["status"] == "received"
        # The death benefit v3 goes to the 社保 offices only (issue 16).
        assert [t["desk"] for t in case["tasks"]] == ["社保所", "区社保局"]
        assert case["answers"]["deceased_id"]  # the server holds the answers
    number = show_case(ctx, ids[0]).summary.number
    server.admin("cases", "advance", ids[0], "--step", "社保所", "--note", "已受理")
    server.admin("cases", "advance", ids[1], "--step", "social_security")
    server.admin(
        "cases",
        "advance",
        ids[1],
        "--step",
        "区社保局",
        "--outcome",
        "needs_materials",
        "--note",
        "请补交火化证明",
    )
    server.admin(
        "cases",
        "advance",
        ids[2],
        "--step",
        "社保所",
        "--outcome",
        "refused",
        "--note",
        "不属于本镇",
    )

    report = sync_once(ctx)
    assert report.error is None and report.changes >= 3
    states = [show_case(ctx, i).summary for i in ids]
    assert [s.state for s in states] == ["accepted", "needs_materials", "refused"]
    assert states[1].server_note == "请补交火化证明"
    assert states[0].number == number

    server.admin("cases", "advance", ids[0], "--step", "区社保局")
    sync_once(ctx)
    assert show_case(ctx, ids[0]).summary.state == "completed"
    # Nothing is sent twice, and the cursor does not replay old changes.
    again = sync_once(ctx)
    assert (again.sent, again.changes) == (0, 0)
    assert sum(server_counts(server)[i] for i in ids) == 3
    # Staff and scripts: the CLI's JSON.
    shown = json.loads(server.admin("cases", "show", ids[0], "--json"))
    assert shown["status"] == "completed" and {t["state"] for t in shown["tasks"]} == {"done"}
    listed = json.loads(server.admin("cases", "list", "--json", "--status", "refused"))
    assert ids[2] in {c["id"] for c in listed}


def test_reference_data_flows_with_versions(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory, tmp_path
) -> None:
    ctx = make_kiosk(sqlite_server)
    sync_once(ctx)
    _, _villages = read_reference(ctx.store, ctx.data_root, "villages")  # type: ignore[misc]
    assert {"value": "v02", "label": "双龙村"} in _villages
    forms = read_reference(ctx.store, ctx.data_root, "forms")
    assert forms and any(f["id"] == "pension_death_benefit" for f in forms[1])

    villages = [*_villages, {"value": "v10", "label": "石马新村"}]
    (tmp_path / "villages.json").write_text(json.dumps(villages, ensure_ascii=False), "utf-8")
    sqlite_server.admin("villages", "load", str(tmp_path / "villages.json"))
    document = demo_document()
    document.update(demo=False, source_version="2026-11 extract")
    for person in document["residents"]:
        person.pop("demo", None)
    extract = tmp_path / "registry.json"
    extract.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    sqlite_server.admin("registry", "load", str(extract))
    report = sync_once(ctx)
    assert set(report.reference_updated) == {"villages", "registry"}
    assert "石马新村" in [c.label for c in ctx.catalogue.lists["villages"]]
    _, body = read_reference(ctx.store, ctx.data_root, "registry")  # type: ignore[misc]
    assert body["residents"][0]["name"] == "张德明"
    # Encrypted at rest: the name is not in the file.
    stored = (ctx.data_root / "reference" / "registry.json.enc").read_bytes()
    assert "张德明".encode() not in stored
    # And put to use: the kiosk's registry (prefill) now holds the extract.
    status = registry_status(ctx)
    assert (status.source_version, status.count) == ("2026-11 extract", len(document["residents"]))
    assert sync_once(ctx).reference_updated == ()


def test_requests_without_a_valid_token_are_refused(sqlite_server: ServerProcess) -> None:
    with httpx.Client(base_url=sqlite_server.url + "/api/v1") as http:
        r = http.post("/cases/batch", json={"cases": []}, headers={"Authorization": "Bearer x"})
        assert r.status_code == 401
        assert r.json()["protocol"] == "bangban-sync/1"
        assert http.get("/changes").status_code == 401
        spec = http.get("/openapi.json").json()
        assert "/api/v1/cases/batch" in spec["paths"]
        code = sqlite_server.admin("enroll", "--name", "x").strip()
        # An enrollment without nonce and signature is malformed: 422, nothing enrolled.
        body = {"code": code, "public_key": "not-a-key"}
        assert http.post("/enroll", json=body).status_code == 422
