"""The real app starts as its own process (``kiosk --demo``), reaches the home screen,
saves a screenshot that is not blank, and exits cleanly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]


def _kiosk_command() -> list[str]:
    script = Path(sys.executable).parent / "kiosk"
    if script.exists():
        return [str(script)]
    found = shutil.which("kiosk")
    return [found] if found else [sys.executable, "-m", "kiosk.cli"]


def test_kiosk_demo_reaches_the_home_screen(tmp_path: Path) -> None:
    env = dict(os.environ)
    if env.get("DISPLAY"):
        env.pop("QT_QPA_PLATFORM", None)  # use the X server (Xvfb)
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["KIOSK_SPEECH"] = "record"
    shot = tmp_path / "home.png"
    result = subprocess.run(
        [
            *_kiosk_command(),
            "--data-dir",
            str(tmp_path / "data"),
            "--demo",
            "--quit-after-ms",
            "2500",
            "--screenshot",
            str(shot),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    with Image.open(shot) as image:
        assert image.width >= 640 and image.height >= 400
        grey = image.convert("L")
        colours = grey.getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 16, "the screenshot is blank"
        # The home tiles are the dark primary colour: a good share of the screen.
        dark = sum(n for n, value in (colours or []) if value < 100)
        assert dark > 0.1 * image.width * image.height
    # The demo volunteers exist for 帮办登录, marked demo (refused without --demo).
    from kiosk.services.context import open_kiosk
    from kiosk.services.volunteers import list_volunteers

    ctx = open_kiosk(tmp_path / "data")
    try:
        assert {(v.id, v.demo) for v in list_volunteers(ctx)} == {("1001", True), ("1002", True)}
    finally:
        ctx.close()
