"""Render every kiosk screen to PNG (run under Xvfb, or QT_QPA_PLATFORM=offscreen).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screens.py [OUT] \
        [--scale 1.0] [--size 1280x1024]

Uses a throwaway data root with the demo volunteers and registry, a fixed clock (a market
day) and the death-benefit example answers. Writes OUT/<nn>-<screen>.png (default
build/screens/).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("KIOSK_SPEECH", "record")  # no sound while rendering

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kiosk.services.context import open_kiosk  # noqa: E402
from kiosk.services.startup import load_demo  # noqa: E402
from kiosk.ui.look import apply_look  # noqa: E402
from kiosk.ui.main_window import MainWindow  # noqa: E402
from kiosk.ui.qt import QApplication  # noqa: E402
from kiosk.ui.screen_tour import settle, tour  # noqa: E402

# 2026-11-20 is lunar 十月初二: with market days "2,5,8" the banner shows.
CLOCK = datetime(2026, 11, 20, 10, 30, tzinfo=timezone(timedelta(hours=8)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", type=Path, default=REPO / "build" / "screens")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--size", default="1280x1024")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as root:
        ctx = open_kiosk(
            root, clock=lambda: CLOCK, market_days="2,5,8", font_scale=args.scale, demo_data=True
        )
        load_demo(ctx)
        apply_look(app, ctx.settings.font_scale)
        window = MainWindow(ctx)
        window.resize(width, height)
        window.show()
        settle(window)
        for n, name in enumerate(tour(window), start=1):
            QApplication.processEvents()
            path = args.out / f"{n:02d}-{name}.png"
            window.grab().save(str(path))
            print(path)
        window.close()
        window.runner.wait()
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
