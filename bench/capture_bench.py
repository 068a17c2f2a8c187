"""Capture and receipt timings, each beside a baseline from the same run.

    .venv/bin/python bench/capture_bench.py [--runs 10]

- prepare a camera frame (find the page, warp, blur score, JPEG) vs. only encoding the
  raw frame as JPEG (what a capture without crop/deskew would cost);
- store a page encrypted (add_attachment: checks, AES-GCM file, row, signed manifest)
  vs. writing the same bytes to a plain file;
- draw a receipt slip and make its ESC/POS bytes vs. python-escpos printing a
  same-size blank image.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import cv2
from _common import Row, median_ms, print_rows
from PIL import Image

from kiosk.devices.camera import draw_page
from kiosk.devices.capture import prepare_frame
from kiosk.printing.receipt import ReceiptSlip, escpos_bytes, render_receipt


def run(runs: int) -> list[Row]:
    frame = draw_page(width=2592, height=1944)
    prepared = median_ms(lambda: prepare_frame(frame), runs=runs)
    encoded = median_ms(lambda: cv2.imencode(".jpg", frame), runs=runs)
    rows = [Row("prepare a 2592×1944 frame", prepared, encoded, "ms", "JPEG of the raw frame")]

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers import APPLICANT_ID, FORM_ID, catalogue, example, fixed_clock

    from kiosk.services.attachments import add_attachment
    from kiosk.services.cases import fill_case
    from kiosk.services.context import open_kiosk

    page = prepare_frame(frame).jpeg
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_kiosk(Path(tmp) / "k", catalogue=catalogue(), clock=fixed_clock)
        try:
            case = fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
            stored = median_ms(
                lambda: add_attachment(ctx, case.id, material_id="hukou_book", data=page),
                runs=runs,
            )
            plain = Path(tmp) / "plain.jpg"
            written = median_ms(lambda: plain.write_bytes(page), runs=runs)
        finally:
            ctx.close()
    rows.append(
        Row(f"store a {len(page) // 1024} KiB page", stored, written, "ms", "plain file write")
    )

    slip = ReceiptSlip(
        hall="石马镇便民服务中心",
        case_number="261130-01-007",
        service="高龄津贴申请",
        next_desk="综合窗口（受理、核对材料）",
        missing=["户口本", "银行卡或存折"],
        photographed=2,
        when="2026年11月30日 14:05",
        receipt_code="BBR1:7K3M-Q9XA-T2B4",
        identity_code="BBI1:" + "0123456789ABCDEF" * 18,
        phone="023-43712345",
    )
    image = render_receipt(slip)
    receipt = median_ms(lambda: escpos_bytes(render_receipt(slip)), runs=runs)
    blank = Image.new("1", image.size, 1)
    base = median_ms(lambda: escpos_bytes(blank), runs=runs)
    rows.append(Row("draw a 58 mm receipt + ESC/POS", receipt, base, "ms", "ESC/POS of a blank"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print_rows("Capture and receipt", run(args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
