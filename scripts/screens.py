"""Render every kiosk screen to PNG (run under Xvfb, or QT_QPA_PLATFORM=offscreen).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screens.py [OUT] \
        [--scale 1.0] [--size 1280x1024]

    xvfb-run -a -s "-screen 0 1920x1920x24" .venv/bin/python scripts/screens.py --matrix \
        [docs/screens] [--only identify,check]

Uses a throwaway data root with the demo volunteers and registry, a fixed clock (a market
day) and the death-benefit example answers. Writes OUT/<nn>-<screen>.png (default
build/screens/). ``--matrix`` writes the issue 15 screen matrix instead: every screen at
1024×768, 1280×800, 1366×768, 1920×1080 and 1080×1920, at 100 %, 150 % and 200 % text, as
OUT/<screen>-<W>x<H>-<scale>.png (default docs/screens/), quantised to 32 colours, and
removes matrix pictures of screens the tour no longer shows. tests/ui/test_screen_matrix.py
measures the same matrix.
"""

from __future__ import annotations

import argparse
import io
import os
import re
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
from kiosk.ui.qt import QApplication, QBuffer, QImage, QIODevice  # noqa: E402
from kiosk.ui.screen_tour import settle, tour  # noqa: E402

# 2026-11-20 is lunar 十月初二: with market days "2,5,8" the banner shows.
CLOCK = datetime(2026, 11, 20, 10, 30, tzinfo=timezone(timedelta(hours=8)))


SIZES = [(1024, 768), (1280, 800), (1366, 768), (1920, 1080), (1080, 1920)]
SCALES = [1.0, 1.5, 2.0]
MATRIX_NAME = re.compile(r"^(?P<screen>[a-z-]+)-\d+x\d+-\d+\.png$")


def save_small(image: QImage, path: Path) -> None:
    """PNG with a 32-colour palette (Pillow): the whole matrix stays near 20 MB in the repo."""
    from PIL import Image

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # a str: newer PySide6 refuses bytes here
    picture = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    picture.quantize(colors=32, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def rest(window: MainWindow) -> None:
    """The resting screen: speech stopped, so no picture shows 正在朗读 / 停止 (a screen
    reads itself aloud on arrival; tests/ui/test_screen_matrix.py stops it the same way)."""
    window.speaker.stop()
    QApplication.processEvents()


def matrix(out: Path, only: set[str]) -> int:
    app = QApplication(sys.argv[:1])
    written: set[str] = set()
    screens: set[str] = set()
    for scale in SCALES:
        with tempfile.TemporaryDirectory() as root:
            ctx = open_kiosk(
                root, clock=lambda: CLOCK, market_days="2,5,8", font_scale=scale, demo_data=True
            )
            load_demo(ctx)
            apply_look(app, scale)
            window = MainWindow(ctx)
            window.idle.configure(24 * 3600, 60)  # a slow render never meets the idle warning
            window.resize(*SIZES[0])
            window.show()
            settle(window)
            for name in tour(window):
                screens.add(name)
                if only and name not in only:
                    continue
                rest(window)
                for w, h in SIZES:
                    window.resize(w, h)
                    QApplication.processEvents()
                    path = out / f"{name}-{w}x{h}-{round(scale * 100)}.png"
                    save_small(window.grab().toImage(), path)
                    written.add(path.name)
                window.resize(*SIZES[0])
                QApplication.processEvents()
            window.close()
            window.runner.wait()
            ctx.close()
    for old in out.glob("*.png"):  # a screen the tour no longer shows: its pictures go
        m = MATRIX_NAME.match(old.name)
        if m and m["screen"] not in screens:
            old.unlink()
    print(f"{len(written)} pictures in {out}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--size", default="1280x1024")
    parser.add_argument("--matrix", action="store_true", help="every screen, size and scale")
    parser.add_argument("--only", default="", help="with --matrix: these screens (a,b,...)")
    args = parser.parse_args()
    if args.matrix:
        out = args.out or REPO / "docs" / "screens"
        out.mkdir(parents=True, exist_ok=True)
        return matrix(out, {s for s in args.only.split(",") if s})
    args.out = args.out or REPO / "build" / "screens"
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
            rest(window)
            path = args.out / f"{n:02d}-{name}.png"
            window.grab().save(str(path))
            print(path)
        window.close()
        window.runner.wait()
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
