"""Milliseconds per printed page: our reportlab PDF (with its QR codes) beside the same
content through a common HTML→PDF route (WeasyPrint), measured in the same run.

    .venv/bin/pip install -e '.[bench]'     # WeasyPrint (needs the pango libraries)
    .venv/bin/python bench/print_bench.py [--runs 30]

The case is the shipped death-benefit example (three heirs). Every run of our route
builds its QR matrices afresh (the cache is cleared), as a first print does. The
WeasyPrint route is given the same sheet as HTML, with its QR codes made the usual
way (qrcode's SVG image: best-fit version and mask search); a second WeasyPrint row
reuses our matrices, to show the layout engines alone.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.assets import CJK_FONT_FAMILY, cjk_font_path
from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_packet import CasePacket
from kiosk.forms.catalogue import default_catalogue
from kiosk.forms.engine import FormFill
from kiosk.forms.examples import example_answers
from kiosk.printing import qr_draw
from kiosk.printing.document import render_case
from kiosk.printing.qr_codec import encode_data_codes
from kiosk.printing.sheet import CaseSheet, Row, build_sheet
from kiosk.printing.signing import identity_of, sign_identity


def example_sheet() -> CaseSheet:
    catalogue = default_catalogue()
    form = catalogue.get("pension_death_benefit")
    fill = FormFill(form, catalogue.lists, today=date(2026, 11, 20))
    fill.apply_answers(example_answers(form))
    answers = fill.final_answers()
    packet = CasePacket(
        case_id=str(uuid.uuid4()),
        number="261120-01-001",
        form_id=form.id,
        form_version=form.version,
        answers=answers,
        content_hash=content_hash(form.id, form.version, answers),
        device_id=str(uuid.uuid4()),
        finalized_at="2026-11-20T02:30:00.123456Z",
        volunteer_id="1001",
    )
    key = Ed25519PrivateKey.generate()
    return build_sheet(
        form,
        catalogue.lists,
        packet,
        hall="石马镇便民服务中心",
        volunteer="1001 王志愿",
        identity_payload=sign_identity(identity_of(packet), key),
        data_payloads=encode_data_codes(packet, form),
    )


def qr_svg_usual(text: str) -> str:
    """The QR as most HTML templates make it: qrcode's own best fit and mask search."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(
        text,
        image_factory=SvgPathImage,
        box_size=10,
        border=4,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    return re.sub(r"<\?xml[^>]*>", "", svg).replace("<svg ", '<svg class="qr" ', 1)


def qr_svg_ours(text: str) -> str:
    matrix = qr_draw.qr_matrix(text)
    n = len(matrix) + 2 * qr_draw.QUIET_ZONE
    q = qr_draw.QUIET_ZONE
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append(f"M{start + q} {r + q}h{c - start}v1h-{c - start}z")
            else:
                c += 1
    return (
        f'<svg class="qr" viewBox="0 0 {n} {n}" xmlns="http://www.w3.org/2000/svg">'
        f'<path d="{"".join(runs)}"/></svg>'
    )


CSS = """
@font-face { font-family: "%(family)s"; src: url("%(url)s"); }
@page { size: A4; margin: 15mm 15mm 27mm 15mm;
        @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";
                         font-family: "%(family)s"; font-size: 9.5pt; } }
body { font-family: "%(family)s"; font-size: 10.5pt; }
/* one face only, as in our PDF: every extra face is another font subset to build */
* { font-weight: normal !important; font-style: normal !important; }
h1 { font-size: 17pt; margin: 4pt 0; } .hall { color: #595959; font-size: 9.5pt; }
.number { font-size: 20pt; font-weight: bold; } .qr { width: 26mm; height: 26mm; }
.head { display: flex; justify-content: space-between; border-bottom: 1.4pt solid #000; }
h2 { font-size: 11pt; background: #e6e6e6; border: 0.6pt solid #000; margin: 8pt 0 0;
     padding: 2pt 4pt; }
table { width: 100%%; border-collapse: collapse; } td, th { border: 0.4pt solid #8c8c8c;
     padding: 3.5pt; text-align: left; vertical-align: top; } td.label { width: 150pt;
     color: #595959; }
.tick { display: inline-block; width: 10pt; height: 10pt; border: 0.8pt solid #000;
        margin-right: 6pt; vertical-align: middle; }
.desks { display: flex; gap: 4pt; } .desk { flex: 1; border: 0.8pt solid #000; height: 80pt;
         padding: 3pt; font-size: 8.5pt; } .desk b { font-size: 11pt; display: block; }
.sign { display: flex; gap: 6pt; } .sign div { border: 0.8pt solid #000; height: 46pt;
        flex: 3; font-size: 8.5pt; } .sign div.date { flex: 2; }
"""


