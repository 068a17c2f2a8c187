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
import threading
import time
from pathlib import Path
from typing import Any

from kiosk.ui.first_paint import on_first_paint
from kiosk.ui.look import apply_look
from kiosk.ui.qt import QApplication, QEvent, QLocale, QObject, QTimer, Signal
from kiosk.ui.single_instance import (
    SHOW_MS,
    AlreadyRunning,
    hold_instance_lock,
    say_already_running,
)

log = logging.getLogger(__name__)

PAINT_WAIT_MS = 3000  # the kiosk opens this long after start even if home is never painted
LUNAR_WAIT_MS = 100  # after home's first paint, the store opens by then even if the lunar
# date was not painted (a tap left home first)


def _prepare_environment() -> None:
    # Chinese everywhere Qt picks by locale; the virtual keyboard then opens in pinyin
    # (简体中文) rather than the machine's locale, often English on a kiosk PC.
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if os.environ.get("KIOSK_VIRTUAL_KEYBOARD", "").lower() in ("1", "true", "yes"):
        os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")


class _Opening(QObject):
    """Carries the background thread's result onto the GUI thread (queued signals)."""

    opened = Signal(object)
    failed = Signal(object)
    synced = Signal()  # the sync worker was started (or could not be)


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

    The home screen is painted from the settings alone (a TOML file); the store, the
    form catalogue, the demo data and the sync worker are opened in a background thread
    after the first paint (kiosk.services.startup), and handed to the window when ready.
    ``quit_after_ms`` closes the app after that many milliseconds (end-to-end tests);
    ``screenshot`` saves the window to that PNG just before quitting. With
    ``KIOSK_STARTUP_MARK`` set, prints ``KIOSK_STARTUP_MARK <time> <cpu>`` when the home
    screen is first painted and ``KIOSK_READY_MARK <time> <cpu>`` when
    a form can open (wall clock, and the process's CPU seconds: bench/startup_bench.py).
    The home screen's first paint is what starts the rest: the window's watch on input
    (``MainWindow.watch_input``), home's lunar date, then the opening thread, so that
    none of them slows the paint.
    """
    from kiosk.config import ConfigError, DataRootError, Settings, load_settings, make_private_root
    from kiosk.ui.fonts import FontError, load_fallback_faces
    from kiosk.ui.main_window import FIRST_MODULES, LATER_MODULES, SCREEN_MODULES, MainWindow

    _prepare_environment()
    log.info("starting the kiosk UI, data root %s", data_root)
    try:
        make_private_root(data_root)
    except DataRootError as exc:
        # The window still opens: the store's opening fails the same way in the background
        # and 本机暂时无法办理 tells the people at the screen (an autostarted kiosk that just
        # exits tells nobody). The log says why.
        log.error("%s", exc)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("bangban-kiosk")
    try:
        instance_lock = hold_instance_lock(data_root)  # held until the app quits
    except AlreadyRunning as exc:
        log.error("%s", exc)
        return say_already_running(quit_after_ms or SHOW_MS)
    settings_error: ConfigError | None = None
    try:
        settings = load_settings(data_root, demo_data=True) if demo else load_settings(data_root)
    except ConfigError as exc:
        # The window still opens, with the default look, and says 本机暂时无法办理 (a kiosk
        # that exits leaves a blank screen and a restart loop); nothing is opened with
        # settings that are wrong. The log says which setting and where it came from.
        log.error("%s", exc)
        settings_error, settings = exc, Settings()
    try:
        # The fallback faces (rare name characters) after home's first paint: ~8 ms.
        apply_look(app, settings.font_scale, fallbacks=False)
    except FontError as exc:  # no font, or a platform without fonts (QT_QPA_PLATFORM=minimal)
        log.error("the kiosk cannot show Chinese text: %s", exc)
        if instance_lock is not None:
            instance_lock.unlock()
        return 1
    window = MainWindow(settings=settings, watch_input=False)
    if title:
        window.setWindowTitle(f"帮办 — {title}")
    if fullscreen or settings.kiosk_mode:
        window.set_kiosk_mode(True)
    else:
        window.resize(1280, 900)
        window.show()
    marks = bool(os.environ.get("KIOSK_STARTUP_MARK"))
    opened: list[Any] = []
    opening = _Opening()
    # Set once the window has the opened kiosk (or the app quits): only then does the
    # background thread go on to what no first form needs (issue 19).
    attached = threading.Event()
    stopping = threading.Event()  # the app quits: a wait for a busy store ends
    quitting = [False]

    def ready(result: Any) -> None:
        window.attach(result.ctx)

        def first_turn_ready() -> None:
            if marks:
                _print_mark("KIOSK_READY_MARK")
            attached.set()

        QTimer.singleShot(0, first_turn_ready)

    opening.opened.connect(ready)
    opening.failed.connect(window.open_failed)
    opening.synced.connect(window.sync_started)

    def work() -> None:
        # The identify page first (a few small modules): 办事 opens it while the store,
        # the catalogue and the services behind it are still opening (issue 19).
        warm_modules(FIRST_MODULES)
        first = window.foreground  # the rest pauses while a tap is being answered
        try:
            with first.background():
                from kiosk.services.startup import open_for_ui, open_when_free

                found = open_when_free(  # a busy store is waited for, taps say 请稍候
                    lambda: open_for_ui(
                        data_root,
                        demo=demo or settings.demo_data,
                        warm=SCREEN_MODULES,
                        sync=False,
                        pause=first.checkpoint,
                    ),
                    stop=stopping,
                )
        except Exception as exc:
            opening.failed.emit(exc)
            return
        if found is None:  # the app quit while the store was busy
            return
        result = found
        opened.append(result)  # closed at the end even if the window never got it
        opening.opened.emit(result)
        # The staff screens and the sync worker once the first form can open: no such tap
        # needs them, and their imports (httpx, once enrolled) and the first sync round
        # would otherwise compete with the window taking the kiosk (issue 19).
        attached.wait()
        if quitting[0]:
            return
        warm_modules(LATER_MODULES)
        from kiosk.services.startup import start_sync

        result.sync_worker = start_sync(result.ctx)
        opening.synced.emit()

    thread = threading.Thread(target=work, name="kiosk-open", daemon=True)

    painted: list[bool] = []  # home_painted ran (from the paint or the timer)
    seen: list[bool] = []  # home was really painted
    whole: list[bool] = []

    def home_painted(never_painted: bool = False) -> None:  # home is on screen
        if painted:  # the paint, or the timer for a window never painted: once
            return
        painted.append(True)
        if not never_painted:
            seen.append(True)
            if marks:  # a window never shown has no first paint to mark
                _print_mark("KIOSK_STARTUP_MARK")
        try:
            load_fallback_faces()
        except FontError as exc:  # as for the primary face: the kiosk cannot print names
            log.error("the kiosk cannot show Chinese text: %s", exc)
            app.exit(1)
            return
        window.watch_input()
        page = window.page
        if getattr(page, "lunar_pending", False) and not never_painted:
            # Its lunar date comes next (kiosk/ui/home_page.py): open the rest once that is
            # painted too, so the ~15 ms of it do not share the processor with SQLAlchemy.
            on_first_paint(page.hint, home_whole)
            # A tap that leaves home first (the date line is not painted again): soon anyway.
            QTimer.singleShot(LUNAR_WAIT_MS, home_whole)
        else:
            home_whole()

    def home_whole() -> None:  # home with its lunar date: open the rest behind it
        if whole:
            return
        whole.append(True)
        if marks and seen:  # bench/startup_bench.py's row "home with its lunar date"
            _print_mark("KIOSK_HOME_FULL_MARK")
        if settings_error is None:
            thread.start()

    if settings_error is not None:
        window.open_failed(settings_error)
    on_first_paint(window.page, home_painted)
    # A window that is never painted (minimised at start) still opens the kiosk.
    QTimer.singleShot(PAINT_WAIT_MS, lambda: home_painted(never_painted=True))
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
        # Closing the last window posts a second quit beside ``app.quit()``: left queued,
        # it would end the next event loop of this process at once (a second run_ui).
        QApplication.removePostedEvents(app, QEvent.Type.Quit)
        if instance_lock is not None:
            instance_lock.unlock()
        quitting[0] = True
        stopping.set()
        attached.set()
        window.runner.wait()
        if thread.is_alive():  # quit while opening: let it finish, then close what it opened
            thread.join()
        for result in opened:
            if result.sync_worker is not None:
                result.sync_worker.stop()
            result.ctx.close()


def warm_modules(names: tuple[str, ...]) -> None:
    """Import ``names`` now (background thread), so the tap that needs them does not
    wait; one that fails to import is logged and imported (and reported) on its tap."""
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            log.exception("could not load %s ahead of its screen", name)


def _print_mark(name: str) -> None:
    """A start-up mark for bench/startup_bench.py (wall clock, CPU seconds of the process)."""
    print(f"{name} {time.time():.6f} {time.process_time():.6f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    from kiosk.config import DataRootError, resolve_data_root

    parser = argparse.ArgumentParser(prog="python -m kiosk.ui.app")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--title", default="")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--fullscreen", action="store_true")
    parser.add_argument("--quit-after-ms", type=int, default=None)
    parser.add_argument("--screenshot", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        root = resolve_data_root(args.data_dir)
    except DataRootError as exc:  # an empty --data-dir: one line, as the kiosk command
        print(f"error: {exc}", file=sys.stderr)
        return 1
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
