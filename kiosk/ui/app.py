"""Start the Qt application: open the kiosk, apply the look, show the main window.

    python -m kiosk.ui.app [--data-dir D] [--demo] [--fullscreen] [--quit-after-ms N]
                           [--screenshot F]

Kiosk mode (``--fullscreen`` or the kiosk_mode setting): fullscreen and frameless; the
only way out is staff mode. ``KIOSK_VIRTUAL_KEYBOARD=1`` turns on the Qt virtual keyboard
(pinyin) for touch-only kiosks (QT_IM_MODULE=qtvirtualkeyboard, needs libpulse0).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.ui.look import apply_look
from kiosk.ui.qt import QApplication, QLocale, QTimer

if TYPE_CHECKING:
    from kiosk.services.context import KioskContext

log = logging.getLogger(__name__)


def _prepare_environment() -> None:
    # Chinese everywhere Qt picks by locale; the virtual keyboard then opens in pinyin
    # (简体中文) rather than the machine's locale, often English on a kiosk PC.
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if os.environ.get("KIOSK_VIRTUAL_KEYBOARD", "").lower() in ("1", "true", "yes"):
        os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")


def run_ui(
    *,
    data_root: Path,
    title: str = "",
    fullscreen: bool = False,
    quit_after_ms: int | None = None,
    screenshot: Path | None = None,
    demo: bool = False,
) -> int:
    """Create the QApplication, show the home screen and run the event loop.

    ``quit_after_ms`` closes the app after that many milliseconds (end-to-end tests);
    ``screenshot`` saves the window to that PNG just before quitting.
    """
    from kiosk.services.context import open_kiosk
    from kiosk.ui.main_window import MainWindow

    _prepare_environment()
    log.info("starting the kiosk UI, data root %s", data_root)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("bangban-kiosk")
    ctx = open_kiosk(data_root, demo_data=True) if demo else open_kiosk(data_root)
    if ctx.settings.demo_data:
        _load_demo(ctx)
    worker = _start_sync(ctx)
    apply_look(app, ctx.settings.font_scale)
    window = MainWindow(ctx)
    if title:
        window.setWindowTitle(f"帮办 — {title}")
    if fullscreen or ctx.settings.kiosk_mode:
        window.set_kiosk_mode(True)
    else:
        window.resize(1280, 900)
        window.show()
    if os.environ.get("KIOSK_STARTUP_MARK"):  # bench/startup_bench.py: home screen shown
        QTimer.singleShot(0, _print_startup_mark)
    if quit_after_ms is not None:

        def finish() -> None:
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                if not window.grab().save(str(screenshot)):
                    log.error("could not save a screenshot to %s", screenshot)
            window.close()
            app.quit()

        QTimer.singleShot(quit_after_ms, finish)
    try:
        return app.exec()
    finally:
        window.runner.wait()
        if worker is not None:
            worker.stop()
        ctx.close()


def _print_startup_mark() -> None:
    """The first turn of the event loop after the home window was shown (wall clock)."""
    print(f"KIOSK_STARTUP_MARK {time.time():.6f}", flush=True)


def _load_demo(ctx: KioskContext) -> None:
    """Demo volunteers and the synthetic registry (``kiosk --demo``)."""
    from kiosk.services.volunteers import ensure_demo_volunteers
    from kiosk.ui.backend import optional

    ensure_demo_volunteers(ctx)
    registry = optional("kiosk.services.registry")
    if registry is not None and hasattr(registry, "load_demo_data"):
        registry.load_demo_data(ctx)


def _start_sync(ctx: KioskContext) -> Any:
    """The background sync worker (a daemon thread), when the sync service exists."""
    from kiosk.ui.backend import optional

    sync = optional("kiosk.services.sync")
    start = getattr(sync, "start_sync_worker", None)
    if start is None:
        return None
    try:
        return start(ctx)
    except Exception:
        log.exception("the sync worker did not start; cases stay queued")
        return None


def main(argv: list[str] | None = None) -> int:
    from kiosk.config import resolve_data_root

    parser = argparse.ArgumentParser(prog="python -m kiosk.ui.app")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--title", default="")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--fullscreen", action="store_true")
    parser.add_argument("--quit-after-ms", type=int, default=None)
    parser.add_argument("--screenshot", type=Path, default=None)
    args = parser.parse_args(argv)
    root = resolve_data_root(args.data_dir)
    root.mkdir(parents=True, exist_ok=True)
    return run_ui(
        data_root=root,
        title=args.title,
        fullscreen=args.fullscreen,
        quit_after_ms=args.quit_after_ms,
        screenshot=args.screenshot,
        demo=args.demo,
    )


if __name__ == "__main__":
    sys.exit(main())
