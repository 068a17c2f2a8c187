"""The background sync worker: a daemon thread that runs rounds, sleeps with backoff, and
wakes early on ``wake()`` or when a cheap probe sees the town server come back.

It never touches widgets: progress goes out through ``events.sync_did_progress``,
which the UI hops onto its own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kiosk.store.models import utcnow
from kiosk.sync import lock
from kiosk.sync.retention import purge_acknowledged
from kiosk.sync.rounds import SyncOptions, SyncReport, Target, probe, run_round, seconds_until_due

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0


class SyncWorker:
    def __init__(self, target: Target, options: SyncOptions | None = None) -> None:
        self.target = target
        self.options = options or SyncOptions()
        self.last_report: SyncReport | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)
        self._stop_hooks: list[Callable[[], None]] = []
        self._locked = False

    def start(self) -> SyncWorker:
        """Start the thread; raises lock.SyncBusy when another process syncs this root
        (the lock is held until ``stop``)."""
        lock.acquire(self.target.data_root)
        self._locked = True
        self._thread.start()
        return self

    def wake(self) -> None:
        """Sync now (立即同步, network came back): the pending cases skip their backoff."""
        self._wake.set()

    def on_stop(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` when the worker stops (e.g. to unsubscribe from core events)."""
        self._stop_hooks.append(hook)

    def stop(self, timeout: float = 10.0) -> None:
        for hook in self._stop_hooks:
            hook()
        self._stop_hooks.clear()
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        if self._locked and not self._thread.is_alive():
            self._locked = False
            lock.release(self.target.data_root)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        force = run = True  # at start-up, try everything once whatever its backoff says
        report = SyncReport()
        purged_at = 0.0
        while not self._stop.is_set():
            if time.monotonic() - purged_at > PURGE_EVERY_S:
                purged_at = time.monotonic()
                self._purge()
            if run:
                try:
                    report = run_round(self.target, self.options, force=force)
                except Exception:  # a bug must not kill the worker: log it and back off
                    log.exception("sync round failed")
                    report = SyncReport(error="internal error", online=None)
                self.last_report = report
            force, run = False, True
            woke = self._wake.wait(self._delay(report))
            self._wake.clear()
            if self._stop.is_set():
                return
            if woke:
                force = True
            elif report.online is False:
                # Offline: only the cheap probe until the server answers, then send at once.
                force = run = probe(self.target, self.options)
                if run:
                    log.info("town server reachable again")

    def _purge(self) -> None:
        settings = self.target.get_settings()
        try:
            purge_acknowledged(
                self.target.store,
                retention_days=settings.retention_days,
                quarantine_retention_days=settings.quarantine_retention_days,
                now=utcnow(),
            )
        except Exception:
            log.exception("retention purge failed")

    def _delay(self, report: SyncReport) -> float:
        if report.online is False or (report.online is None and report.error):
            return self.options.probe_interval_s
        due = seconds_until_due(self.target.store, utcnow())
        interval = self.options.pull_interval_s
        return interval if due is None else max(0.05, min(due, interval))
