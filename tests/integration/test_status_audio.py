"""``kiosk status`` says when no sound device exists (朗读 would be silent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import make_store

from kiosk.cli import main


def test_status_reports_a_missing_sound_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = ["--data-dir", str(make_store(tmp_path / "cli"))]
    monkeypatch.setenv("KIOSK_AUDIO", "none")
    assert main([*home, "status"]) == 0
    out = capsys.readouterr().out
    assert "NO SOUND DEVICE" in out
    assert main([*home, "status", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["audio_ok"] is False and "pending" in shown
    monkeypatch.setenv("KIOSK_AUDIO", "ok")
    assert main([*home, "status"]) == 0
    assert "audio ok" in capsys.readouterr().out


def test_status_of_a_folder_without_a_store_says_so_and_makes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --data-dir is not answered "pending 0" with a new store and key left
    behind (break19 #5)."""
    typo = tmp_path / "kiosk-hmoe"
    assert main(["--data-dir", str(typo), "status"]) == 1
    assert "no kiosk store" in capsys.readouterr().err
    assert not typo.exists()
