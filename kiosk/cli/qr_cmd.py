"""``kiosk qr verify|import``: check a scanned identity code; rebuild a case from data codes."""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.cli.common import CliError, open_context
from kiosk.device_identity import load_public_key_b64
from kiosk.printing.qr_codec import DATA_PREFIX, DataCodeError, decode_data_codes
from kiosk.printing.signing import IDENTITY_PREFIX, verify_identity_payload
from kiosk.services.cases import CaseError


def register(sub: Any) -> None:
    qr = sub.add_parser("qr", help="verify and import the QR codes of printed cases")
    qsub = qr.add_subparsers(dest="qr_command", metavar="ACTION", required=True)

    p = qsub.add_parser("verify", help="check a case's identity code (signature, content)")
    p.add_argument("payload", nargs="?", help="the scanned text (BBI1:...)")
    p.add_argument("--image", type=Path, action="append", default=[], help="a photo or scan")
    p.add_argument("--keys", type=Path, help='JSON {"device id": "public key (base64url)"}')
    p.set_defaults(handler=cmd_verify)

    p = qsub.add_parser("key", help="this kiosk's device id and public key (JSON, for --keys)")
    p.set_defaults(handler=cmd_key)

    p = qsub.add_parser("import", help="rebuild a case from its data codes into this kiosk")
    p.add_argument("payloads", nargs="*", help="scanned texts (BBD1:...), any order")
    p.add_argument("--image", type=Path, action="append", default=[], help="a photo or scan")
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


def _key_lookup(args: argparse.Namespace) -> Any:
    ctx = open_context(args)
    try:
        from kiosk.services.printing import device_public_key

        device_id, raw = device_public_key(ctx)
    finally:
        ctx.close()
    keys: dict[str, Ed25519PublicKey] = {device_id: Ed25519PublicKey.from_public_bytes(raw)}
    if args.keys:
        try:
            listed = json.loads(args.keys.read_text(encoding="utf-8"))
            keys.update({str(d): load_public_key_b64(str(k)) for d, k in listed.items()})
        except (OSError, ValueError, AttributeError) as exc:
            raise CliError(f"{args.keys}: not a JSON object of device keys: {exc}", 2) from exc
    return keys.get


def cmd_key(args: argparse.Namespace) -> int:
    from kiosk.services.printing import device_public_key

    ctx = open_context(args)
    try:
        device_id, raw = device_public_key(ctx)
    finally:
        ctx.close()
    text = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    print(json.dumps({device_id: text}, indent=2))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    texts = ([args.payload] if args.payload else []) + read_image_codes(args.image)
    identities = [t for t in texts if t.strip().startswith(IDENTITY_PREFIX)]
    if not identities:
        raise CliError("no identity code given (text starting with BBI1:)", exit_code=2)
    data = [t for t in texts if t.strip().startswith(DATA_PREFIX)]
    expected = None
    if data:  # a photo of the whole page: the data codes must match the signed hash
        try:
            expected = decode_data_codes(data).content_hash
        except DataCodeError as exc:
            print(f"data codes: {exc}")
    lookup = _key_lookup(args)
    worst = 0
    for payload in identities:
        verdict = verify_identity_payload(payload, lookup, expected_hash=expected)
        ident = verdict.identity
        where = f"case {ident.number} ({ident.form_id} v{ident.form_version}): " if ident else ""
        print(f"{verdict.status.value.upper()}: {where}{verdict.message}")
        worst = max(worst, 0 if verdict.ok else 1)
    return worst


def cmd_import(args: argparse.Namespace) -> int:
    texts = list(args.payloads) + read_image_codes(args.image)
    data = [t for t in texts if t.strip().startswith(DATA_PREFIX)]
    if not data:
        raise CliError("no data codes given (texts starting with BBD1:)", exit_code=2)
    try:
        packet = decode_data_codes(data)
    except DataCodeError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    from kiosk.services.printing import import_case_packet

    ctx = open_context(args)
    try:
        result = import_case_packet(ctx, packet)
    except CaseError as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.close()
    what = "imported" if result.created else "already here (nothing changed)"
    print(f"{what}: case {result.number} {result.case_id}")
    return 0