def sheet_html(sheet: CaseSheet, qr_svg: Callable[[str], str]) -> str:
    e = html.escape
    out = [
        f'<div class="head"><div><div class="hall">{e(sheet.hall)}</div>'
        f"<h1>{e(sheet.title)}</h1><div>承办部门：{e(sheet.department)}</div>"
        f'<div>办件编号 <span class="number">{e(sheet.number)}</span></div></div>'
        f"<div>{qr_svg(sheet.identity_payload)}<div>验真码</div></div></div>"
    ]
    for section in sheet.sections:
        out.append(f"<h2>{e(section.title)}</h2><table>")
        for block in section.blocks:
            if isinstance(block, Row):
                out.append(
                    f'<tr><td class="label">{e(block.label)}</td><td>{e(block.value)}</td></tr>'
                )
            else:
                out.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in block.headers) + "</tr>")
                out += [
                    "<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>"
                    for row in block.rows
                ]
        out.append("</table>")
    out.append("<h2>需带材料（工作人员收到后打勾）</h2>")
    out += [
        f'<div><span class="tick"></span>{e(m.label)} <i>{e(m.copies)}</i></div>'
        for m in sheet.materials
    ]
    out.append('<h2>办理流程</h2><div class="desks">')
    out += [
        f'<div class="desk"><b>{i}. {e(d.desk)}</b>{e(d.does)}<br>签章：<br>日期：</div>'
        for i, d in enumerate(sheet.routing, 1)
    ]
    out.append(
        f"</div><h2>申请人声明</h2><p>{e(sheet.declaration)}</p>"
        '<div class="sign"><div>申请人签名（或按手印）</div><div class="date">日期</div>'
        f"</div><p>帮办人：{e(sheet.volunteer)}　受理人：________</p><h2>数据码</h2>"
    )
    out += [qr_svg(p) for p in sheet.data_payloads]
    css = CSS % {"family": CJK_FONT_FAMILY, "url": cjk_font_path().as_uri()}
    return f"<html><head><style>{css}</style></head><body>{''.join(out)}</body></html>"


def page_count(pdf: bytes) -> int:
    """Pages of a PDF (pdfinfo reads compressed object streams too)."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1)) if m else 0


def timed(make: Callable[[], bytes], runs: int) -> tuple[float, float, int]:
    """(median wall ms, median CPU ms, pages). CPU time is what the work costs; wall time
    also counts whatever else the machine is doing."""
    pdf = make()  # warm-up: fonts loaded and parsed once per process
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        make()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return statistics.median(wall), statistics.median(cpu), page_count(pdf)


_CHILD = """
import sys, time
sys.path[:0] = [{bench!r}, {root!r}]
if {eager}:  # round 1: all four faces registered and the coverage parsed from the fonts
    from kiosk.fontchain import FONT_CHAIN, _parse_coverage
    from kiosk.printing.pdf_fonts import _registered
    for i, face in enumerate(FONT_CHAIN):
        _parse_coverage(face)
        _registered(i)
