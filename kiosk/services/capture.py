"""Capture a material: from a camera frame or from the scanner's watched folder.

``capture_frame(ctx, case_id, material_id, source)`` takes one frame from a
FrameSource (kiosk.devices.camera), crops, deskews and judges it
(kiosk.devices.capture) and stores it when sharp enough; a blurred or missing frame
saves nothing and says why (``CaptureResult.message``, Chinese, for the screen:
请重拍). ``import_scans(ctx, folder, case_id, material_id)`` does the same for every
complete file in a ScanFolder (kiosk.devices.scan_folder), every page of a multi-page
TIFF or PDF, within the byte, pixel and page limits (kiosk.devices.page_files): a stored
file's clear copy is wiped from the folder, a refused one is moved to 未导入/ for staff.
A page found already attached (same SHA-256) is not stored again and the message says
so; a page kept uncropped (its edges not found for sure) says 未能自动裁边.
The UI runs these off the GUI thread; tests and the CLI call them directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.devices.camera import FrameSource
from kiosk.devices.capture import CaptureError, PreparedPage, prepare_frame, prepare_pages
from kiosk.devices.page_files import PageFileError, read_file
from kiosk.devices.scan_folder import ScanFolder
from kiosk.services.attachments import (
    AttachmentError,
    AttachmentView,
    NewPage,
    add_attachment,
    add_attachments,
)
from kiosk.services.context import KioskContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaptureResult:
    ok: bool
    message: str  # Chinese, for the screen
    page: PreparedPage | None = None
    attachment: AttachmentView | None = None
    file: Path | None = None


def _blurred(page: PreparedPage) -> CaptureResult:
    return CaptureResult(False, "照片不够清楚，请放稳材料，再拍一次（重拍）。", page)


def _too_small(page: PreparedPage) -> CaptureResult:
    said = "照片太小，看不清字。请把材料放在高拍仪正下方、放满画面，再拍一次（重拍）。"
    return CaptureResult(False, said, page)


def _store(
    ctx: KioskContext,
    case_id: str,
    material_id: str,
    page: PreparedPage,
    *,
    source: str,
    actor: str,
) -> CaptureResult:
    try:
        view = add_attachment(
            ctx,
            case_id,
            material_id=material_id,
            data=page.jpeg,
            source=source,
            actor=actor,
            blur_score=page.sharpness,
        )
    except AttachmentError as exc:
        return CaptureResult(False, exc.message_zh, page)
    return _said(page, view)


def _said(page: PreparedPage, view: AttachmentView) -> CaptureResult:
    """What the screen says of a stored (or already there) page."""
    if view.already:
        said = f"这一张已经拍过了（{view.material_label} 第 {view.page} 页），没有重复保存。"
        return CaptureResult(True, said, page, view)
    said = f"已拍照：{view.material_label} 第 {view.page} 页。"
    if page.notice:
        said += f"{page.notice}，已保存整张照片，请看一下是否完整。"
    return CaptureResult(True, said, page, view)


def keep_page(
    ctx: KioskContext,
    case_id: str,
    material_id: str,
    page: PreparedPage,
    *,
    actor: str = "staff",
) -> CaptureResult:
    """Store a page already prepared and looked at (the screen's 保存 after 拍照)."""
    if page.too_small:
        return _too_small(page)
    if not page.sharp:
        return _blurred(page)
    return _store(ctx, case_id, material_id, page, source="camera", actor=actor)


def capture_frame(
    ctx: KioskContext,
    case_id: str,
    material_id: str,
    source: FrameSource,
    *,
    actor: str = "staff",
) -> CaptureResult:
    """Take, prepare and (when sharp) store one frame of ``source``."""
    frame = source.read()
    if frame is None:
        return CaptureResult(False, "高拍仪没有画面，请检查连接线，或请工作人员帮忙。")
    page = prepare_frame(frame, min_sharpness=ctx.settings.min_sharpness)
    if page.too_small:
        return _too_small(page)
    if not page.sharp:
        return _blurred(page)
    return _store(ctx, case_id, material_id, page, source="camera", actor=actor)


def import_scans(
    ctx: KioskContext,
    folder: ScanFolder,
    case_id: str,
    material_id: str,
    *,
    actor: str = "staff",
) -> list[CaptureResult]:
    """Store every complete scan now in ``folder`` as pages of one material."""
    results = []
    for path in folder.poll():
        try:
            data = read_file(
                path, max_bytes=ctx.settings.attachment_max_bytes, follow_symlinks=False
            )
            pages = prepare_pages(data, min_sharpness=ctx.settings.min_sharpness, name=path.name)
        except (CaptureError, PageFileError) as exc:
            if folder.retry_later(path):
                log.info("scan not decoded yet, looked at again: %s", exc)
                continue
            log.warning("scan refused: %s", exc)
            folder.refuse(path)
            results.append(
                CaptureResult(
                    False, "这个文件不能用（不是扫描件或太大），已放到“未导入”。", file=path
                )
            )
            continue
        small = next((page for page in pages if page.too_small), None)
        if small is not None:
            log.warning(
                "scan refused: %s: a page of %s is too small to read", path, small.size_text
            )
            folder.refuse(path)
            said = (
                f"{path.name}：分辨率太低（{small.width}×{small.height} 像素），看不清字，"
                "请用 150 dpi 以上重新扫描。已放到“未导入”。"
            )
            results.append(CaptureResult(False, said, small, file=path))
            continue
        blurred = next((page for page in pages if not page.sharp), None)
        if blurred is not None:  # one blurred page: the whole file is scanned again
            folder.refuse(path)
            said = f"{path.name}：扫描件不够清楚，请重新扫描。已放到“未导入”。"
            results.append(CaptureResult(False, said, blurred, file=path))
            continue
        stored = _store_all(ctx, case_id, material_id, pages, actor=actor)
        if all(r.ok for r in stored):
            folder.done(path)
        else:
            folder.refuse(path)
        results.extend(stored)
    return results


def _store_all(
    ctx: KioskContext, case_id: str, material_id: str, pages: list[PreparedPage], *, actor: str
) -> list[CaptureResult]:
    """Every page of one scanned file, or none of them (one transaction)."""
    try:
        views = add_attachments(
            ctx,
            case_id,
            material_id=material_id,
            pages=[NewPage(p.jpeg, p.sharpness) for p in pages],
            source="folder",
            actor=actor,
        )
    except AttachmentError as exc:
        return [CaptureResult(False, exc.message_zh, pages[0] if pages else None)]
    return [_said(page, view) for page, view in zip(pages, views, strict=True)]
