"""Cold start to the home screen, to a person's first form page, and idle memory:
``kiosk --demo`` beside a bare PySide6 window process started and measured the same way,
in the same run.

    .venv/bin/python bench/startup_bench.py [--runs 3] [--compare REF] [--bundle B]

Time (wall, and the process's CPU time at the same moment, all threads, as the process
prints it — a busy machine disturbs CPU far less than the wall clock), from spawning:

* home: the event-loop turn after the home screen's first paint (KIOSK_STARTUP_MARK;
  the bare window prints the same line after its label's first paint; until issue 19's
  seventh round both marked the first turn after ``show()``, a few ms before the paint);
* home with its lunar date: home's date line painted again once the lunar date
  (lunar_python, ~15 ms) is added after the first paint (KIOSK_HOME_FULL_MARK);
* first form page: what a person does — ``bench/first_form_probe.py`` taps 办事 as soon
  as home is on screen (again while the double-tap guard ignores it), and the mark is
  the moment the identify page, the first page of every form, is painted and has taken
  a typed digit (KIOSK_FORM_MARK), whatever the kiosk does meanwhile;
* store open: the window has the opened store and catalogue (KIOSK_READY_MARK; until
  issue 19's third round this was "until a form can open").

Memory: resident set (VmRSS) IDLE_S after the store is open (the sync worker starts right
after), while idle. The data root is created fresh for the first run (migrations, demo
registry) and reused after, so the medians are starts of an installed kiosk. Every
process is started in turn, round after round, so a busy machine weighs on all alike.
``--compare REF`` also measures the kiosk as it was at git revision REF (its kiosk/ and
assets/ exported with ``git archive``) in the same rounds; this checkout's are copied beside it,
so that both are read from the same file system. ``--bundle`` also times the
PyInstaller build. Runs offscreen unless DISPLAY is set.

The kiosk's modules are compiled to byte code first (``compileall``, as ``pip install``
and the PyInstaller bundle do), so that a checkout run with PYTHONDONTWRITEBYTECODE set
does not compile ~150 modules from source on every start while the bare window's PySide6
comes compiled from site-packages.
"""

from __future__ import annotations

import argparse
import compileall
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import REPO, Row, print_rows, rss_mib

BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
mark = lambda: print(f"KIOSK_STARTUP_MARK {time.time():.6f} {time.process_time():.6f}", flush=True)
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, mark)
        return False
app = QApplication(sys.argv[:1])
w = QMainWindow()
label = QLabel("帮办")
w.setCentralWidget(label)
painted = FirstPaint()
label.installEventFilter(painted)
w.resize(1280, 900)
w.show()
QTimer.singleShot(QUIT_MS, app.quit)
sys.exit(app.exec())
"""

DEFAULT_BUNDLE = REPO / "build" / "dist" / "kiosk" / "kiosk"
PROBE = REPO / "bench" / "first_form_probe.py"
IDLE_S = 2.5  # how long after the store is open the memory is read
QUIT_MS = 5000  # the bare window; the kiosk quits QUIT_MS after its start, or later
KIOSK_QUIT_MS = 120_000  # a bound only: the bench ends the kiosk once it has its figures
HOME, FORM, READY = "KIOSK_STARTUP_MARK", "KIOSK_FORM_MARK", "KIOSK_READY_MARK"
FULL = "KIOSK_HOME_FULL_MARK"  # home's date line painted again with the lunar date

Marks = dict[str, tuple[float, float]]  # mark → (wall ms since spawn, CPU ms)


@dataclass
class Starter:
    """One kind of process: how to start it, the mark that ends its start, whether its
    idle memory is read, and what every start of it measured."""

    command: list[str]
    until: str
    idle_rss: bool = False
    root: Path = REPO  # the kiosk code it runs (PYTHONPATH)
    found: list[tuple[Marks, float]] = field(default_factory=list)

    def start(self) -> None:
        self.found.append(one_start(self.command, self.until, self.idle_rss, self.root))

    def first(self, mark: str) -> float:
        return self.found[0][0][mark][0]

    def median(self, mark: str, cpu: bool = False) -> float:
        """The median over the starts after the first (ms)."""
        return statistics.median(m[mark][1 if cpu else 0] for m, _ in self.found[1:])

    def rss(self) -> float:
        return statistics.median(r for _, r in self.found[1:])


def one_start(command: list[str], until: str, idle_rss: bool, root: Path) -> tuple[Marks, float]:
    """The marks one process printed up to ``until``, and its RSS (MiB) IDLE_S after that
    when ``idle_rss`` (NaN otherwise); the process is ended then."""
    env = dict(os.environ, KIOSK_STARTUP_MARK="1", KIOSK_SPEECH="record", PYTHONPATH=str(root))
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    start = time.time()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=root
    )
    assert proc.stdout is not None
    marks: Marks = {}
    for line in proc.stdout:
        if line.startswith("KIOSK_"):
            name, wall, cpu = line.split()[:3]
            marks[name] = ((float(wall) - start) * 1000, float(cpu) * 1000)
            if name == until:
                break
    if until not in marks:
        proc.wait()
        raise RuntimeError(f"{command[-1]} exited {proc.returncode} before {until}")
    rss = float("nan")
    if idle_rss:
        time.sleep(IDLE_S)
        rss = rss_mib(proc.pid)
    proc.terminate()  # nothing to lose: a demo data root, the store open or opening
    proc.communicate(timeout=120)
    return marks, rss


def export_kiosk(ref: str, into: Path) -> Path:
    """The kiosk/ package and its assets/ as they were at git revision ``ref``, under
    ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", ref, "kiosk", "assets"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def copy_kiosk(repo: Path, into: Path) -> Path:
    """The kiosk/ package and assets/ of the checkout at ``repo``, copied under ``into``."""
    skip = shutil.ignore_patterns("__pycache__")
    for part in ("kiosk", "assets"):
        shutil.copytree(repo / part, into / part, ignore=skip)
    return into


