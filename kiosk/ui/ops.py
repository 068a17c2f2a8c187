"""Run service operations off the GUI thread and hand the result back on it.

One worker thread runs the operations in the order they were asked for (the store is
SQLite; one writer at a time keeps things simple). Results come back through a Qt
signal, so callbacks always run on the GUI thread (STYLE.md 2 and 7). ``forget()``
drops callbacks still waiting, so a privacy wipe cannot bring the last person's data
back onto a fresh screen.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

from kiosk.ui.qt import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class _Relay(QObject):
    finished = Signal(int, object, object)  # token, result, error


class _Task(QRunnable):
    def __init__(self, token: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._token, self._fn, self._relay = token, fn, relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # handed to the GUI thread, which decides what to say
            self._relay.finished.emit(self._token, None, exc)
        else:
            self._relay.finished.emit(self._token, result, None)


class GuiThreadGarbageCollector(QObject):
    """Run Python's cyclic garbage collector on the GUI thread only.

    Left alone, a collection can start on the worker thread in the middle of an operation
    and destroy Qt objects (old pages, their signal closures) there, which crashes Qt.
    So automatic collection is off while the window lives and a timer collects here.
    """

    def __init__(self, parent: QObject, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(interval_ms)

    def collect(self) -> None:
        # Young generations often, a full collection when its threshold says so.
        threshold = gc.get_threshold()
        counts = gc.get_count()
        if counts[0] > threshold[0]:
            generation = 0
            if counts[1] > threshold[1]:
                generation = 2 if counts[2] > threshold[2] else 1
            gc.collect(generation)

    def stop(self) -> None:
        if not self._timer.isActive():
            return
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


class OpRunner(QObject):
    """``run(fn, on_done, on_error)``: fn() on the worker, a callback on the GUI thread."""

    busy_changed = Signal(bool)

    def __init__(
        self, on_error: ErrorCallback | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finish)
        self._waiting: dict[int, tuple[Callback, ErrorCallback | None]] = {}
        self._running = 0
        self._next = 0
        self._default_error = on_error

    @property
    def busy(self) -> bool:
        return self._running > 0

    def run(
        self, fn: Callable[[], Any], on_done: Callback, on_error: ErrorCallback | None = None
    ) -> None:
        self._next += 1
        self._waiting[self._next] = (on_done, on_error)
        self._running += 1
        if self._running == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Task(self._next, fn, self._relay))

    def forget(self) -> None:
        """Drop every callback still waiting (the operations themselves still finish)."""
        self._waiting.clear()

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until the worker is idle (shutdown and tests only)."""
        return bool(self._pool.waitForDone(msecs))

    def _finish(self, token: int, result: object, error: object) -> None:
        self._running -= 1
        if self._running == 0:
            self.busy_changed.emit(False)
        callbacks = self._waiting.pop(token, None)
        if callbacks is None:
            return
        on_done, on_error = callbacks
        if isinstance(error, BaseException):
            handler = on_error or self._default_error
            if handler is None:
                log.error("operation failed", exc_info=error)
            else:
                handler(error)
            return
        on_done(result)
