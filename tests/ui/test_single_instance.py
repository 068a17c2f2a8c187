"""One kiosk window per data root (b19 #8): a second start on the same root says the
kiosk is already running (Chinese on the screen, English in the log) and exits; a lock
left by a killed kiosk does not block a restart."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.app import run_ui
from kiosk.ui.qt import QApplication, QMessageBox, QTimer
from kiosk.ui.single_instance import (
    ALREADY_RUNNING,
    LOCK_NAME,
    AlreadyRunning,
    hold_instance_lock,
)


def test_a_second_start_on_the_same_root_says_so_and_exits(
    qapp: QApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture, qtbot: QtBot
) -> None:
    first = hold_instance_lock(tmp_path)
    assert first is not None
    seen: list[str] = []

    def look() -> None:
        seen.extend(w.text() for w in qapp.topLevelWidgets() if isinstance(w, QMessageBox))

    QTimer.singleShot(100, look)
    with caplog.at_level(logging.ERROR):
        code = run_ui(data_root=tmp_path, quit_after_ms=400)
    assert code == 1
    assert seen == [ALREADY_RUNNING]
    assert "already running" in caplog.text and str(tmp_path) in caplog.text
    first.unlock()
    again = hold_instance_lock(tmp_path)  # the first one quit: the next start runs
    assert again is not None
    again.unlock()


def test_a_lock_left_by_a_killed_kiosk_does_not_block_a_restart(
    qapp: QApplication, tmp_path: Path
) -> None:
    killed = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from kiosk.ui.qt import QApplication
        from kiosk.ui.single_instance import hold_instance_lock
        app = QApplication([])
        held = hold_instance_lock(Path({str(tmp_path)!r}))
        assert held is not None
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    env_run = subprocess.run(
        [sys.executable, "-c", killed],
        env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path.cwd()), "PATH": ""},
        capture_output=True,
        timeout=60,
    )
    assert env_run.returncode == -9, env_run.stderr
    assert (tmp_path / LOCK_NAME).exists()  # left behind
    lock = hold_instance_lock(tmp_path)
    assert lock is not None
    with pytest.raises(AlreadyRunning):
        hold_instance_lock(tmp_path)  # and now it is held again, by us
    lock.unlock()
