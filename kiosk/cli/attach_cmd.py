"""``kiosk attach NUMBER --material ID --file PATH`` and ``kiosk attachments NUMBER``.

A scan or photo added from the command line goes through the same checks as one taken
at the kiosk: an image (JPEG/PNG as is; TIFF, BMP, WebP re-encoded), cropped and
deskewed unless ``--as-is``, refused when blurred unless ``--keep-blurred``; stored
encrypted; on a finalized case a new audited version of the attachments manifest.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli.common import CliError, add_forms_dir, open_context, print_json, print_table
from kiosk.store.repositories import CaseNotFound


def register(sub: Any) -> None:
    p = sub.add_parser(
        "attach",
        help="add a scanned or photographed page of a material to a case",
        description="The page is stored encrypted and counted in the case's attachments "
        "manifest (a new audited version on a finalized case; the answers stay frozen).",
    )
    p.add_argument("number", help="case number or UUID")
    p.add_argument("--material", required=True, help="material id of the case's form")
    p.add_argument("--file", required=True, type=Path, help="image file (JPEG, PNG, TIFF …)")
    p.add_argument(
        "--as-is", action="store_true", help="store the image without crop/deskew/blur check"
    )
    p.add_argument(
        "--keep-blurred", action="store_true", help="store it even when it looks blurred"
    )
    p.add_argument("--actor", default="staff", help="who adds it, for the audit trail")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_attach)

    p = sub.add_parser("attachments", help="the photographed pages of a case")
    p.add_argument("number", help="case number or UUID")
    p.add_argument("--json", action="store_true")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_attachments)


def cmd_attach(args: argparse.Namespace) -> int:
    from kiosk.devices.capture import CaptureError, prepare_page
    from kiosk.services.attachments import AttachmentError, add_attachment

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"{args.file}: cannot read: {exc.strerror}", exit_code=2) from exc
    ctx = open_context(args)
    try:
        score = None
        if not args.as_is:
            try:
                page = prepare_page(data, min_sharpness=ctx.settings.min_sharpness)
            except CaptureError as exc:
                raise CliError(f"{args.file}: {exc}", exit_code=2) from exc
            if not page.sharp and not args.keep_blurred:
                raise CliError(
                    f"{args.file}: looks blurred (sharpness {page.sharpness:.0f}, needs "
                    f"{ctx.settings.min_sharpness:.0f}); scan again or pass --keep-blurred",
                    exit_code=2,
                )
            data, score = page.jpeg, page.sharpness
        view = add_attachment(
            ctx,
            args.number,
            material_id=args.material,
            data=data,
            source="file",
            actor=args.actor,
            blur_score=score,
        )
    except AttachmentError as exc:
        raise CliError(f"{args.file}: {exc}", exit_code=2) from exc
    except CaseNotFound as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.close()
    print(
        f"attached to {view.case_number}: {view.material_id} page {view.page} "
        f"({view.size // 1024} KiB, sha256 {view.sha256[:16]})"
    )
    return 0


def cmd_attachments(args: argparse.Namespace) -> int:
    from kiosk.services.attachments import list_attachments

    ctx = open_context(args)
    try:
        views = list_attachments(ctx, args.number)
    except CaseNotFound as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.close()
    if args.json:
        print_json(views)
        return 0
    if not views:
        print("no attachments")
        return 0
    print_table(
        ["MATERIAL", "PAGE", "KiB", "SHARPNESS", "SOURCE", "ADDED", "SYNC"],
        [
            [
                f"{v.material_id} {v.material_label}",
                v.page,
                v.size // 1024,
                "-" if v.blur_score is None else f"{v.blur_score:.0f}",
                v.source,
                v.added_at.strftime("%Y-%m-%d %H:%M"),
                f"{v.sync_state} {v.sent_bytes * 100 // max(v.size, 1)}%",
            ]
            for v in views
        ],
    )
    return 0