def kiosk_rows(label: str, plain: Starter, probe: Starter, bare: Starter) -> list[Row]:
    """The figures of one kiosk version beside the bare window's home."""
    home, home_cpu = bare.median(HOME), bare.median(HOME, cpu=True)
    return [
        Row(f"{label}start to home screen", plain.median(HOME), home, "ms", "bare window"),
        Row(f"{label}CPU to home screen", plain.median(HOME, True), home_cpu, "ms", "bare, CPU"),
        *(
            [Row(f"{label}home with its lunar date", plain.median(FULL), home, "ms", "bare")]
            if all(FULL in m for m, _ in plain.found[1:])
            else []  # a kiosk from before this mark
        ),
        Row(f"{label}tap 办事 → form page takes input", probe.median(FORM), home, "ms", "bare"),
        Row(
            f"{label}CPU tap 办事 → form page input",
            probe.median(FORM, True),
            home_cpu,
            "ms",
            "bare, CPU",
        ),
        Row(f"{label}start until the store is open", plain.median(READY), home, "ms", "bare"),
        Row(
            f"{label}CPU until the store is open",
            plain.median(READY, True),
            home_cpu,
            "ms",
            "bare, CPU",
        ),
        Row(f"{label}idle RSS, store open", plain.rss(), bare.rss(), "MiB", "bare window"),
    ]


def run(runs: int = 3, bundle: Path | None = None, compare: str | None = None) -> list[Row]:
    bare_command = [sys.executable, "-c", BARE_WINDOW.replace("QUIT_MS", str(QUIT_MS))]
    kiosk = str(Path(sys.executable).parent / "kiosk")
    with tempfile.TemporaryDirectory() as tmp:
        # This checkout's kiosk is copied beside the exported one, so that both are read
        # alike (run from the checkout, this kiosk's home was ~45 ms slower in one run).
        versions = [("", copy_kiosk(REPO, Path(tmp) / "now"))]
        if compare:
            versions.append((f"{compare}: ", export_kiosk(compare, Path(tmp) / "before")))
        bare = Starter(bare_command, HOME, idle_rss=True)
        starters = [bare]
        pairs = []
        for i, (label, root) in enumerate(versions):
            compileall.compile_dir(root / "kiosk", quiet=1)  # as installed (module doc)
            args = ["--data-dir", f"{tmp}/data{i}", "--demo", "--quit-after-ms", str(KIOSK_QUIT_MS)]
            plain = Starter([kiosk, *args], READY, idle_rss=True, root=root)
            probe = Starter([sys.executable, str(PROBE), *args], FORM, root=root)
            starters += [plain, probe]  # plain first: it makes the data root, whole
            pairs.append((label, plain, probe))
        frozen = None
        if bundle is not None and bundle.exists():
            args = ["--data-dir", f"{tmp}/bundle", "--demo", "--quit-after-ms", str(KIOSK_QUIT_MS)]
            frozen = Starter([str(bundle), *args], READY, idle_rss=True)
            starters.append(frozen)
        for _ in range(runs + 1):
            for starter in starters:
                starter.start()
    plain = pairs[0][1]
    rows = [
        Row(
            "start to home, first run (new data root)",
            plain.first(HOME),
            bare.first(HOME),
            "ms",
            "bare window",
        ),
    ]
    for label, plain, probe in pairs:
        rows += kiosk_rows(label, plain, probe, bare)
    if frozen is not None:
        rows += [
            Row(
                "start to home screen (bundle)",
                frozen.median(HOME),
                bare.median(HOME),
                "ms",
                "bare window",
            ),
            Row(
                "start until the store is open (bundle)",
                frozen.median(READY),
                bare.median(HOME),
                "ms",
                "bare window",
            ),
            Row("idle RSS, store open (bundle)", frozen.rss(), bare.rss(), "MiB", "bare window"),
        ]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed starts after the first")
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--compare", default=None, help="also measure this git revision")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    rows = run(args.runs, args.bundle, args.compare)
    print_rows("Cold start and idle memory", rows)
    print(f"load average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
