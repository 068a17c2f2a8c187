"""One kiosk window per data root (b19 #8): a second start says so and exits.

Two windows on one store would both take taps, both run a sync worker (the second only
logs SyncBusy) and fight over the card reader and the printer. The window holds a Qt
``QLockFile`` in the data root while it runs. The lock file records the owner's process
id, host and boot; a lock left by a kiosk that was killed (or a PC that lost power) is
stale and taken over at the next start, so it never blocks a restart. A lock that cannot
be written at all (a read-only data root) does not stop the start: opening the store
fails the same way and the screen says 本机暂时无法办理.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.ui.qt import QLockFile, QMessageBox, QTimer

log = logging.getLogger(__name__)

LOCK_NAME = "kiosk-ui.lock"
ALREADY_RUNNING = "帮办已经打开了，不用再打开。\n请用已经打开的那个窗口。"
SHOW_MS = 10_000  # the notice closes itself (an autostart with nobody at the screen)


class AlreadyRunning(Exception):
    """Another kiosk window runs on this data root (its process id in the message)."""


def hold_instance_lock(data_root: Path) -> QLockFile | None:
    """Take the data root's window lock; the caller keeps the returned lock until it
    quits. Raises AlreadyRunning when a live kiosk holds it; None (logged) when the lock
    cannot be written at all."""
    lock = QLockFile(str(data_root / LOCK_NAME))
    lock.setStaleLockTime(0)  # a kiosk runs for weeks: only a dead owner makes it stale
    if lock.tryLock(0):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        info = lock.getLockInfo()  # (pid, host, app name) in PySide6
        pid = info[0] if isinstance(info, tuple) and info and info[0] else None
        owner = f"process {pid}" if pid else "another process"
        raise AlreadyRunning(
            f"the kiosk is already running on {data_root} ({owner}); not starting a second one"
        )
    log.warning("could not write the window lock in %s (%s)", data_root, lock.error().name)
    return None


def say_already_running(show_ms: int = SHOW_MS) -> int:
    """The second start's screen (the QApplication made): 帮办已经打开了 until 知道了 or
    ``show_ms``; returns the exit code, 1."""
    box = QMessageBox(QMessageBox.Icon.Information, "帮办", ALREADY_RUNNING)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText("知道了")
    box.setObjectName("already-running")
    QTimer.singleShot(show_ms, box, box.accept)
    box.exec()  # its own event loop: the application's is never started (nor quit)
    return 1
