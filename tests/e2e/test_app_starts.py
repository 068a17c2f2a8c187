"""The real app starts as its own process, shows its window and exits cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]


def test_app_starts_and_quits(tmp_path: Path) -> None:
    env = dict(os.environ)
    if env.get("DISPLAY"):
        env.pop("QT_QPA_PLATFORM", None)  # use the X server (Xvfb under scripts/test.sh)
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    shot = tmp_path / "home.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.ui.app",
            "--title",
            "e2e",
            "--quit-after-ms",
            "1500",
            "--screenshot",
            str(shot),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    with Image.open(shot) as image:
        assert image.width >= 640 and image.height >= 400
        colours = image.convert("L").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 2, "the screenshot is blank"
