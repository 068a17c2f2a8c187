"""``kiosk receipt NUMBER --out FILE | --pdf FILE | --printer SETTING``.

``--out`` writes the slip's ESC/POS bytes (send them with ``cat FILE > /dev/usb/lp0``);
``--pdf`` a PDF and ``--png`` the image decoded back from the bytes (what the printer
will print). Without any of them the slip goes to ``--printer`` (a receipt_printer
setting such as ``net:192.168.1.50`` or ``cups:receipt``), else the configured printer.

The slip's one-time code for 我的办件 becomes valid (and the case's previous unused one
stops working) only when the slip is really out: printed, or ``--out`` written. With
only ``--pdf``/``--png`` the slip is a preview (样张, no code; the resident's slip stays
valid); with ``--out`` they show the same slip as the bytes. A failed print or write
changes nothing. A warning goes to stderr when no hall phone number is set
(``hall_phone``): the slip then shows none.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.common import CliError, add_forms_dir, case_key, open_context
from kiosk.services.case_errors import CaseError
from kiosk.store.repositories import CaseNotFound


def register(sub: Any) -> None:
    p = sub.add_parser(
        "receipt",
        help="the receipt slip (回执) of a case: ESC/POS bytes, PDF preview, or print it",
        description="Writes or prints the thermal receipt of a finalized case.",
    )
    p.add_argument("number", type=case_key, help="case number or UUID")
    p.add_argument("--out", type=Path, help="write the ESC/POS bytes here")
    p.add_argument("--pdf", type=Path, help="write a PDF preview here")
    p.add_argument("--png", type=Path, help="write the image decoded back from the bytes")
    p.add_argument("--printer", help="receipt printer (file:PATH, net:HOST, usb:VID:PID, …)")
    p.add_argument("--width", type=int, choices=[58, 80], help="paper width in mm")
    p.add_argument("--actor", default="staff", help="who prints, for the audit trail")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_receipt)


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a temporary file renamed into place); a device
    or pipe (``/dev/usb/lp0``) is written to directly — renaming onto it would replace
    the device with a file (break19e D4). Raises CliError naming the path."""
    try:
        if path.exists() and not path.is_file() and not path.is_dir():
            with path.open("wb") as device:
                device.write(data)
                device.flush()
        else:
            part = path.with_name(f".{path.name}.part")
            try:
                part.write_bytes(data)
                os.replace(part, path)
            finally:
                part.unlink(missing_ok=True)
    except OSError as exc:
        raise CliError(f"{path}: cannot write: {exc.strerror}") from exc
    print(f"wrote {path} ({len(data)} bytes)")


def _warn_no_phone(ctx: Any) -> None:
    """The slip would silently lack its 咨询电话: say so (kiosk.services.devices_check)."""
    if not ctx.settings.hall_phone.strip():
        print(
            "warning: no hall phone number is set (setting hall_phone): the receipt shows none",
            file=sys.stderr,
        )


def cmd_receipt(args: argparse.Namespace) -> int:
    from kiosk.printing.receipt import decode_escpos
    from kiosk.services.receipts import make_receipt, print_receipt

    ctx = open_context(args, create=False)
    try:
        _warn_no_phone(ctx)
        if args.out or args.pdf or args.png:
            preview = args.out is None
            receipt = make_receipt(ctx, args.number, width_mm=args.width, preview=preview)
            data = receipt.escpos()
            if args.out:
                _write(args.out, data)
            if args.pdf:
                _write(args.pdf, receipt.pdf())
            if args.png:
                image = io.BytesIO()
                decode_escpos(data).save(image, "PNG")
                _write(args.png, image.getvalue())
            receipt.keep_code(ctx)  # every file written: the slip is out
            if preview:
                print(
                    "preview only (样张): no one-time code issued; the resident's slip stays valid"
                )
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
