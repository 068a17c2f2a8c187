"""Whole-process time of the ``kiosk`` command beside ``python -c pass`` in the same run.

    .venv/bin/python bench/cli_bench.py [--runs 5] [--compare OTHER_CHECKOUT]

Each command is a fresh process (the venv's ``kiosk`` script, as staff run it, with this
checkout's code first on PYTHONPATH), timed from spawn to exit, wall clock and the
process's own CPU time (user + system); the figure is the median of ``--runs`` after one
warm-up round, the commands and the baseline run in turn in every round. ``--compare``
runs the same commands with another checkout's code (e.g. the main branch) in the same
rounds, so before and after are measured under the same load. The data
root is fresh, with the shipped pension death-benefit example (three heirs) filled in,
so ``kiosk print N --out`` writes a 2-page case. Targets (issue 19): ``--version`` and
``--help`` ≤ 3× ``python -c pass``; ``print N --out`` ≤ 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, Row, print_rows

KIOSK = str(Path(sys.executable).parent / "kiosk")
BASELINE = "python -c pass"


def once_ms(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU time (user + system) of one process, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, cwd=REPO, timeout=300)
    took = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr!r}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return took, cpu


def interleaved_ms(
    commands: list[tuple[list[str], dict[str, str]]], runs: int
) -> list[tuple[float, float]]:
    """Median wall and CPU time of each (command, environment) after one warm-up round;
    the commands run in turn in every round, so the load of a shared machine falls on
    each alike."""
    times: list[list[tuple[float, float]]] = [[] for _ in commands]
    for i in range(runs + 1):
        for found, (command, env) in zip(times, commands, strict=True):
            took = once_ms(command, env)
            if i:
                found.append(took)
    return [(statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for t in times]


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


def _with_code(env: dict[str, str], checkout: Path) -> dict[str, str]:
    return dict(env, PYTHONPATH=str(checkout))


def run(runs: int = 5) -> list[Row]:
    """The wall-clock rows (bench/run_all.py's table)."""
    return run_tables(runs)[0][1]


def run_tables(runs: int = 5, compare: Path | None = None) -> list[tuple[str, list[Row]]]:
    """The tables to print: this checkout beside ``python -c pass`` (wall, then CPU), and
    with ``compare`` this checkout beside that one."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = _with_code(dict(os.environ, KIOSK_HOME=str(tmp / "data")), REPO)
        number = two_page_case(env, tmp)
        pdf = tmp / "case.pdf"

        def cases(number: str) -> tuple[tuple[str, list[str]], ...]:
            return (
                ("kiosk --version", ["--version"]),
                ("kiosk --help", ["--help"]),
                ("kiosk forms list", ["forms", "list"]),
                ("kiosk status", ["status"]),
                ("kiosk print N --out (2-page case)", ["print", number, "--out", str(pdf)]),
            )

        commands = [([sys.executable, "-c", "pass"], env)]
        commands += [([KIOSK, *args], env) for _, args in cases(number)]
        if compare is not None:
            # The other checkout gets its own data root (its schema may be older), filled
            # by its own code.
            theirs_env = _with_code(dict(env, KIOSK_HOME=str(tmp / "data-compare")), compare)
            theirs_number = two_page_case(theirs_env, tmp)
            commands += [([KIOSK, *args], theirs_env) for _, args in cases(theirs_number)]
        (base, base_cpu), *measured = interleaved_ms(commands, runs)
        ours, theirs = measured[: len(cases(number))], measured[len(cases(number)) :]
        labels = [label for label, _ in cases(number)]
        tables = [
            (
                "The kiosk command, whole process (wall clock)",
                [
                    Row(label, wall, base, "ms", BASELINE)
                    for label, (wall, _) in zip(labels, ours, strict=True)
                ],
            ),
            (
                "The kiosk command, whole process (CPU: user + system)",
                [
                    Row(label, cpu, base_cpu, "ms", BASELINE)
                    for label, (_, cpu) in zip(labels, ours, strict=True)
                ],
            ),
        ]
        if compare is not None:
            for i, what in ((0, "wall clock"), (1, "CPU")):
                tables.append(
                    (
                        f"This checkout beside {compare} ({what})",
                        [
                            Row(label, a[i], b[i], "ms", f"{compare.name} checkout")
                            for label, a, b in zip(labels, ours, theirs, strict=True)
                        ],
                    )
                )
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
        print(f"printed case {number}: {pages} pages")
    return tables


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--compare", type=Path, help="another checkout whose code runs the same commands"
    )
    args = parser.parse_args()
    for title, rows in run_tables(args.runs, args.compare):
        print_rows(title, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
