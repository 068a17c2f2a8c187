"""``kiosk attach NUMBER --material ID --file PATH`` and ``kiosk attachments NUMBER``.

A scan or photo added from the command line goes through the same checks as one taken at
the kiosk: a regular file within ``attachment_max_bytes``, decoded only within the pixel
and page limits (kiosk.devices.page_files); every page of a multi-page TIFF or a PDF
becomes a page of the material; cropped and deskewed unless ``--as-is`` (kept whole: a
JPEG or 8-bit PNG byte for byte but without its metadata, EXIF/GPS included
(kiosk.devices.image_metadata), any other file re-encoded; said so when the page's edges
are not found for sure), refused when blurred unless ``--keep-blurred``; stored
encrypted; on a finalized case a new audited version of the attachments manifest. A page
already attached to the case (same SHA-256) is not stored again ("already attached",
exit 0). Who adds it is a staff account: ``--staff ID`` with its PIN (asked, or
``--pin-stdin``), recorded in the audit.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli.accounts_cmd import staff_login
from kiosk.cli.common import (
    CliError,
    add_forms_dir,
    case_key,
    open_context,
    print_json,
    print_table,
)
from kiosk.cli.pin_input import add_pin_option
from kiosk.store.repositories import CaseNotFound


def register(sub: Any) -> None:
    p = sub.add_parser(
        "attach",
        help="add a scanned or photographed page of a material to a case",
        description="The page is stored encrypted and counted in the case's attachments "
        "manifest (a new audited version on a finalized case; the answers stay frozen).",
    )
    p.add_argument("number", type=case_key, help="case number or UUID")
    p.add_argument("--material", required=True, help="material id of the case's form")
    p.add_argument("--file", required=True, type=Path, help="image file (JPEG, PNG, TIFF …)")
    p.add_argument(
        "--as-is", action="store_true", help="store the image without crop/deskew/blur check"
    )
    p.add_argument(
        "--keep-blurred", action="store_true", help="store it even when it looks blurred"
    )
    p.add_argument("--staff", required=True, help="your staff account id (PIN asked; audited)")
    add_pin_option(p)
    add_forms_dir(p)
    p.set_defaults(handler=cmd_attach)

    p = sub.add_parser("attachments", help="the photographed pages of a case")
    p.add_argument("number", type=case_key, help="case number or UUID")
    p.add_argument("--json", action="store_true")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_attachments)


def _readable(name: str, pages: list[Any], least: int) -> None:
    for number, page in enumerate(pages, 1):
        if page.too_small:
            raise CliError(
                f"{name}: page {number} is {page.size_text}, too small to read (its shorter "
                f"side needs at least {least} px; scan at 150 dpi or more); nothing attached",
                exit_code=2,
            )


def _kept_whole(data: bytes) -> bytes | None:
    """A JPEG, or a PNG of 8-bit pixels, without its metadata, its image data byte for
    byte; None for anything else (re-encoded then): a 16-bit or odd-mode picture would
    not show, and a picture turned by its EXIF orientation would lose the turn."""
    import io

    from PIL import Image

    from kiosk.devices.image_metadata import MetadataError, strip_metadata

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG") or image.mode not in _PLAIN_MODES:
                return None
            if image.getexif().get(_ORIENTATION, 1) != 1:
                return None
        return strip_metadata(data)
    except (MetadataError, OSError, ValueError):
        return None


_PLAIN_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "CMYK"}
_ORIENTATION = 0x0112  # EXIF tag


def _pages(args: argparse.Namespace, data: bytes, min_sharpness: float) -> list[Any]:
    """(image bytes, sharpness or None, 未能自动裁边 notice or None) per page of the file."""
    from kiosk.devices.capture import MIN_SHORT_SIDE, CaptureError, prepare_pages

    name = str(args.file)
    try:
        if args.as_is:
            kept = prepare_pages(data, name=name, crop=False)
            _readable(name, kept, MIN_SHORT_SIDE)
            whole = _kept_whole(data) if len(kept) == 1 else None
            if whole is not None:
                return [(whole, None, None)]
            return [(p.jpeg, None, None) for p in kept]
        pages = prepare_pages(data, min_sharpness=min_sharpness, name=name)
        _readable(name, pages, MIN_SHORT_SIDE)
    except CaptureError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    for number, page in enumerate(pages, 1):
        if not page.sharp and not args.keep_blurred:
            raise CliError(
                f"{name}: page {number} looks blurred (sharpness {page.sharpness:.0f}, needs "
                f"{min_sharpness:.0f}); scan again or pass --keep-blurred; nothing attached",
                exit_code=2,
            )
    return [(p.jpeg, p.sharpness, p.notice) for p in pages]


def cmd_attach(args: argparse.Namespace) -> int:
    from kiosk.devices.page_files import PageFileError, read_file
    from kiosk.services.attachments import AttachmentError, NewPage, add_attachments

    ctx = open_context(args, create=False)
    try:
        actor = staff_login(args, ctx).actor
        try:
            data = read_file(args.file, max_bytes=ctx.settings.attachment_max_bytes)
        except PageFileError as exc:
            raise CliError(str(exc), exit_code=2) from exc
        pages = _pages(args, data, ctx.settings.min_sharpness)
        views = add_attachments(
            ctx,
            args.number,
            material_id=args.material,
            pages=[NewPage(image, score) for image, score, _notice in pages],
            source="file",
            actor=actor,
        )  # every page of the file, or none
    except AttachmentError as exc:
        raise CliError(f"{args.file}: {exc}", exit_code=2) from exc
    except CaseNotFound as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.close()
    for view, (_image, _score, notice) in zip(views, pages, strict=True):
        where = f"{view.case_number}: {view.material_id} page {view.page}"
        if view.already:
            print(f"already attached to {where} (sha256 {view.sha256[:16]}); not stored again")
            continue
        note = " (page edges not found: kept uncropped, 未能自动裁边)" if notice else ""
        print(f"attached to {where} ({view.size // 1024} KiB, sha256 {view.sha256[:16]}){note}")
    return 0


def cmd_attachments(args: argparse.Namespace) -> int:
    from kiosk.services.attachments import list_attachments

    ctx = open_context(args, create=False)
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
