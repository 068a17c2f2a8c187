"""``kiosk status`` says whether residents can write by hand (手写) on this kiosk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import make_store

from kiosk.cli import main
from kiosk.devices import handwriting


def test_status_reports_the_handwriting_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = ["--data-dir", str(make_store(tmp_path / "cli"))]
    assert main([*home, "status", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["handwriting_ok"] is True
    assert "handwriting-zh_CN.model" in shown["handwriting"]
    monkeypatch.setattr(handwriting, "_shared", None)
    monkeypatch.setattr(handwriting, "LIBRARY_NAMES", ("libnot-zinnia.so.0",))
    monkeypatch.setattr(handwriting.ctypes.util, "find_library", lambda name: None)
    assert main([*home, "status"]) == 0
    out = capsys.readouterr().out
    assert "handwriting OFF" in out and "libzinnia" in out