from print_bench import example_sheet
from kiosk.printing.document import render_case
render_case(example_sheet())
"""


def fresh_process_ms(eager: bool, cache: Path, runs: int) -> float:
    """Median CPU ms of one child process that renders the example once, as one
    ``kiosk print`` does (imports, fonts, layout, QR, PDF)."""
    import os
    import resource
    import subprocess

    here = Path(__file__).resolve().parent
    code = _CHILD.format(bench=str(here), root=str(here.parent), eager=eager)
    env = {**os.environ, "KIOSK_FONT_CACHE": str(cache)}
    cpu = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        cpu.append(used * 1000)
    return statistics.median(cpu)


def font_loading_rows(runs: int) -> None:
    """One print in a fresh process: round 1's eager fonts (every face parsed twice, the
    coverage table rebuilt) beside lazy fonts with the coverage cached on disk."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        baseline = fresh_process_ms(True, cache / "cold", runs)  # never reads a cache
        fresh_process_ms(False, cache / "warm", 1)  # writes the cache once
        lazy = fresh_process_ms(False, cache / "warm", runs)
    print(f"{'one print in a fresh process (median CPU ms)':<44}{'':>6}{'':>14}{'CPU ms':>13}")
    print(f"{'  baseline: every face parsed, coverage rebuilt':<44}{'':>34}{baseline:>.0f}")
    print(f"{'  now: primary face only, coverage cached':<44}{'':>34}{lazy:>.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs of our route")
    parser.add_argument("--weasy-runs", type=int, default=5, help="timed WeasyPrint runs")
    parser.add_argument("--out", type=Path, help="also write both PDFs into this folder")
    parser.add_argument(
        "--process-runs", type=int, default=3, help="fresh processes per font-loading row"
    )
    args = parser.parse_args()
    sheet = example_sheet()

    def ours() -> bytes:
        qr_draw.qr_matrix.cache_clear()  # a first print builds its QR codes
        return render_case(sheet)

    def qr_only() -> bytes:
        qr_draw.qr_matrix.cache_clear()
        for payload in [sheet.identity_payload, *sheet.data_payloads]:
            qr_draw.qr_matrix(payload)
        return b"/Type /Page "

    rows = [("kiosk: reportlab canvas + vector QR", *timed(ours, args.runs))]
    _, qr_ms, _ = timed(qr_only, args.runs)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        print(f"WeasyPrint is not available ({exc}); pip install -e '.[bench]'")
        HTML = None
    if HTML is not None:

        def weasy(qr: Callable[[str], str]) -> Callable[[], bytes]:
            def make() -> bytes:
                qr_draw.qr_matrix.cache_clear()
                return bytes(HTML(string=sheet_html(sheet, qr)).write_pdf())

            return make

        rows.append(
            (
                "WeasyPrint: HTML + qrcode SVG (best fit)",
                *timed(weasy(qr_svg_usual), args.weasy_runs),
            )
        )
        rows.append(
            ("WeasyPrint: HTML + our QR matrices", *timed(weasy(qr_svg_ours), args.weasy_runs))
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "kiosk.pdf").write_bytes(ours())
            (args.out / "weasyprint.pdf").write_bytes(weasy(qr_svg_usual)())

    print(
        f"death-benefit case, 3 heirs; {len(sheet.data_payloads)} data code(s); "
        f"Python {sys.version.split()[0]}"
    )
    print(f"{'route (median of runs)':<44}{'pages':>6}{'wall ms/page':>14}{'CPU ms/page':>13}")
    for name, wall, cpu, pages in rows:
        n = max(pages, 1)
        print(f"{name:<44}{pages:>6}{wall / n:>14.1f}{cpu / n:>13.1f}")
    ours_wall, ours_cpu = (v / max(rows[0][3], 1) for v in rows[0][1:3])
    print(f"of which building the QR matrices (ours): {qr_ms:.1f} ms CPU per document")
    for name, wall, cpu, pages in rows[1:]:
        n = max(pages, 1)
        print(
            f"speed-up per page vs {name}: {wall / n / ours_wall:.1f}x wall, "
            f"{cpu / n / ours_cpu:.1f}x CPU"
        )
    font_loading_rows(args.process_runs)
    verdict = "met" if ours_wall <= 20 else "NOT met (compare CPU time: is the machine busy?)"
    print(f"target <= 20 ms/page wall: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
