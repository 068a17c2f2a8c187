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

NOTES = """\
## Reading the figures (profiled with cProfile, `python -X importtime` and tracemalloc)

Issue 19 (start fast) targets, each beside its baseline above: home screen ≤ 2× the bare
window, until a form can open ≤ 4×, idle RSS ≤ 2×; `kiosk --version`/`--help` ≤ 3×
`python -c pass`; `kiosk print N --out` ≤ 0.5 s for a 2-page case. This machine is shared
by several engineers (the load average above, on 2 cores): every time here is several
times its unloaded value. Since issue 19's second round the baseline and ours are started
in turn, round after round (startup_bench, cli_bench), so the load weighs on both; each
figure is the median of 5 runs after a warm-up. The two CPU rows give the process's own
CPU time at the same marks (all threads), which the load disturbs far less than the wall
clock: on an idle machine the wall-clock ratios come near them (the bare window's wall
time also holds ~0.1 s of loading libraries that is not CPU). Profiles below are CPU
milliseconds on this machine during the run (`time.process_time`, medians of 3).

- **Start to home screen** (at the limit on this loaded machine: 1.7× and 2.0× in the
  two runs of the second round, 2.2× wall and 2.1× CPU in the third round's run, with
  no change to the home screen in between): the window is made from
  the settings alone (a TOML file, a plain dataclass) and a small set of imports
  (`kiosk.ui.app`, `main_window`, `home_page`, PySide6, lunar_python;
  tests/integration/test_cli_imports.py holds the list to it, and neither qtawesome
  nor QtPy is in it). Icons are drawn from qtawesome's
  Font Awesome 5 font files by kiosk/ui/icons.py without importing qtawesome (its QtPy
  star imports and its twelve other icon fonts cost ~0.3 s and ~35 MiB), so home has its
  icons from the first paint (~12 ms for the first icon) and is no longer drawn twice.
  The store, the catalogue, the demo data and the screens behind home are opened in a
  background thread after the first paint (kiosk/services/startup.py); a tap before
  then shows 请稍候 and runs when ready. Home: ~205 ms CPU (PySide6 and its enums, the
  style sheet and CJK font of `apply_look`, the lunar date).
- **Until a form can open** (not met; ~1.0 s CPU against the bare window's ~0.13 s:
  1.06 s in the second round's run, 0.98 s in the third's):
  ~830 ms CPU after the first paint. The store
  ~460 (its import ~400, of which SQLAlchemy's engine and ORM ~80 %, the ORM models ~9 %,
  cryptography; opening and the demo data ~90), the form modules ~210 (pydantic, Lark,
  PyYAML, the engine), the screens behind home ~115, the catalogue itself ~7.
  *Fixed in this round*: the checked shipped catalogue is read from a disk cache
  (kiosk/forms/catalogue_cache.py, keyed by the files and versions it was made from;
  ~110 ms of YAML, checks and bundle composing before) and the expression grammar's
  parse tables through Lark's cache; opening the kiosk no longer imports printing and
  the catalogue (the identity-code backfill loads the signer only for a case to sign;
  published definitions are read only when a release folder exists); reading the
  market-day calendar no longer imports httpx; the sync worker starts once a form can
  open (no tap needs it; ~110-160 ms CPU, its httpx import, and its first round).
  *Tried in the third round, not kept*: pydantic's `defer_build` for the definition
  models (the catalogue comes from the cache, so no validator is needed at start): the
  three definition modules import in ~120 ms CPU before and after, within the noise,
  so the schema build is not where pydantic's time goes. Measured in one process
  (CPU): `import kiosk.services.startup` ~360 ms (SQLAlchemy core ~210, ORM ~60, the
  ORM models ~60, the unit of work and repositories ~25), `open_kiosk` ~45, the demo
  data ~20, the catalogue (form modules + unpickling) ~180, the case service ~25.
  *What remains*: SQLAlchemy's import alone is about 1.5× the bare window and the
  4× budget leaves ~0.4 s CPU after home for everything; the target is not met
  without a lighter store layer (or the ORM out of the first-form path), which is
  beyond this issue.
- **Idle memory when ready** (not met, 2.1×): from `/proc/PID/smaps` of the kiosk at
  rest, ~150 MiB: anonymous memory ~75 MiB (the Python heap: SQLAlchemy's ORM ~23 MiB,
  the form catalogue and engine ~9 MiB, pydantic + Lark ~6 MiB, measured by importing
  each in turn), and mapped files: Qt's libraries (as in the bare window),
  cryptography's Rust binding 8.7 MiB, pydantic-core 4.3 MiB, libcrypto 3.5 MiB, the CJK
  font 3.3 MiB. qtawesome (~35 MiB with its fonts) is gone; httpx is ~1.4 MiB;
  `malloc_trim` after the start gives back under 1 MiB. The 2× target is missed by
  about the size of the ORM. *Checked in the third round*: importing SQLAlchemy's
  core and ORM adds ~17.7 MiB of anonymous memory, the same with Qt loaded first
  (PySide6's per-import source scan, which once kept every module's source in
  `linecache`, is answered from the file's bytes by kiosk/ui/qt.py); cryptography
  ~9.8 MiB (its Rust binding, needed by the field cipher); `MALLOC_ARENA_MAX=1`
  changes nothing (146 → 145 MiB in 3 pairs of starts); the idle kiosk has no module
  it does not use (no printing, reportlab, PIL, numpy/OpenCV, form page modules;
  the pinyin keyboard only with `KIOSK_VIRTUAL_KEYBOARD`), and the CJK font file is
  mapped once.
- **The `kiosk` command**: `kiosk/cli/__init__.py` keeps a table of the commands and
  imports a command's module only when it runs, so `--version` and `--help` import
  nothing but the CLI module (met). Since issue 19's point 2 the read-only commands
  take quick paths (docs/architecture.md, "Start-up"), held by
  tests/integration/test_cli_imports.py: `forms list` and the policy lines of `status`
  come from a plain listing of the shipped catalogue (kiosk/cli/forms_listing.py; no
  pydantic, Lark, PyYAML); `status` reads the store with sqlite3
  (kiosk/store/sqlite_reader.py; no SQLAlchemy, Alembic, httpx or services);
  `print N --out` reads the case and audits the export with sqlite3 and prints the same
  bytes as the full path (a test compares them for five cases). `cli_bench.py --compare
  OTHER_CHECKOUT` measured each before (a1d0cf1) and after in the same rounds (load ~8
  on 2 cores, CPU medians of 5): `forms list` ~408 → ~107 ms CPU, `status` ~1,085 →
  ~180, `print N --out` ~1,393 → ~746.
  `print N --out` (not met: 0.5 s): of its CPU now, the form modules that the cached
  definition and the engine need (pydantic ~150 ms, Lark and the engine ~125: the sheet
  evaluates the materials' conditions), parsing the CJK face ~95, reportlab with PIL
  ~90, qrcode ~45, the sheet, QR codes and 2 pages ~100, the interpreter ~45; a plain
  print layout without pydantic and Lark is the form code's change (the form-module
  import weight, worked on beside this).
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
  Since issue 11 the server's per-case form-engine check bounds both (about 3 ms a case
  then; 1.3–1.7 ms with the reworked engine), so the 3,000/s and 6× targets are not met
  on one server process ([sync-protocol.md](sync-protocol.md), "Measured").
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
