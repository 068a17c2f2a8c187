"""Codes that scan from a phone photo of the page: every shipped example, the 12-heir
stress case and the bundle are printed, the pages are rendered at 150 dpi (a whole A4
page in a phone photo), turned 5°, given perspective, blurred (σ = 1 px) and saved as
JPEG quality 30, and every QR code on them must still decode with zxing-cpp and rebuild
its case. This is what chose the module size (0.6 mm) in kiosk/printing/pdf.py: at
0.4 mm most codes were lost (docs/printing.md)."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import FORM_ID
from PIL import Image, ImageFilter

from kiosk.forms.examples import example_answers
from kiosk.printing.qr_codec import decode_data_codes
from kiosk.services.bundles import fill_bundle
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.services.packets import case_packet
from kiosk.services.printing import case_sheet, render_bundle_pdf, render_case_pdf

zxingcpp = pytest.importorskip("zxingcpp")
pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
STRESS = Path(__file__).resolve().parents[2] / "data" / "stress_12_heirs.json"


def _solve(rows: list[list[float]]) -> list[float]:
    """Gauss-Jordan on an n x (n+1) system (8 unknowns: no numpy for one transform)."""
    n = len(rows)
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(rows[r][i]))
        rows[i], rows[p] = rows[p], rows[i]
        for r in range(n):
            if r != i:
                f = rows[r][i] / rows[i][i]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[i], strict=True)]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def perspective(image: Image.Image, inset: float) -> Image.Image:
    """The camera tilted back: the page's top edge ``inset`` (fraction) narrower."""
    w, h = image.size
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    seen = [(w * inset, 0), (w * (1 - inset), 0), (w, h), (0, h)]
    rows = []
    for (x, y), (u, v) in zip(corners, seen, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    coeffs = _solve([[float(a) for a in r] for r in rows])
    return image.transform(
        (w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=255
    )


def phone_photo(page: Image.Image, tilt: float = 5.0) -> Image.Image:
    image = page.convert("L").rotate(
        tilt, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255
    )
    image = perspective(image, 0.04).filter(ImageFilter.GaussianBlur(1.0))
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=30)
    return Image.open(io.BytesIO(jpeg.getvalue())).convert("L")


def scan(pdf: bytes, tmp: Path, tilt: float = 5.0) -> list[str]:
    """Every QR code read from phone photos of the PDF's pages (150 dpi effective)."""
    for old in tmp.glob("page-*.png"):
        old.unlink()
    src = tmp / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", src, tmp / "page"], check=True)
    found = []
    for path in sorted(tmp.glob("page-*.png")):
        photo = phone_photo(Image.open(path), tilt)
        results = zxingcpp.read_barcodes(photo, formats=zxingcpp.BarcodeFormat.QRCode)
        found += [r.text for r in results]
    return found


def _check(ctx: KioskContext, case_id: str, codes: list[str]) -> None:
    sheet = case_sheet(ctx, case_id)
    assert sheet.identity_payload in codes
    assert set(sheet.data_payloads) <= set(codes)  # every one of its data codes was read
    expected = dataclasses.replace(case_packet(ctx, case_id), identity_code=None)
    assert decode_data_codes(sheet.data_payloads, ctx.catalogue) == expected  # its own QR


def test_every_shipped_example_scans_from_a_phone_photo(ctx: KioskContext, tmp_path: Path) -> None:
    for i, form in enumerate(ctx.catalogue.latest()):
        case = fill_case(ctx, form.id, example_answers(form), volunteer_id="1001")
        tilt = 5.0 if i % 2 else -5.0  # both ways round
        _check(ctx, case.id, scan(render_case_pdf(ctx, case.id), tmp_path, tilt))


def test_the_twelve_heir_stress_case_needs_at_most_three_codes_and_scans(
    ctx: KioskContext, tmp_path: Path
) -> None:
    answers = json.loads(STRESS.read_text(encoding="utf-8"))
    case = fill_case(ctx, FORM_ID, answers, volunteer_id="1001")
    assert len(case_sheet(ctx, case.id).data_payloads) <= 3
    _check(ctx, case.id, scan(render_case_pdf(ctx, case.id), tmp_path))


def test_the_three_heir_example_is_one_data_code(ctx: KioskContext) -> None:
    form = ctx.catalogue.get(FORM_ID)
    case = fill_case(ctx, FORM_ID, example_answers(form), volunteer_id="1001")
    assert len(form.routing) and len(case_sheet(ctx, case.id).data_payloads) == 1


def test_every_code_of_the_bundle_scans(ctx: KioskContext, tmp_path: Path) -> None:
    bundle = ctx.catalogue.bundle("death_in_family")
    answers = example_answers(ctx.catalogue.get(bundle.form_id, bundle.version))
    cases = fill_bundle(ctx, bundle.id, answers, volunteer_id="1001")
    codes = scan(render_bundle_pdf(ctx, cases[0].bundle_id or ""), tmp_path)
    for case in cases:
        _check(ctx, case.id, codes)
