"""Shared by the benchmarks: a result row (ours beside a baseline from the same run),
timing helpers, the machine description, and the repository on sys.path."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@dataclass(frozen=True)
class Row:
    """One figure: what was measured, ours, the baseline, both in ``unit``."""

    what: str
    ours: float
    baseline: float
    unit: str
    baseline_is: str

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("nan")

    @property
    def ratio_text(self) -> str:
        return f"{self.ratio:.1f}×" if self.ratio >= 1 else f"{self.ratio:.2f}×"


def median_ms(fn: Callable[[], object], *, runs: int, warmup: int = 2) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def print_rows(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"{'what':<46}{'ours':>12}{'baseline':>12}{'ratio':>8}  baseline is")
    for r in rows:
        ours, base = f"{r.ours:.2f} {r.unit}", f"{r.baseline:.2f} {r.unit}"
        print(f"{r.what:<46}{ours:>12}{base:>12}{r.ratio_text:>8}  {r.baseline_is}")


def machine_info() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def rss_mib(pid: int) -> float:
    """Resident memory of a process (Linux /proc); NaN elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
