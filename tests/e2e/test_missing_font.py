"""A kiosk whose assets/ lack a face of the CJK chain (a bundle copied without it)
ends with one line naming the file and exit status 1, never a traceback: the primary
face before the window shows, a fallback face right after home's first paint; and
``kiosk print`` says so and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ui_env

REPO = Path(__file__).resolve().parents[2]

# The real assets/ linked into ``fake`` except the file ``missing``; the kiosk started on it.
START = """
import sys
from pathlib import Path
import kiosk.assets, kiosk.fontchain
missing, fake, root = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
real = kiosk.assets.assets_dir()
cut = missing.startswith("cut:")  # "cut:NAME": NAME is there, its first 1000 bytes only
missing = missing.removeprefix("cut:")
for path in real.rglob("*"):
    if path.is_file():
        link = fake / path.relative_to(real)
        if link.exists() or link.is_symlink():
            continue  # made by an earlier run of this script
        link.parent.mkdir(parents=True, exist_ok=True)
        if path.name != missing:
            link.symlink_to(path)
        elif cut:
            link.write_bytes(path.read_bytes()[:1000])
kiosk.assets.assets_dir = kiosk.fontchain.assets_dir = lambda: fake
from kiosk.ui.app import run_ui
sys.exit(run_ui(data_root=root, quit_after_ms=3000))
"""


@pytest.mark.parametrize("missing", ["wqy-microhei.ttc", "kiosk-ext-ming.ttf"])
def test_a_missing_font_file_is_one_line_and_exit_1(missing: str, tmp_path: Path) -> None:
    env = ui_env()
    done = subprocess.run(
        [sys.executable, "-c", START, missing, str(tmp_path / "assets"), str(tmp_path / "root")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "the kiosk cannot show Chinese text: " in done.stderr
    assert f"fonts/{missing}" in done.stderr


# The same links, then the ``kiosk`` command with the remaining arguments.
CLI = (
    START.split("from kiosk.ui.app")[0].replace(
        "missing, fake, root = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])",
        "missing, fake = sys.argv[1], Path(sys.argv[2])",
    )
    + "from kiosk.cli import main\nsys.exit(main(sys.argv[3:]))\n"
)


def test_printing_without_the_primary_font_is_one_line_and_nothing_written(
    tmp_path: Path,
) -> None:
    root, out = tmp_path / "root", tmp_path / "case.pdf"
    example = REPO / "kiosk/forms/definitions/examples/birth_registration.v1.json"
    env = dict(os.environ)

    def kiosk(missing: str, *args: str) -> subprocess.CompletedProcess[str]:
        fake = tmp_path / f"assets-{missing}"
        command = [sys.executable, "-c", CLI, missing, str(fake), "--data-dir", str(root)]
        return subprocess.run(
            [*command, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
        )

    made = kiosk("none", "--demo", "fill", "--answers", str(example), "birth_registration")
    assert made.returncode == 0, made.stderr[-2000:]
    case_number = made.stdout.split()[1]
    done = kiosk("wqy-microhei.ttc", "print", case_number, "--out", str(out))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and "fonts/wqy-microhei.ttc" in done.stderr
    assert not out.exists()
    # A cut-short face (break19d #2: reportlab's traceback): one line naming it.
    cut = kiosk("cut:wqy-microhei.ttc", "print", case_number, "--out", str(out))
    assert cut.returncode == 1 and "Traceback" not in cut.stderr, cut.stderr[-2000:]
    assert "fonts/wqy-microhei.ttc cannot be read" in cut.stderr and not out.exists()
    # kiosk status says which file is missing (it said nothing of fonts: break19c #3)
    status = kiosk("kiosk-ext-ming.ttf", "status")
    assert status.returncode == 0, status.stderr[-2000:]
    assert "fonts MISSING (the kiosk cannot start or print): missing " in status.stdout
    assert "fonts/kiosk-ext-ming.ttf" in status.stdout
