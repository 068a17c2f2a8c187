"""Issue 16: form definitions and the district policy published by a real town server on
127.0.0.1 (`kiosk-server forms publish DIR`), pulled, verified and used by a kiosk; a
release switches at the time the server set; a tampered definition is refused, reported,
and the kiosk keeps the version it had."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from helpers import FIXED_NOW, shipped_policy_version
from release_folder import release_folder
from release_helpers import publish, tamper
from server_process import ServerProcess
from sync_helpers import KioskFactory

from kiosk.domain.idcard import make_id_number
from kiosk.forms.engine import FormFill
from kiosk.forms.examples import example_answers
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.published import refused_definitions, status_lines
from kiosk.services.sync import sync_once

SHIPPED_POLICY = shipped_policy_version()


def elder_problems(ctx: KioskContext, age: int) -> list[str]:
    form = ctx.catalogue.get("elderly_allowance")
    fill = FormFill(form, ctx.catalogue.lists, today=ctx.today())
    answers: dict[str, Any] = example_answers(form)
    today = ctx.today()
    answers["elder_id"] = make_id_number("500111", today.replace(year=today.year - age), 12)
    problems = [p for p in fill.apply_answers(answers) if p.is_error]
    reported = {p.path for p in problems}
    problems += [p for p in fill.check_all() if p.is_error and p.path not in reported]
    return [p.path for p in problems]


def test_publish_pull_use_switch_and_refuse_tampering(
    own_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    ctx = make_kiosk(own_server)
    assert elder_problems(ctx, 76) == ["elder_birth_date"]  # shipped: 80 (待核实)

    # Release 1, in force since yesterday: the district lowered the age to 75.
    yesterday = (FIXED_NOW - timedelta(days=1)).isoformat()
    out = publish(
        own_server,
        release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1, min_age=75),
        yesterday,
    )
    assert out.startswith("definitions: release 1,")
    report = sync_once(ctx)
    assert "definitions" in report.reference_updated, report
    assert ctx.catalogue.policy.version == SHIPPED_POLICY + 1
    assert (
        ctx.catalogue.get("elderly_allowance").policy.expression_value("elderly_allowance_min_age")
        == 75
    )
    assert elder_problems(ctx, 76) == []  # used: the published rule decides
    assert refused_definitions(ctx) == []
    # The server validates with what it published: a 76-year-old's case is accepted.
    answers = example_answers(ctx.catalogue.get("elderly_allowance"))
    answers["elder_id"] = make_id_number("500111", FIXED_NOW.date().replace(year=1950), 12)
    fill_case(ctx, "elderly_allowance", answers)
    sent = sync_once(ctx)
    assert (sent.sent, sent.quarantined, sent.error) == (1, 0, None), sent

    # Release 2 takes effect tomorrow: pulled and kept, not used before its time.
    tomorrow = (FIXED_NOW + timedelta(days=1)).isoformat()
    publish(
        own_server,
        release_folder(tmp_path, "r2", policy_version=SHIPPED_POLICY + 2, min_age=70),
        tomorrow,
    )
    sync_once(ctx)
    assert ctx.catalogue.policy.version == SHIPPED_POLICY + 1
    assert any(line.startswith("待生效：发布第2版") for line in status_lines(ctx))
    ctx.clock = lambda: FIXED_NOW + timedelta(days=2)
    sync_once(ctx)  # each round switches to what is in force now
    assert ctx.catalogue.policy.version == SHIPPED_POLICY + 2
    assert elder_problems(ctx, 71) == []

    # Release 3 arrives tampered: the altered form is refused and reported; the kiosk
    # keeps release 2's copy of it, the rest of release 3 is used.
    publish(
        own_server,
        release_folder(tmp_path, "r3", policy_version=SHIPPED_POLICY + 3, min_age=70),
        yesterday,
    )
    tamper(own_server, "elderly_allowance.v2.yaml", "policy('elderly_allowance_min_age')", "60")
    sync_once(ctx)
    refused = refused_definitions(ctx)
    assert [(r["release"], r["path"]) for r in refused] == [(3, "elderly_allowance.v2.yaml")]
    assert "signature does not match" in refused[0]["why"]
    assert ctx.catalogue.release_folders == ["000001", "000002", "000003"]
    assert ctx.catalogue.policy.version == SHIPPED_POLICY + 3
    constraint = ctx.catalogue.get("elderly_allowance").questions
    assert "policy('elderly_allowance_min_age')" in str(constraint)
    assert elder_problems(ctx, 65) == ["elder_birth_date"]  # not the tampered 60

    # The same release served again (a replay) is refused whole; nothing changes.
    tamper(own_server, "pension_claim.v1.yaml", "id: pension_claim", "id: pension_claim  # x")
    sync_once(ctx)
    assert refused_definitions(ctx)[-1]["why"] == "release 3 is already installed (other content)"
    assert ctx.catalogue.release_folders == ["000001", "000002", "000003"]

    # Any later start of the kiosk (the app, `kiosk fill`, `kiosk status`) uses them.
    again = open_kiosk(ctx.data_root, clock=ctx.clock)
    try:
        assert again.catalogue.release_folders == ["000001", "000002", "000003"]
        assert again.catalogue.policy.version == SHIPPED_POLICY + 3
    finally:
        again.close()
    lines = status_lines(ctx)
    assert "已拒绝：第3版 elderly_allowance.v2.yaml：签名对不上，内容被改动过或传坏了" in lines
    assert "已拒绝：第3版 整版：和已装的同一版号内容不同，没有使用" in lines
    assert lines[0].startswith("正在使用的表单：镇服务器发布第3版（")


def test_a_broken_folder_is_not_published(own_server: ServerProcess, tmp_path: Path) -> None:
    folder = release_folder(tmp_path, "bad", policy_version=SHIPPED_POLICY + 1, min_age=75)
    form = folder / "welfare_stop.v1.yaml"
    form.write_text(
        form.read_text(encoding="utf-8").replace("${policy:desk_civil_affairs}", "${policy:nope}"),
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "kiosk.server.cli", "--db", own_server.db_url, "forms", "publish"]
    done = subprocess.run(
        [*cmd, str(folder)],
        env={**os.environ, "KIOSK_SERVER_HOME": str(own_server.home)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "welfare_stop.v1.yaml: -: text: unknown policy parameter 'nope'" in done.stderr
