"""What the kiosk's sync command line refuses, it says in plain English and exits non-zero,
never with a traceback (a fresh tester's insecure_traceback.sh), and ``kiosk status``
shows the refusal instead of "online". A volunteer id longer than the protocol takes is
refused by ``kiosk fill`` itself, not found out by the server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from server_process import ServerProcess

from kiosk.config import save_settings
from kiosk.services.context import open_kiosk
from kiosk.services.sync import enroll_device

KIOSK = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]


def _kiosk(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KIOSK, "--data-dir", str(root), *args], capture_output=True, text=True, timeout=120
    )


def test_plain_http_to_another_machine_in_the_settings_is_refused_clearly(
    sqlite_server: ServerProcess, tmp_path: Path
) -> None:
    from helpers import FORM_ID, example

    root = tmp_path / "kiosk"
    ctx = open_kiosk(root)
    try:
        code = sqlite_server.admin("enroll", "--name", "石马镇大厅1号机").strip()
        enroll_device(ctx, sqlite_server.url, code)
        # Someone edits settings.toml to the town's address, in plain http.
        insecure = ctx.settings.model_copy(
            update={"server_url": "http://town.example.invalid:18461"}
        )
        save_settings(root, insecure)
    finally:
        ctx.close()
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    assert _kiosk(root, "fill", FORM_ID, "--answers", str(answers)).returncode == 0
    run = _kiosk(root, "sync", "--once")
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    assert "refusing plain http:// to town.example.invalid" in run.stderr, run.stderr
    assert "pending 1" in run.stdout
    status = _kiosk(root, "status")
    assert status.returncode == 0, status.stderr
    assert "online" not in status.stdout and "offline" in status.stdout, status.stdout
    assert "last error: not syncing: refusing plain http://" in status.stdout, status.stdout


def test_a_volunteer_id_longer_than_the_protocol_takes_is_refused_at_fill(
    tmp_path: Path,
) -> None:
    from helpers import FORM_ID, example

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    root = tmp_path / "kiosk"
    run = _kiosk(root, "fill", FORM_ID, "--answers", str(answers), "--volunteer", "V" * 33)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "volunteer id must be 1-32 characters (got 33)" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    listed = _kiosk(root, "cases", "list")
    assert "elderly" not in listed.stdout and FORM_ID not in listed.stdout, listed.stdout
    assert (
        _kiosk(root, "fill", FORM_ID, "--answers", str(answers), "--volunteer", "V" * 32).returncode
        == 0
    )


def test_a_ca_file_that_cannot_be_read_is_a_clear_error_not_a_traceback(
    sqlite_server: ServerProcess, tmp_path: Path
) -> None:
    root = tmp_path / "kiosk"
    ctx = open_kiosk(root)
    try:
        code = sqlite_server.admin("enroll", "--name", "石马镇大厅1号机").strip()
        enroll_device(ctx, sqlite_server.url, code)
        missing = str(tmp_path / "town-ca.pem")
        save_settings(root, ctx.settings.model_copy(update={"server_ca_file": missing}))
    finally:
        ctx.close()
    run = _kiosk(root, "sync", "--once")
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"server_ca_file {missing} cannot be used" in run.stderr, run.stderr
    enroll = _kiosk(root, "enroll", sqlite_server.url, "AAAA-BBBB-CCCC")
    assert enroll.returncode != 0 and "Traceback" not in enroll.stderr, enroll.stderr
    assert "cannot be used" in enroll.stderr, enroll.stderr
