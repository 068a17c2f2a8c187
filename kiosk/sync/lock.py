"""One sync process per data root: a lock file, held as long as a process syncs.

Two ``kiosk sync`` processes (or the kiosk app and a ``kiosk sync`` started beside it)
on one data root would send the same batches and move the same cursors at once. The
first to start holds ``<data root>/sync.lock`` (an OS file lock through the ``filelock``
package: released by the OS when the process dies, even by kill -9); the others are
refused with a clear message. Inside one process, rounds (the worker thread and the
UI's 立即同步) take turns on a thread lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = "sync.lock"
_held: dict[Path, tuple[FileLock, int]] = {}
_turns: dict[Path, threading.RLock] = {}
_guard = threading.Lock()


class SyncBusy(Exception):
    """Another process is already syncing this data root."""


def acquire(data_root: Path) -> None:
    """Hold the data root's sync lock for this process (counted; see release)."""
    key = data_root.resolve()
    with _guard:
        if key in _held:
            lock, count = _held[key]
            _held[key] = (lock, count + 1)
            return
        lock = FileLock(str(key / LOCK_FILE), timeout=0, mode=0o600, thread_local=False)
        try:
            lock.acquire()
        except Timeout as exc:
            raise SyncBusy(
                f"another process is already syncing {key} (kiosk sync or the kiosk app); "
                "one at a time"
            ) from exc
        _held[key] = (lock, 1)


def release(data_root: Path) -> None:
    key = data_root.resolve()
    with _guard:
        if key not in _held:
            return
        lock, count = _held[key]
        if count > 1:
            _held[key] = (lock, count - 1)
            return
        del _held[key]
        lock.release()


@contextmanager
def holding(data_root: Path) -> Iterator[None]:
    """This process syncs ``data_root`` inside the block, one round at a time."""
    acquire(data_root)
    key = data_root.resolve()
    with _guard:
        turn = _turns.setdefault(key, threading.RLock())
    try:
        with turn:
            yield
    finally:
        release(data_root)
