"""Run every benchmark and write the table to docs/performance.md.

    .venv/bin/python bench/run_all.py [--quick] [--out docs/performance.md]

Runs startup_bench, cli_bench, form_bench, service_bench and store_bench in this process, then
print_bench.py and sync_bench.py (when present) as subprocesses, whose figures are read
from their output and whose full output is kept in the page. The reading under the table
is bench/performance_notes.md (update it with the figures). ``--quick`` uses smaller
sizes (a smoke run; do not commit its page). Each figure stands beside a baseline
measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import cli_bench
import form_bench
import service_bench
import startup_bench
import store_bench
from _common import REPO, Row, machine_info, print_rows

BENCH = REPO / "bench"
NUMBER = r"([\d,]+(?:\.\d+)?)"

# The reading of the figures (profiles, what is met and what remains), kept as Markdown
# beside this script and copied into the page under the table.
NOTES_FILE = BENCH / "performance_notes.md"


def run_script(name: str, args: list[str], timeout: int) -> str | None:
    script = BENCH / name
    if not script.exists():
        return None
    print(f"\n== {name} {' '.join(args)}", flush=True)
    try:
        done = subprocess.run(
            [sys.executable, str(script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        return f"(timed out after {timeout} s)"
    out = done.stdout + (
        f"\n(exit {done.returncode})\n{done.stderr[-2000:]}" if done.returncode else ""
    )
    print(out, flush=True)
    return out


def print_rows_from(out: str) -> list[Row]:
    """ms per page of ours and of the WeasyPrint route, from print_bench's table."""
    ours = re.search(r"^kiosk:.*?\s+\d+\s+" + NUMBER, out, re.M)
    weasy = re.search(r"^WeasyPrint: HTML \+ qrcode.*?\s+\d+\s+" + NUMBER, out, re.M)
    if not ours or not weasy:
        return []
    return [
        Row(
            "PDF + QR codes, wall ms per page",
            float(ours[1]),
            float(weasy[1]),
            "ms",
            "WeasyPrint HTML→PDF",
        )
    ]


def sync_rows_from(out: str) -> list[Row]:
    """Cases per second, batched and one per POST, from sync_bench's lines."""

    def rate(label: str) -> float | None:
        m = re.search(re.escape(label) + r".*?=\s*" + NUMBER + r"\s*cases/s", out)
        return float(m[1].replace(",", "")) if m else None

    batched, single, bare = rate("batched,"), rate("kiosk sync, 1 per POST"), rate("bare POST")
    rows = []
    if batched and bare:
        rows.append(
            Row(
                "sync, batched (cases/s, higher is better)",
                batched,
                bare,
                "/s",
                "bare POST per case",
            )
        )
    if single and bare:
        rows.append(
            Row("sync, 1 case per POST (cases/s)", single, bare, "/s", "bare POST per case")
        )
    return rows


def load_text() -> str:
    """The load averages (1, 5, 15 min) now, as ``uptime`` shows them."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def markdown(
    rows: list[Row], raw: dict[str, str], quick: bool, took: float, loads: tuple[str, str]
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = " with **--quick** (smaller sizes)" if quick else ""
    lines = [
        "# Performance",
        "",
        f"Written by `bench/run_all.py`{mode} on {now}, in {took / 60:.1f} min. Every figure",
        "is measured beside its baseline in the same run on the same machine; ratio = ours /",
        "baseline (for cases/s higher is better, for time and memory lower is better).",
        "Re-run with `.venv/bin/python bench/run_all.py` (a few minutes).",
        "",
        f"Machine: {machine_info()}.",
        f"Load average (1, 5, 15 min; 2 cores shared with other work): {loads[0]} at the",
        f"start, {loads[1]} at the end of the run.",
        "",
        "| what | ours | baseline | ratio | baseline is |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.what} | {r.ours:,.2f} {r.unit} | {r.baseline:,.2f} {r.unit} | "
            f"{r.ratio_text} | {r.baseline_is} |"
        )
    lines += ["", NOTES_FILE.read_text(encoding="utf-8")]
    for name, out in raw.items():
        lines += [f"## `bench/{name}` output", "", "```", out.strip(), "```", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a smoke run")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "performance.md")
    args = parser.parse_args()
    started = time.perf_counter()
    load_at_start = load_text()
    q = args.quick
    rows: list[Row] = []
    rows += startup_bench.run(runs=1 if q else 5, bundle=startup_bench.DEFAULT_BUNDLE)
    rows += cli_bench.run(runs=2 if q else 5)
    rows += form_bench.run(runs=1 if q else 3)
    rows += service_bench.run(runs=1 if q else 3)
    rows += store_bench.run(cases=20_000 if q else 100_000, lookups=50 if q else 200)
    raw: dict[str, str] = {}
    out = run_script("print_bench.py", ["--runs", "5" if q else "30"], timeout=900)
    if out is not None:
        raw["print_bench.py"] = out
        rows += print_rows_from(out)
    sync_args = ["--cases", "1000", "--single", "300"] if q else []
    out = run_script("sync_bench.py", sync_args, timeout=1800)
    if out is not None:
        raw["sync_bench.py"] = out
        rows += sync_rows_from(out)
    print_rows("All benchmarks", rows)
    took = time.perf_counter() - started
    page = markdown(rows, raw, q, took, (load_at_start, load_text()))
    args.out.write_text(page, encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
