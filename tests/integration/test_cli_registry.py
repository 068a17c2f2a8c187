"""``kiosk registry load|demo|status|show`` and ``kiosk --demo``'s loading step."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.registry import demo
from kiosk.services.context import open_kiosk
from kiosk.services.registry import find_resident, registry_status
from kiosk.services.startup import open_for_ui


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def extract(tmp_path: Path, **changes: object) -> Path:
    doc = {
        "format": "kiosk-registry",
        "format_version": 1,
        "source_version": "2026-11-01",
        "residents": [
            {
                "id_number": demo.ZHANG_DEMING,
                "name": "张德明",
                "village": "v03",
                "group": 4,
                "household": "H1",
                "flags": {"resident_pension": True},
            }
        ],
    } | changes
    path = tmp_path / "extract.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_registry_demo_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "registry", "demo")
    assert code == 0 and out.startswith("registry demo data demo-2026.1: ")
    assert run(capsys, "registry", "demo")[1] == out
    assert run(capsys, "registry", "status")[1] == out


def test_registry_show_prints_the_record_for_staff(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "registry", "demo")
    # Masked without a staff account (issue 14): like `cases show`.
    code, out, _ = run(capsys, "registry", "show", demo.ZHANG_DEMING)
    assert code == 0
    assert "张*明" in out and "张德明" not in out and "4组" not in out and "同户: 李*兰 配偶" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("582046\n"))
    run(capsys, "staff", "add", "9001", "--name", "刘主任", "--pin-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO("582046\n"))
    code, out, _ = run(capsys, "registry", "show", demo.ZHANG_DEMING, "--reveal", "--staff",
                       "9001", "--pin-stdin")  # fmt: skip
    assert code == 0
    assert "张德明" in out and "新店村4组" in out and "在领高龄津贴: 是" in out
    assert "同户: 李桂兰 配偶" in out and "演示数据" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("582046\n"))
    code, out, _ = run(capsys, "registry", "show", demo.ZHANG_DEMING, "--json", "--reveal",
                       "--staff", "9001", "--pin-stdin")  # fmt: skip
    assert json.loads(out)["resident"]["flags"]["resident_pension"] is True


def test_registry_show_unknown_and_invalid(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "registry", "show", demo.ZHANG_DEMING)[0] == 1
    code, _, err = run(capsys, "registry", "show", "500225194103080134")
    assert code == 2 and "id_number: " in err and "500225194103080134" not in err


def test_registry_load_replaces_and_refuses_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "registry", "demo")
    code, out, _ = run(capsys, "registry", "load", str(extract(tmp_path)))
    assert (code, out.strip()) == (0, "registry extract 2026-11-01: 1 resident(s)")
    bad = extract(tmp_path, source_version="2026-12-01", format_version=2)
    code, _, err = run(capsys, "registry", "load", str(bad))
    assert code == 2 and "format_version: must be 1" in err and "nothing loaded" in err
    assert run(capsys, "registry", "status")[1].strip().endswith("2026-11-01: 1 resident(s)")
    # A real extract is kept when someone asks for demo data.
    assert run(capsys, "registry", "demo")[0] == 1


def test_the_demo_flag_loads_the_demo_registry_before_the_ui(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_DEMO_DATA", "0")  # restored after the test; open_for_ui sets it
    for _ in range(2):  # twice: still one demo registry
        opened = open_for_ui(tmp_path, demo=True)  # what `kiosk --demo` runs behind the home
        if opened.sync_worker is not None:
            opened.sync_worker.stop()
        opened.ctx.close()
    ctx = open_kiosk(tmp_path)
    try:
        assert registry_status(ctx).demo
        assert find_resident(ctx, demo.ZHANG_DEMING) is not None
        assert ctx.settings.demo_data is True  # the UI's settings see the demo flag
    finally:
        ctx.close()
