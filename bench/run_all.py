"""Run every benchmark and write the table to docs/performance.md.

    .venv/bin/python bench/run_all.py [--quick] [--out docs/performance.md]

Runs startup_bench, form_bench and store_bench in this process, then print_bench.py and
sync_bench.py (when present) as subprocesses, whose figures are read from their output
and whose full output is kept in the page. ``--quick`` uses smaller sizes (a smoke run;
do not commit its page). Each figure stands beside a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import form_bench
import startup_bench
import store_bench
from _common import REPO, Row, machine_info, print_rows

BENCH = REPO / "bench"
NUMBER = r"([\d,]+(?:\.\d+)?)"

NOTES = """\
## Reading the figures

- **Start to home screen** is dominated by importing PySide6 and the kiosk, opening the
  store (Alembic checks the schema is at head) and loading the form catalogue (YAML +
  pydantic, expressions compiled). The first run of a new data root also creates the key
  files, migrates and loads the demo registry. The bare window imports only QtWidgets.
  The bundle starts from its unpacked folder; it is no slower than the virtualenv.
- **Idle memory**: the kiosk's extra resident memory over the bare window is the form
  catalogue, SQLAlchemy/Alembic/pydantic, the CJK font (loaded once into Qt's font
  database) and the icon font.
- **Next question, engine**: each step re-evaluates the visibility (`relevant`) of every
  question to find the next page, and `set_answer` keeps a copy of the answers to undo a
  broken constraint, so a step costs O(questions): profiled with cProfile, `pages()` is
  ~75 % of a step, the undo copy ~20 %. Well under a millisecond at 200 questions, so left
  as is (it keeps the engine stateless about visibility). The slowest step is the first
  use of each expression (Lark parse, cached after).
- **Next question, UI**: building a question page builds the frame, the editor for the
  type (the choice page one big button per choice, with Font Awesome icons) and applies
  the style sheet; painting it once with `grab()`. A few tens of ms, below what a person
  notices on a touch screen (~100 ms).
- **Lookups by ID number** do not grow with the number of cases (the blind-index columns
  are indexed; compare a smaller `--cases`). Profiled with cProfile, the difference to
  the bare sqlite3 query is SQLAlchemy's fixed per-call cost (statement build and cache
  key, session begin/rollback, ORM row loading): ~0.4 ms, not worth a second code path.
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
    lines = [
        "# Performance",
        "",
        "Written by `bench/run_all.py`"
        + (" **--quick (smaller sizes)**" if quick else "")
        + f" on {now} in {took / 60:.1f} min. Every figure is measured beside its baseline",
        "in the same run on the same machine; ratio = ours / baseline (for cases/s, higher",
        "is better). Re-run with `.venv/bin/python bench/run_all.py`.",
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
    rows += form_bench.run(runs=1 if q else 3)
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
