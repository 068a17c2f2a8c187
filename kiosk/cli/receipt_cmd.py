"""``kiosk receipt NUMBER --out FILE | --pdf FILE | --printer SETTING``.

``--out`` writes the slip's ESC/POS bytes (send them with ``cat FILE > /dev/usb/lp0``);
``--pdf`` the preview; ``--png`` the image decoded back from the bytes (what the printer
will print). Without any of them the slip goes to ``--printer`` (a receipt_printer
setting such as ``net:192.168.1.50`` or ``cups:receipt``), else the configured printer.
Each run issues a new one-time code for 我的办件 (the previous unused one stops working).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli.common import CliError, add_forms_dir, open_context
from kiosk.services.cases import CaseError
from kiosk.store.repositories import CaseNotFound


def register(sub: Any) -> None:
    p = sub.add_parser(
        "receipt",
        help="the receipt slip (回执) of a case: ESC/POS bytes, PDF preview, or print it",
        description="Writes or prints the thermal receipt of a finalized case.",
    )
    p.add_argument("number", help="case number or UUID")
    p.add_argument("--out", type=Path, help="write the ESC/POS bytes here")
    p.add_argument("--pdf", type=Path, help="write a PDF preview here")
    p.add_argument("--png", type=Path, help="write the image decoded back from the bytes")
    p.add_argument("--printer", help="receipt printer (file:PATH, net:HOST, usb:VID:PID, …)")
    p.add_argument("--width", type=int, choices=[58, 80], help="paper width in mm")
    p.add_argument("--actor", default="staff", help="who prints, for the audit trail")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_receipt)


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CliError(f"{path}: cannot write: {exc.strerror}") from exc
    print(f"wrote {path} ({len(data)} bytes)")


def cmd_receipt(args: argparse.Namespace) -> int:
    from kiosk.printing.receipt import decode_escpos
    from kiosk.services.receipts import make_receipt, print_receipt

    ctx = open_context(args)
    try:
        if args.out or args.pdf or args.png:
            receipt = make_receipt(ctx, args.number, width_mm=args.width)
            data = receipt.escpos()
            if args.out:
                _write(args.out, data)
            if args.pdf:
                _write(args.pdf, receipt.pdf())
            if args.png:
                decode_escpos(data).save(args.png, "PNG")
                print(f"wrote {args.png}")
            return 0
        result = print_receipt(ctx, args.number, printer=args.printer, actor=args.actor)
    except (CaseNotFound, CaseError) as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.close()
    if not result.ok:
        raise CliError(result.message_en)
    print(result.message_en)
    return 0
