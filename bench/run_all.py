"""Run every benchmark and write the table to docs/performance.md.

    .venv/bin/python bench/run_all.py [--quick] [--out docs/performance.md]

Runs startup_bench, cli_bench, form_bench, service_bench and store_bench in this process, then
print_bench.py and sync_bench.py (when present) as subprocesses, whose figures are read
from their output and whose full output is kept in the page. ``--quick`` uses smaller
sizes (a smoke run; do not commit its page). Each figure stands beside a baseline
measured in the same run.
"""

from __future__ import annotations

import argparse
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

NOTES = """\
## Reading the figures (profiled with cProfile and `python -X importtime`)

- **Start to home screen** (~1.3 s here, 10× the bare window): about 1.0 s is importing
  what the kiosk is built on — PySide6 through qtawesome/qtpy (~0.37 s, of which ~0.12 s is
  shiboken's signature parser that qtpy wakes up), SQLAlchemy + Alembic (~0.3 s), pydantic
  and pydantic-settings (~0.13 s), Lark; the rest is opening the store (Alembic checks the
  schema is at head), loading the form catalogue and building the main window.
  *Fixed*: the form files were parsed with PyYAML's pure-Python loader, ~0.45 s per
  catalogue load (done twice with `--demo`), half the start-up; `kiosk/forms/loader.py`
  now uses libyaml's `CSafeLoader` (same safe semantics): 0.03 s per load, start-up
  2.2 s → 1.3 s. Left: `--demo` opens the kiosk twice (CLI demo load, then the UI),
  ~0.1 s, demo only. The bundle starts as fast as the virtualenv.
- **Idle memory** (~3× the bare window, ~115 MiB more): the Python libraries above, the
  form catalogue, and the fonts Qt loads (the CJK font and the icon fonts).
- **Next question, engine**: each step re-evaluates the visibility (`relevant`) of every
  question to find the next page (~70 % of a step) and `set_answer` copies the answers to
  undo a broken constraint (~20 %), so a step is O(questions). Half a millisecond at 200
  questions, far below what a person notices, so left as it is (the engine stays stateless
  about visibility). The first walk is slower at first (expressions are parsed with Lark,
  then cached); the slowest step is the median over the walks. The dict is only the floor.
- **Next question, UI**: building a question page (frame, the editor for the type, icons,
  style sheet) and painting it once: a few milliseconds (up to ~20 ms when the machine is
  busy), against a budget of ~100 ms for a touch screen to feel immediate.
- **Lookups by ID number** do not grow with the number of cases (the blind-index columns
  are indexed: the same ~0.4 ms at 20,000 and 100,000 cases). The difference to the bare
  sqlite3 query is SQLAlchemy's fixed per-call cost (statement and cache key, session
  begin/rollback, ORM rows), not the query: not worth a second code path.
- **Print** (`print_bench.py`, the printing issue): ours is the reportlab route; the
  baseline is WeasyPrint on the same content, so a ratio below 1 means faster.
- **Sync** (`sync_bench.py`, the sync issue): batched sync beside one bare POST per case;
  the one-case-per-POST row shows what batching saves (see its own breakdown below).
"""


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


def markdown(rows: list[Row], raw: dict[str, str], quick: bool, took: float) -> str:
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
        "",
        "| what | ours | baseline | ratio | baseline is |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.what} | {r.ours:,.2f} {r.unit} | {r.baseline:,.2f} {r.unit} | "
            f"{r.ratio_text} | {r.baseline_is} |"
        )
    lines += ["", NOTES]
    for name, out in raw.items():
        lines += [f"## `bench/{name}` output", "", "```", out.strip(), "```", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a smoke run")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "performance.md")
    args = parser.parse_args()
    started = time.perf_counter()
    q = args.quick
    rows: list[Row] = []
    rows += startup_bench.run(runs=1 if q else 3, bundle=startup_bench.DEFAULT_BUNDLE)
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
    args.out.write_text(markdown(rows, raw, q, time.perf_counter() - started), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
