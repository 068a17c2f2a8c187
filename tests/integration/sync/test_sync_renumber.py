"""A kiosk restored from an older copy of its data root, working offline, hands out a case
number the town server already holds (a fresh tester's restored_kiosk.sh). It must never
stay quarantined: the kiosk learns its last numbers before ``kiosk fill`` when the server
answered lately, and a number the server answers as held is renumbered by the kiosk
itself, re-signed, sent again and flagged 需重新打印 (docs/sync-protocol.md, "A number
the server already holds"). Real server processes on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from server_process import STAFF_TOKEN, ServerProcess, free_port
from sync_helpers import add_cases

from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.printing import print_problems
from kiosk.services.sync import enroll_device, learn_case_numbers, needs_reprint_cases, sync_once
from kiosk.store.models import utcnow
from kiosk.sync import state

KIOSK = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]
BOTH = pytest.mark.parametrize("server", ["sqlite", "postgresql"], indirect=True)


def _seq(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def _numbers(ctx: KioskContext, ids: list[str]) -> list[str]:
    with ctx.store.unit_of_work() as uow:
        return [uow.cases.require(i).number for i in ids]


def _open(root: Path, clock: object = None) -> KioskContext:
    from helpers import catalogue

    return open_kiosk(root, catalogue=catalogue(), clock=clock)  # type: ignore[arg-type]


@pytest.fixture
def restored(server: ServerProcess, tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """A kiosk that synced 2 cases, was copied, made and synced 3 more, and then came
    back from the copy: (its data root, the numbers of the 3 cases it forgot)."""
    from helpers import fixed_clock

    root = tmp_path / "kiosk"
    ctx = _open(root, fixed_clock)
    try:
        enroll_device(ctx, server.url, server.admin("enroll", "--name", "石马镇大厅1号机").strip())
        add_cases(ctx, 2)
        assert sync_once(ctx).sent == 2
    finally:
        ctx.close()
    shutil.copytree(root, tmp_path / "copy")
    ctx = _open(root, fixed_clock)
    try:
        later = _numbers(ctx, add_cases(ctx, 3))
        assert sync_once(ctx).sent == 3
    finally:
        ctx.close()
    shutil.rmtree(root)
    shutil.copytree(tmp_path / "copy", root)  # the PC's disk came back from the copy
    yield root, later


@BOTH
def test_a_number_the_server_holds_is_renumbered_resigned_sent_and_flagged_for_reprint(
    server: ServerProcess, restored: tuple[Path, list[str]]
) -> None:
    from helpers import fixed_clock

    root, later = restored
    ctx = _open(root, fixed_clock)
    try:
        [case_id] = add_cases(ctx, 1)  # offline: no learning, the counter is behind
        [old] = _numbers(ctx, [case_id])
        assert old == later[0]  # the number the server already holds for another case
        report = sync_once(ctx)
        assert report.error is None, report
        assert (report.sent, report.quarantined, report.pending) == (1, 0, 0), report
        [new] = _numbers(ctx, [case_id])
        assert _seq(new) == _seq(later[-1]) + 1 and new.rsplit("-", 1)[0] == old.rsplit("-", 1)[0]
        # The staff see it: the reprint list, the print-problem list of the staff page, the
        # case's history (the old number kept).
        [flagged] = needs_reprint_cases(ctx)
        assert (flagged.case_id, flagged.old, flagged.new) == (case_id, old, new)
        [problem] = print_problems(ctx)
        assert problem.number == new and "需重新打印" in problem.reason and old in problem.reason
        with ctx.store.unit_of_work() as uow:
            row = uow.cases.require(case_id)
            actions = [(a.action, a.detail) for a in row.audit]
            code = row.identity_code
        assert any(a == "renumbered" and d.startswith(f"{old} -> {new}") for a, d in actions)
        assert code is not None
    finally:
        ctx.close()
    # The server took it under the new number, signed by the same device (the trust rule
    # checks the number in the signed envelope), and still holds the other case under old.
    headers = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    with httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=30) as http:
        mine = http.get(f"/staff/cases/{case_id}").json()["case"]
        other = http.get(f"/staff/cases/{old}").json()["case"]
    assert mine["number"] == new
    assert other["id"] != case_id
    # kiosk status says it, in its own words.
    out = subprocess.run(
        [*KIOSK, "--data-dir", str(root), "status"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert f"需重新打印 (print again): {new}, renumbered from {old}" in out.stdout


def test_kiosk_fill_learns_the_servers_numbers_first_when_it_answered_lately(
    sqlite_server: ServerProcess, tmp_path: Path
) -> None:
    """restored_kiosk.sh as it was: ``kiosk fill`` on the restored root before any sync."""
    from helpers import FORM_ID, example

    root = tmp_path / "kiosk"
    ctx = _open(root)  # the real clock: `kiosk fill` below numbers by today
    try:
        enroll_device(ctx, sqlite_server.url, sqlite_server.admin("enroll", "--name", "甲").strip())
        add_cases(ctx, 2)
        assert sync_once(ctx).sent == 2
    finally:
        ctx.close()
    shutil.copytree(root, tmp_path / "copy")
    ctx = _open(root)
    try:
        later = _numbers(ctx, add_cases(ctx, 3))
        assert sync_once(ctx).sent == 3
    finally:
        ctx.close()
    shutil.rmtree(root)
    shutil.copytree(tmp_path / "copy", root)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    out = subprocess.run(
        [
            *KIOSK,
            "--data-dir",
            str(root),
            "fill",
            FORM_ID,
            "--answers",
            str(answers),
            "--volunteer",
            "V001",
            "--duplicate-reason",  # the same example again (issue 14 asks a reason)
            "test",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    number = out.stdout.split()[1]
    assert _seq(number) == _seq(later[-1]) + 1, (out.stdout, later)


def test_learning_numbers_never_holds_up_offline_work(
    sqlite_server: ServerProcess, tmp_path: Path
) -> None:
    from helpers import fixed_clock

    ctx = _open(tmp_path / "kiosk", fixed_clock)
    try:
        enroll_device(ctx, sqlite_server.url, sqlite_server.admin("enroll", "--name", "乙").strip())
        add_cases(ctx, 1)
        assert sync_once(ctx).sent == 1
        assert learn_case_numbers(ctx) is True
        # The server is gone (a port nobody listens on): at once, nothing changed.
        down = f"http://127.0.0.1:{free_port()}"
        ctx.settings = ctx.settings.model_copy(update={"server_url": down})
        started = time.monotonic()
        assert learn_case_numbers(ctx, timeout_s=2.0) is False
        assert time.monotonic() - started < 3.0
        # Not heard from the server for over a day: not even asked.
        ctx.settings = ctx.settings.model_copy(update={"server_url": sqlite_server.url})
        with ctx.store.unit_of_work() as uow:
            uow.meta.set(state.LAST_SUCCESS, (utcnow() - timedelta(days=2)).isoformat())
            uow.commit()
        assert learn_case_numbers(ctx) is False
    finally:
        ctx.close()
