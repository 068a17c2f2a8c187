"""Answer → next page through the services, as the kiosk UI does it, on a generated
300-question form; beside the engine alone on the same form, in the same run.

    .venv/bin/python bench/service_bench.py [--runs 3]

Service path per step: ``cases.answer`` (open a unit of work, read and decrypt the draft,
build a FormFill, set the answer, recompute what depends on it, check the page, encrypt
and save, audit, commit with SQLite synchronous=FULL) then ``next_page`` on the result.
Engine alone: ``set_answer`` + ``check_page`` + ``next_page`` on one FormFill in memory.
Issue 10's targets for the service path: median ≤ 16 ms, 99th percentile ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _common import Row, print_rows
from form_bench import answer_for, synthetic_form, walk_engine

from kiosk.forms.catalogue import default_catalogue
from kiosk.forms.schema import FormDefinition
from kiosk.services import cases
from kiosk.services.context import open_kiosk

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def bench_form() -> FormDefinition:
    return FormDefinition.model_validate(synthetic_form(sections=30, per_section=10))


def walk_services(form: FormDefinition, root: Path) -> list[float]:
    """Answer the whole form through the services; the ms of every step."""
    catalogue = default_catalogue()
    catalogue.forms[form.key] = form
    ctx = open_kiosk(root, catalogue=catalogue, clock=lambda: NOW)
    steps: list[float] = []
    try:
        draft = cases.start_case(ctx, form.id)
        case_id, fill = draft.case.id, draft.fill
        page = fill.next_page(None)
        while page is not None:
            start = time.perf_counter()
            if page.question.type == "repeat" and len(fill.items(page.path)) < 3:
                fill = cases.add_item(ctx, case_id, page.path).draft.fill
                page = fill.next_page(page.path)
            elif page.question.type == "repeat":
                page = fill.next_page(page.path)
            else:
                result = cases.answer(ctx, case_id, page.path, answer_for(fill, page.path))
                assert result.ok, result.problems
                fill = result.draft.fill
                page = fill.next_page(page.path)
            steps.append((time.perf_counter() - start) * 1000)
    finally:
        ctx.close()
    return steps


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(runs: int = 3) -> list[Row]:
    form = bench_form()
    lists = default_catalogue().lists
    service: list[float] = []
    for i in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            service += walk_services(form, Path(tmp) / f"run{i}")
    engine: list[float] = []
    for _ in range(runs):
        engine += walk_engine(form, lists)
    n = len(service) // runs
    return [
        Row(
            f"services: answer → next page, median ({n} steps)",
            statistics.median(service),
            statistics.median(engine),
            "ms",
            "engine alone",
        ),
        Row(
            "services: answer → next page, 99th pct",
            percentile(service, 99),
            percentile(engine, 99),
            "ms",
            "engine alone",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print_rows("Service path (300-question form)", run(args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
