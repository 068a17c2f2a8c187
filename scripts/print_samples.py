"""Print every shipped form's example, the 家人去世 bundle and the 12-heir stress case to
PDF, and render each page to PNG with pdftoppm, to look at (docs/printing.md).

Usage: .venv/bin/python scripts/print_samples.py [--out build/print] [--dpi 60]
Writes <out>/<name>.pdf and <out>/<name>-<page>.png; prints pages and data codes each.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kiosk.forms.examples import example_answers  # noqa: E402
from kiosk.services.bundles import fill_bundle  # noqa: E402
from kiosk.services.cases import fill_case  # noqa: E402
from kiosk.services.context import open_kiosk  # noqa: E402
from kiosk.services.printing import case_sheet, render_bundle_pdf, render_case_pdf  # noqa: E402
from kiosk.services.registry import load_demo_data  # noqa: E402

STRESS = REPO / "tests" / "data" / "stress_12_heirs.json"
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=timezone(timedelta(hours=8)))


def _pages(pdf: Path, out: Path, dpi: int) -> int:
    for old in out.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / pdf.stem)], check=True)
    return len(list(out.glob(f"{pdf.stem}-*.png")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "print")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        ctx = open_kiosk(Path(home), clock=lambda: NOW)
        load_demo_data(ctx)
        jobs: list[tuple[str, bytes, int]] = []
        for form in ctx.catalogue.latest():
            case = fill_case(ctx, form.id, example_answers(form), volunteer_id="1001")
            codes = len(case_sheet(ctx, case.id).data_payloads)
            jobs.append((form.id, render_case_pdf(ctx, case.id), codes))
        stress = json.loads(STRESS.read_text(encoding="utf-8"))
        case = fill_case(ctx, "pension_death_benefit", stress, volunteer_id="1001")
        codes = len(case_sheet(ctx, case.id).data_payloads)
        jobs.append(("stress_12_heirs", render_case_pdf(ctx, case.id), codes))
        bundle = ctx.catalogue.bundle("death_in_family")
        form = ctx.catalogue.get(bundle.form_id, bundle.version)
        cases = fill_bundle(ctx, bundle.id, example_answers(form), volunteer_id="1001")
        pdf = render_bundle_pdf(ctx, cases[0].bundle_id or "", title=bundle.short_title)
        jobs.append(("bundle_death_in_family", pdf, 0))
        ctx.close()
    for name, pdf, codes in jobs:
        path = args.out / f"{name}.pdf"
        path.write_bytes(pdf)
        pages = _pages(path, args.out, args.dpi)
        print(f"{name:28} {pages} page(s)  {codes} data code(s)  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
