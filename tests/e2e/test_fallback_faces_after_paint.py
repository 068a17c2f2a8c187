"""The CJK chain's fallback faces (Ext A, Ext B, rare name characters) are registered
after the home screen's first paint (issue 19: ~8 ms the paint does not wait for). A name
shown after that draws exactly as in a process that loaded every face up front, and not
as the primary face alone draws it. Each render runs in a fresh process: Qt's font
database is per process, and the test process's is shared by every UI test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import ui_env

REPO = Path(__file__).resolve().parents[2]
RARE_NAME = "吉𠮷 𬌗 䶮 𪚥 龘"  # Ext B, Ext E, Ext A, Ext B, BMP: each needs a fallback face or not

RENDER = """
import sys
from pathlib import Path
from kiosk.ui.qt import QApplication, QLabel, QTimer
way, out, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]

def draw():
    label = QLabel(name)
    label.resize(700, 90)
    label.show()
    QApplication.processEvents()
    if not label.grab().save(str(out)):
        sys.exit("could not save " + str(out))

app = QApplication([])
if way == "start":  # the kiosk's own start: draw once home is painted and opening
    from kiosk.ui.app import run_ui
    QTimer.singleShot(1500, draw)
    sys.exit(run_ui(data_root=Path(sys.argv[4]), quit_after_ms=2500))
from kiosk.ui.look import apply_look
apply_look(app, 1.0, fallbacks=(way == "all"))
draw()
"""


def _render(way: str, out: Path, root: Path) -> bytes:
    env = ui_env()
    done = subprocess.run(
        [sys.executable, "-c", RENDER, way, str(out), RARE_NAME, str(root)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out.read_bytes()


def test_a_rare_name_after_the_first_paint_draws_as_with_every_face_loaded(
    tmp_path: Path,
) -> None:
    started = _render("start", tmp_path / "start.png", tmp_path / "root")
    every_face = _render("all", tmp_path / "all.png", tmp_path / "root")
    primary_only = _render("primary", tmp_path / "primary.png", tmp_path / "root")
    assert started == every_face
    assert every_face != primary_only  # the fallback faces draw what the primary lacks
