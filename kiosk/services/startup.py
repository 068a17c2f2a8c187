"""Open the kiosk for the touch screen, off the GUI thread (issue 19: home screen first).

kiosk/ui/app.py paints the home screen from the settings alone, then runs
``open_for_ui`` in a background thread: the store (migrated only when its stamp is not
the head), the demo data with ``--demo``, the form catalogue, the sync worker, and the
modules the screens behind the home screen need, so that the first tap does not wait.
No Qt here.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import StoreBusy
from kiosk.services.context import KioskContext, open_kiosk

log = logging.getLogger(__name__)


@dataclass
class Opened:
    """The opened kiosk and its sync worker (None when it did not start)."""

    ctx: KioskContext
    sync_worker: Any


def open_for_ui(
    data_root: Path,
    *,
    demo: bool = False,
    warm: Iterable[str] = (),
    sync: bool = True,
    pause: Callable[[], None] = lambda: None,
) -> Opened:
    """Open the kiosk under ``data_root`` ready for the first tap.

    ``demo``: the demo flag on for this process's settings (``KIOSK_DEMO_DATA=1``, so a
    settings reload keeps it), the demo volunteers and the synthetic registry loaded
    (both idempotent). ``warm``: module names imported now rather than on the first tap.
    ``sync=False``: no sync worker yet (the UI starts it with ``start_sync`` once a form
    can open: no tap waits on it, issue 19). ``pause()`` is called between the steps (the
    UI's opening thread pauses there while a tap is being answered, kiosk/ui/foreground.py).
    Raises what ``open_kiosk`` raises
    (ConfigError, CryptoError); a sync worker that does not start is logged, and the
    cases stay queued.
    """
    if demo:
        os.environ["KIOSK_DEMO_DATA"] = "1"
    ctx = open_kiosk(data_root, demo_data=True) if demo else open_kiosk(data_root)
    try:
        pause()
        if ctx.settings.demo_data:
            load_demo(ctx)
            pause()
        ctx.catalogue  # noqa: B018 — the form definitions, loaded now and not on a tap
        for name in warm:
            pause()
            importlib.import_module(name)
        worker = start_sync(ctx) if sync else None
    except BaseException:
        ctx.close()
        raise
    return Opened(ctx, worker)


BUSY_RETRY_S = 2.0  # a busy store is tried again this often (each try waits its busy timeout)


def open_when_free(
    open_once: Callable[[], Opened], *, stop: threading.Event, retry_s: float = BUSY_RETRY_S
) -> Opened | None:
    """``open_once()``, tried again every ``retry_s`` seconds while the store is busy
    (another program — a backup, a ``kiosk`` command — holds its lock past the busy
    timeout): a lock passes, so the kiosk waits for it instead of telling the resident it
    cannot work until restarted. Returns None when ``stop`` is set first (the app quits);
    raises what ``open_once`` raises for anything else (damage, a key that does not fit)."""
    while True:
        try:
            return open_once()
        except Exception as exc:
            if not store_is_busy(exc):
                raise
            log.warning("the store is busy (%s); trying again in %.0f s", exc, retry_s)
        if stop.wait(retry_s):
            return None


def store_is_busy(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says another program holds the store's lock:
    StoreBusy from opening, or SQLite's "database is locked" from a later step."""
    from kiosk.store.schema_stamp import is_lock_error

    seen: BaseException | None = exc
    for _ in range(10):  # a chain of causes, never a loop
        if seen is None:
            return False
        if isinstance(seen, StoreBusy) or is_lock_error(seen):
            return True
        orig = getattr(seen, "orig", None)  # SQLAlchemy's DBAPIError wraps sqlite3's
        if isinstance(orig, BaseException) and is_lock_error(orig):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def load_demo(ctx: KioskContext) -> None:
    """Demo volunteers and the synthetic registry (``kiosk --demo``), idempotent."""
    from kiosk.services.registry import load_demo_data
    from kiosk.services.volunteers import ensure_demo_volunteers

    ensure_demo_volunteers(ctx)
    load_demo_data(ctx)


def start_sync(ctx: KioskContext) -> Any:
    """The background sync worker (a daemon thread), or None when it cannot start."""
    from kiosk.services.sync import start_sync_worker

    try:
        return start_sync_worker(ctx)
    except Exception:
        log.exception("the sync worker did not start; cases stay queued")
        return None
