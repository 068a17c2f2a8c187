"""``kiosk qr verify|import|key|trust``: check scanned cases under the trust rule
(kiosk.printing.trust), import them, and exchange device keys for offline halls."""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path
from typing import Any

from kiosk.cli.common import CliError, open_context
from kiosk.printing.qr_codec import DATA_PREFIX
from kiosk.printing.signing import is_identity_code
from kiosk.printing.trust import read_scan


def register(sub: Any) -> None:
    qr = sub.add_parser("qr", help="verify and import the QR codes of printed cases")
    qsub = qr.add_subparsers(dest="qr_command", metavar="ACTION", required=True)

    p = qsub.add_parser(
        "verify", help="check scanned cases: identity code signature, data codes against it"
    )
    p.add_argument("payloads", nargs="*", help="scanned texts (BBI2:..., BBD1:...), any order")
    p.add_argument("--image", type=Path, action="append", default=[], help="a photo or scan")
    p.add_argument("--keys", type=Path, help='JSON {"device id": "public key (base64url)"}')
    p.set_defaults(handler=cmd_verify)

    p = qsub.add_parser("key", help="this kiosk's device id and public key (JSON, for --keys)")
    p.set_defaults(handler=cmd_key)

    p = qsub.add_parser(
        "trust", help="add other kiosks' keys (JSON from `kiosk qr key`) for offline halls"
    )
    p.add_argument("file", type=Path)
    p.set_defaults(handler=cmd_trust)

    p = qsub.add_parser(
        "import", help="rebuild cases from their identity and data codes into this kiosk"
    )
    p.add_argument("payloads", nargs="*", help="scanned texts (BBI2:... and BBD1:...), any order")
    p.add_argument("--image", type=Path, action="append", default=[], help="a photo or scan")
    p.add_argument("--keys", type=Path, help='JSON {"device id": "public key (base64url)"}')
    p.add_argument("--actor", default="staff", help="who imports, for the audit trail")
    p.set_defaults(handler=cmd_import)


def read_image_codes(paths: list[Path]) -> list[str]:
    """Every QR code's text in the images (zxing-cpp, an independent decoder)."""
    try:
        import zxingcpp
        from PIL import Image
    except ImportError as exc:
        raise CliError("reading images needs zxing-cpp and Pillow (pip install zxing-cpp)") from exc
    texts: list[str] = []
    for path in paths:
        try:
            with Image.open(path) as image:
                found = zxingcpp.read_barcodes(image.convert("L"))
        except OSError as exc:
            raise CliError(f"{path}: cannot read the image: {exc}", exit_code=2) from exc
        texts.extend(r.text for r in found if r.valid)
        if not found:
            raise CliError(f"{path}: no QR code found in the image", exit_code=2)
    return texts


def _keys(args: argparse.Namespace) -> list[Path]:
    return [args.keys] if getattr(args, "keys", None) else []


def cmd_key(args: argparse.Namespace) -> int:
    from kiosk.domain.case_numbers import DEVICE_NO_KEY
    from kiosk.services.printing import device_public_key

    ctx = open_context(args, create=False)  # the key of a kiosk that exists, not a new one
    try:
        device_id, raw = device_public_key(ctx)
        with ctx.store.unit_of_work(read_only=True) as uow:
            device_no = uow.meta.get(DEVICE_NO_KEY)
    finally:
        ctx.close()
    text = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    # Enrolled: the device number too, so offline kiosks check the number's device part.
    entry: Any = {"public_key": text, "device_no": int(device_no)} if device_no else text
    print(json.dumps({device_id: entry}, indent=2))
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    from kiosk.services.identity import KeyFileError, add_trusted_keys

    ctx = open_context(args)
    try:
        count = add_trusted_keys(ctx.store, ctx.data_root, args.file)
    except KeyFileError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    finally:
        ctx.close()
    print(f"trusted device keys in this kiosk's key file: {count}")
    return 0


def _texts(args: argparse.Namespace, payloads: list[str]) -> list[str]:
    texts = [t for t in payloads if t.strip()] + read_image_codes(args.image)
    if not texts:
        raise CliError("no codes given (texts starting with BBI2: or BBD1:)", exit_code=2)
    return texts


def cmd_verify(args: argparse.Namespace) -> int:
    from kiosk.services.identity import KeyFileError
    from kiosk.services.qr_import import key_lookup, number_lookup

    texts = _texts(args, list(args.payloads))
    if not any(is_identity_code(t) or t.strip().startswith(DATA_PREFIX) for t in texts):
        raise CliError("no codes of a case given (texts starting with BBI2: or BBD1:)", exit_code=2)
    ctx = open_context(args)  # a desk PC that only verifies has no store yet
    try:
        lookup = key_lookup(ctx, _keys(args))
        found = read_scan(texts, lookup, ctx.catalogue, number_lookup(ctx, _keys(args)))
    except KeyFileError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    finally:
        ctx.close()
    worst = 0
    for case in found:
        note = f" ({case.problem})" if case.problem and case.verdict.ok else ""
        print(f"{case.verdict.status.value.upper()}: {case.label}: {case.verdict.message}{note}")
        worst = max(worst, 0 if case.verdict.ok else 1)
    return worst


def cmd_import(args: argparse.Namespace) -> int:
    from kiosk.services.identity import KeyFileError
    from kiosk.services.qr_import import import_scan

    texts = _texts(args, list(args.payloads))
    if not any(t.strip().startswith(DATA_PREFIX) for t in texts):
        raise CliError("no data codes given (texts starting with BBD1:)", exit_code=2)
    ctx = open_context(args)
    try:
        done = import_scan(ctx, texts, actor=args.actor, key_files=_keys(args))
    except KeyFileError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    finally:
        ctx.close()
    failed = 0
    for item in done:
        if item.result is None:
            failed += 1
            print(f"refused: {item.refused}")
            continue
        what = "imported" if item.result.created else "already here (nothing changed)"
        print(f"{what}: case {item.result.number} {item.result.case_id}")
    return 1 if failed else 0
