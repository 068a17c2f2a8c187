"""Issue 16, tester's finding 7: ``kiosk forms list/show/policy`` show what the kiosk
uses — the release pulled from the town server when one is in force (its number,
whether pulled or shipped), a release waiting for its time — not the shipped files."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import shipped_policy_version
from release_folder import release_folder

from kiosk.cli import main
from kiosk.device_identity import public_key_b64
from kiosk.forms.publish import build_release
from kiosk.services.context import open_kiosk
from kiosk.services.published import install_release
from kiosk.sync.state import RELEASE_KEY

SHIPPED_POLICY = shipped_policy_version()


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> str:
    assert main(["--data-dir", str(root), *args]) == 0
    return capsys.readouterr().out


def test_the_forms_commands_show_the_release_in_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "kiosk"
    shipped = run(capsys, root, "forms", "policy")
    assert shipped.startswith("in use: the shipped definitions (no release pulled), policy")
    assert "elderly_allowance_min_age" in shipped and "80周岁" in shipped

    key = Ed25519PrivateKey.generate()
    ctx = open_kiosk(root)
    try:
        with ctx.store.unit_of_work() as uow:
            uow.meta.set(RELEASE_KEY, public_key_b64(key))
            uow.commit()
        now = datetime.now(UTC)
        for release, age, version, when in (
            (1, 75, SHIPPED_POLICY + 1, now - timedelta(hours=1)),
            (2, 70, SHIPPED_POLICY + 2, now + timedelta(days=3)),
        ):
            body = build_release(
                release_folder(tmp_path, f"r{release}", policy_version=version, min_age=age),
                key,
                release=release,
                effective=when,
                publisher="server",
            )
            assert install_release(ctx, body) is not None
    finally:
        ctx.close()

    policy = run(capsys, root, "forms", "policy")
    first, pending = policy.splitlines()[:2]
    assert first.startswith("in use: release 1 pulled from the town server (effective ")
    assert first.endswith(f"policy 重庆市大足区 v{SHIPPED_POLICY + 1}")
    assert pending.startswith("pending: release 2 from ")
    assert re.search(r"elderly_allowance_min_age\s+75周岁", policy)
    assert "forms/releases/000001/policy.yaml" in policy

    shown = run(capsys, root, "forms", "show", "elderly_allowance")
    assert shown.startswith("in use: release 1 pulled")
    assert "elderly_allowance_min_age = 75周岁" in shown
    listed = run(capsys, root, "forms", "list")
    assert listed.startswith("in use: release 1 pulled")
    # --forms-dir still shows the drafts given, and says so.
    only_policy = tmp_path / "policy-draft"
    only_policy.mkdir()
    shutil.copy(tmp_path / "r2" / "policy.yaml", only_policy)
    drafts = run(capsys, root, "forms", "policy", "--forms-dir", str(only_policy))
    assert drafts.startswith("in use: the shipped definitions and drafts in ")
    assert re.search(r"elderly_allowance_min_age\s+70周岁", drafts)
