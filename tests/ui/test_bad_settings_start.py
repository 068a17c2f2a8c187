"""A kiosk whose settings are wrong still opens its window, with the default look, and
says 本机暂时无法办理 there instead of exiting to a blank screen (break19 #4); the log
names the setting and where its value came from. Nothing is opened with such settings."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.app import run_ui
from kiosk.ui.main_window import OPEN_FAILED, MainWindow
from kiosk.ui.qt import QApplication, QTimer


def _start(qapp: QApplication, root: Path) -> list[str]:
    seen: list[str] = []

    def look() -> None:
        for w in qapp.topLevelWidgets():
            if isinstance(w, MainWindow) and w.isVisible():
                seen.extend(w.page.errors.messages)

    QTimer.singleShot(700, look)
    assert run_ui(data_root=root, quit_after_ms=900) == 0
    return seen


def test_a_damaged_settings_file_shows_the_fault_on_screen(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "settings.toml").write_text('idle_timeout_s = "x"\n', encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        seen = _start(qapp, tmp_path)
    assert seen == [OPEN_FAILED]
    assert "idle_timeout_s" in caplog.text and "settings.toml" in caplog.text
    assert not (tmp_path / "kiosk.sqlite3").exists()  # nothing opened with bad settings


def test_a_bad_environment_variable_is_named_as_such(
    qapp: QApplication,
    qtbot: QtBot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIOSK_IDLE_TIMEOUT_S", "10")
    with caplog.at_level(logging.ERROR):
        seen = _start(qapp, tmp_path)
    assert seen == [OPEN_FAILED]
    assert "KIOSK_IDLE_TIMEOUT_S" in caplog.text and "settings.toml" not in caplog.text


def test_a_settings_file_that_cannot_be_read_shows_the_fault(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A folder named settings.toml (or one the kiosk may not read): the same fault on
    screen, no traceback (break19b #1)."""
    (tmp_path / "settings.toml").mkdir()
    with caplog.at_level(logging.ERROR):
        seen = _start(qapp, tmp_path)
    assert seen == [OPEN_FAILED]
    assert "settings.toml: cannot be read" in caplog.text


def test_an_empty_data_dir_flag_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """python -m kiosk.ui.app --data-dir "" says so like the kiosk command (break19b #2)."""
    from kiosk.ui.app import main

    assert main(["--data-dir", "", "--quit-after-ms", "100"]) == 1
    assert capsys.readouterr().err.startswith("error: ")
