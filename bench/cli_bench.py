"""Whole-process time of the ``kiosk`` command beside ``python -c pass`` in the same run.

    .venv/bin/python bench/cli_bench.py [--runs 5]

Each command is a fresh process (the venv's ``kiosk`` script, as staff run it), timed
from spawn to exit; the figure is the median of ``--runs`` after one warm-up round, the
commands and the baseline run in turn in every round. The data
root is fresh, with the shipped pension death-benefit example (three heirs) filled in,
so ``kiosk print N --out`` writes a 2-page case. Targets (issue 19): ``--version`` and
``--help`` ≤ 3× ``python -c pass``; ``print N --out`` ≤ 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, Row, print_rows

KIOSK = str(Path(sys.executable).parent / "kiosk")
BASELINE = "python -c pass"


def once_ms(command: list[str], env: dict[str, str]) -> float:
    """Wall time of one process, which must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, cwd=REPO, timeout=300)
    took = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr!r}")
    return took


def interleaved_ms(commands: list[list[str]], env: dict[str, str], runs: int) -> list[float]:
    """Median wall time of each command after one warm-up round; the commands run in
    turn in every round, so the load of a shared machine falls on each alike."""
    times: list[list[float]] = [[] for _ in commands]
    for i in range(runs + 1):
        for found, command in zip(times, commands, strict=True):
            took = once_ms(command, env)
            if i:
                found.append(took)
    return [statistics.median(t) for t in times]


def two_page_case(env: dict[str, str], tmp: Path) -> str:
    """Fill the death-benefit example in the data root; its case number."""
    form = "pension_death_benefit"
    answers = tmp / "answers.json"
    example = subprocess.run(
        [KIOSK, "forms", "example", form], capture_output=True, text=True, env=env, check=True
    )
    answers.write_text(example.stdout, encoding="utf-8")
    filled = subprocess.run(
        [KIOSK, "fill", form, "--answers", str(answers)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return filled.stdout.split()[1]  # "case NUMBER UUID finalized"


def run(runs: int = 5) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = dict(os.environ, KIOSK_HOME=str(tmp / "data"))
        number = two_page_case(env, tmp)
        pdf = tmp / "case.pdf"
        cases = (
            ("kiosk --version", ["--version"]),
            ("kiosk --help", ["--help"]),
            ("kiosk forms list", ["forms", "list"]),
            ("kiosk status", ["status"]),
            ("kiosk print N --out (2-page case)", ["print", number, "--out", str(pdf)]),
        )
        commands = [[sys.executable, "-c", "pass"], *([KIOSK, *args] for _, args in cases)]
        base, *ours = interleaved_ms(commands, env, runs)
        rows = [
            Row(label, took, base, "ms", BASELINE)
            for (label, _), took in zip(cases, ours, strict=True)
        ]
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
        print(f"printed case {number}: {pages} pages")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print_rows("The kiosk command, whole process", run(args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
