"""Cold start to the home screen and idle memory: ``kiosk --demo`` beside a bare PySide6
window process started and measured the same way, in the same run.

    .venv/bin/python bench/startup_bench.py [--runs 3] [--bundle build/dist/kiosk/kiosk]

Time: from spawning the process to its first event-loop turn after the main window was
shown (the kiosk prints it when KIOSK_STARTUP_MARK=1; the bare window prints the same
line), and to the moment the first form can open (the store, catalogue, sync worker and
the screens behind home are loaded in the background: KIOSK_READY_MARK; for the bare
window the same first turn). CPU: the process's CPU time at each mark (all threads, as
the process prints it), which a busy machine disturbs far less than the wall clock.
Memory: resident set (VmRSS) about 2.5 s after the kiosk is ready, while idle. The
data root is created fresh for the first run (migrations, demo registry) and reused after, so the
median is a start of an installed kiosk. The bare window and the kiosk are started in
turn, round after round, so a busy machine weighs on both alike. ``--bundle`` also
times the PyInstaller build. Runs offscreen unless DISPLAY is set.

The kiosk's own modules are compiled to byte code first (``compileall``, as ``pip
install`` and the PyInstaller bundle do), so that a checkout run with
PYTHONDONTWRITEBYTECODE set does not compile ~150 modules from source on every start
while the bare window's PySide6 comes compiled from site-packages.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, Row, print_rows, rss_mib

BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.setCentralWidget(QLabel("帮办"))
w.resize(1280, 900)
w.show()
mark = lambda: print(f"KIOSK_STARTUP_MARK {time.time():.6f} {time.process_time():.6f}", flush=True)
QTimer.singleShot(0, mark)
QTimer.singleShot(QUIT_MS, app.quit)
sys.exit(app.exec())
"""

DEFAULT_BUNDLE = REPO / "build" / "dist" / "kiosk" / "kiosk"
IDLE_S = 2.5  # how long after the home screen the memory is read
QUIT_MS = 5000  # the bare window; the kiosk quits QUIT_MS after its start, or later
KIOSK_QUIT_MS = 120_000  # a bound only: the bench ends the kiosk once it has read its RSS


Start = tuple[float, float, float, float, float]


def one_start(command: list[str], *, wait_ready: bool = True) -> Start:
    """(ms to the startup mark, ms to the ready mark, idle RSS MiB, CPU ms of the process
    at the startup mark, CPU ms at the ready mark) of one process."""
    env = dict(os.environ, KIOSK_STARTUP_MARK="1", KIOSK_SPEECH="record")
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    start = time.time()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=REPO
    )
    assert proc.stdout is not None
    shown = ready = None
    for line in proc.stdout:
        if line.startswith("KIOSK_STARTUP_MARK"):
            shown = [float(x) for x in line.split()[1:3]]
            if not wait_ready:
                ready = shown
                break
        elif line.startswith("KIOSK_READY_MARK"):
            ready = [float(x) for x in line.split()[1:3]]
            break
    if shown is None or ready is None:
        proc.wait()
        raise RuntimeError(f"{command[0]} exited {proc.returncode} before the home screen")
    time.sleep(IDLE_S)
    rss = rss_mib(proc.pid)
    proc.terminate()  # idle: nothing to lose (a fresh data root, the demo data loaded)
    proc.communicate(timeout=120)
    return (
        (shown[0] - start) * 1000,
        (ready[0] - start) * 1000,
        rss,
        shown[1] * 1000,
        ready[1] * 1000,
    )


def summary(results: list[Start]) -> tuple[float, ...]:
    """(first start ms, then the medians of the later runs: start ms, ready ms, idle RSS
    MiB, CPU ms at start, CPU ms at ready)."""
    later = results[1:]
    return (results[0][0], *(statistics.median(r[i] for r in later) for i in range(5)))


def interleaved(commands: list[tuple[list[str], bool]], runs: int) -> list[tuple[float, ...]]:
    """``summary`` of each (command, wait_ready), the commands started in turn in every
    round, so that the load of a shared machine falls on ours and the baseline alike."""
    results: list[list[Start]] = [[] for _ in commands]
    for _ in range(runs + 1):
        for found, (command, wait_ready) in zip(results, commands, strict=True):
            found.append(one_start(command, wait_ready=wait_ready))
    return [summary(r) for r in results]


def run(runs: int = 3, bundle: Path | None = None) -> list[Row]:
    bare_command = [sys.executable, "-c", BARE_WINDOW.replace("QUIT_MS", str(QUIT_MS))]
    compileall.compile_dir(REPO / "kiosk", quiet=1)  # as installed (see the module doc)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        args = ["--data-dir", tmp, "--demo", "--quit-after-ms", str(KIOSK_QUIT_MS)]
        commands = [
            (bare_command, False),
            ([str(Path(sys.executable).parent / "kiosk"), *args], True),
        ]
        with_bundle = bundle is not None and bundle.exists()
        if with_bundle:
            commands.append(([str(bundle), *args], True))
        bare, kiosk, *frozen = interleaved(commands, runs)
        rows += [
            Row("start to home, first run (new data root)", kiosk[0], bare[0], "ms", "bare window"),
            Row("start to home screen (venv)", kiosk[1], bare[1], "ms", "bare PySide6 window"),
            Row("start until a form can open (venv)", kiosk[2], bare[1], "ms", "bare window"),
            Row("idle RSS when ready (venv)", kiosk[3], bare[3], "MiB", "bare PySide6 window"),
            Row("CPU to home screen (venv)", kiosk[4], bare[4], "ms", "bare window, CPU"),
            Row("CPU until a form can open (venv)", kiosk[5], bare[4], "ms", "bare window, CPU"),
        ]
        if frozen:
            rows += [
                Row("start to home screen (bundle)", frozen[0][1], bare[1], "ms", "bare window"),
                Row("until a form can open (bundle)", frozen[0][2], bare[1], "ms", "bare window"),
                Row("idle RSS when ready (bundle)", frozen[0][3], bare[3], "MiB", "bare window"),
            ]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed starts after the first")
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    args = parser.parse_args()
    print_rows("Cold start and idle memory", run(args.runs, args.bundle))
    return 0


if __name__ == "__main__":
    sys.exit(main())
