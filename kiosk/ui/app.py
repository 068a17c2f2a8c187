"""Start the Qt application. For now it shows a placeholder home window; the real pages
come later.

    python -m kiosk.ui.app [--title T] [--fullscreen] [--quit-after-ms N] [--screenshot F]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kiosk.ui.fonts import apply_app_font, cjk_font
from kiosk.ui.qt import (
    QApplication,
    QColor,
    QLabel,
    QMainWindow,
    QPalette,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

HALL_NAME = "石马镇便民服务中心"
TAGLINE = "帮办自助服务机（界面建设中）"
HEADING_PX = 56
TAGLINE_PX = 32
INK = "#111111"  # on white: contrast 18.9:1 (design target >= 7:1)
PAPER = "#FFFFFF"


def build_main_window(title: str) -> QMainWindow:
    """The placeholder home window; the application font must already be set."""
    window = QMainWindow()
    window.setWindowTitle(f"帮办 — {title}")
    home = QWidget()
    home.setObjectName("home")
    palette = home.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(PAPER))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(INK))
    home.setPalette(palette)
    home.setAutoFillBackground(True)

    heading = QLabel(HALL_NAME)
    heading.setObjectName("heading")
    heading.setFont(cjk_font(HEADING_PX, bold=True))
    tagline = QLabel(TAGLINE)
    tagline.setObjectName("tagline")
    tagline.setFont(cjk_font(TAGLINE_PX))

    layout = QVBoxLayout(home)
    layout.setContentsMargins(48, 48, 48, 48)
    layout.setSpacing(32)
    layout.addStretch(1)
    for label in (heading, tagline):
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        layout.addWidget(label)
    layout.addStretch(1)

    window.setCentralWidget(home)
    window.resize(1280, 800)
    return window


def run_ui(
    *,
    data_root: Path,
    title: str,
    fullscreen: bool = False,
    quit_after_ms: int | None = None,
    screenshot: Path | None = None,
) -> int:
    """Create the QApplication, show the home window and run the event loop.

    ``quit_after_ms`` closes the app after that many milliseconds (end-to-end tests);
    ``screenshot`` saves the window to that PNG just before quitting.
    """
    log.info("starting the kiosk UI, data root %s", data_root)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("bangban-kiosk")
    apply_app_font(app)
    window = build_main_window(title)
    if fullscreen:
        window.showFullScreen()
    else:
        window.show()
    if quit_after_ms is not None:

        def finish() -> None:
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                if not window.grab().save(str(screenshot)):
                    log.error("could not save a screenshot to %s", screenshot)
            app.quit()

        QTimer.singleShot(quit_after_ms, finish)
    return app.exec()


def main(argv: list[str] | None = None) -> int:
    from kiosk.config import resolve_data_root

    parser = argparse.ArgumentParser(prog="python -m kiosk.ui.app")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--title", default="石马镇")
    parser.add_argument("--fullscreen", action="store_true")
    parser.add_argument("--quit-after-ms", type=int, default=None)
    parser.add_argument("--screenshot", type=Path, default=None)
    args = parser.parse_args(argv)
    return run_ui(
        data_root=resolve_data_root(args.data_dir),
        title=args.title,
        fullscreen=args.fullscreen,
        quit_after_ms=args.quit_after_ms,
        screenshot=args.screenshot,
    )


if __name__ == "__main__":
    sys.exit(main())
