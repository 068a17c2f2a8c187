"""Open 拍材料 for a case and connect it to the capture services (off the GUI thread)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.devices.camera import CameraUnavailable, open_camera
from kiosk.devices.capture import PreparedPage, prepare_frame
from kiosk.devices.scan_folder import ScanFolder, ScanFolderError
from kiosk.services import attachments, capture
from kiosk.ui import strings as S
from kiosk.ui.capture_page import CapturePage
from kiosk.ui.qt_camera import open_qt_camera

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow


def choose_camera(setting: str) -> Any:
    """The camera a setting names: ``auto`` / ``qt:NAME`` through QtMultimedia (``auto``
    falls back to OpenCV's camera 0), ``synthetic`` / ``opencv:N`` through
    kiosk.devices.camera; None when there is none (the page says so; the scan folder
    still works)."""
    setting = setting.strip()
    if not setting:
        return None
    if setting == "auto" or setting.startswith("qt:"):
        camera = open_qt_camera(setting)
        if camera is not None or setting != "auto":
            return camera
    try:
        return open_camera(setting)
    except (CameraUnavailable, ValueError):
        return None


def open_capture(w: MainWindow, case_id: str, *, on_done: Callable[[], None]) -> None:
    ctx = w.ctx

    def gather() -> tuple[str, list[tuple[str, str]], dict[str, int]]:
        views = attachments.list_attachments(ctx, case_id)
        with ctx.store.unit_of_work() as uow:
            number = uow.cases.require(case_id).number
        counts: dict[str, int] = {}
        for v in views:
            counts[v.material_id] = counts.get(v.material_id, 0) + 1
        return number, attachments.material_choices(ctx, case_id), counts

    w.op(gather, lambda found: _show(w, case_id, *found, on_done=on_done))


def _show(
    w: MainWindow,
    case_id: str,
    number: str,
    materials: list[tuple[str, str]],
    counts: dict[str, int],
    *,
    on_done: Callable[[], None],
) -> None:
    ctx, actor = w.ctx, w.session.actor
    camera = choose_camera(ctx.settings.camera)
    folder = ScanFolder(Path(ctx.settings.scan_folder)) if ctx.settings.scan_folder else None
    page: CapturePage

    def take(material_id: str, frame: Any) -> None:
        w.op(
            lambda: prepare_frame(frame, min_sharpness=ctx.settings.min_sharpness),
            page.show_prepared,
        )

    def keep(material_id: str, prepared: PreparedPage) -> None:
        w.op(
            lambda: capture.keep_page(ctx, case_id, material_id, prepared, actor=actor),
            lambda r: page.kept(material_id, r.message, r.ok and not _already(r)),
        )

    def scans(material_id: str) -> None:
        if folder is None:
            raise RuntimeError("scans asked for without a scan folder (a bug)")

        def run() -> list[capture.CaptureResult]:
            folder.poll()  # a file must look the same twice, and settle: it is whole
            time.sleep(folder.settle_s + 0.2)
            return capture.import_scans(ctx, folder, case_id, material_id, actor=actor)

        def shown(results: list[capture.CaptureResult]) -> None:
            kept = [r for r in results if r.ok]
            page.counts[material_id] = page.counts.get(material_id, 0) + len(kept)
            page.live()
            refused = [r.message for r in results if not r.ok]
            text = S.SCANS_DONE.format(n=len(kept)) if results else S.SCANS_NONE
            page.message.setText("\n".join([text, *refused]))

        def failed(exc: BaseException) -> None:
            page.message.setText(str(exc) if isinstance(exc, ScanFolderError) else S.SCANS_NONE)

        w.op(run, shown, failed)

    def done() -> None:
        page.timer.stop()
        if camera is not None:
            camera.close()
        on_done()

    page = CapturePage(
        number=number,
        materials=materials,
        counts=counts,
        camera=camera,
        on_take=take,
        on_keep=keep,
        on_scans=scans if folder is not None else None,
        on_done=done,
    )
    w.show_page(page)


def _already(result: capture.CaptureResult) -> bool:
    """The page was attached before (same SHA-256): nothing new to count."""
    return result.attachment is not None and result.attachment.already
