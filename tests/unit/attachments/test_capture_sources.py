"""Capture from a synthetic camera and from a scanner's watched folder."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import pytest
from helpers import APPLICANT_ID, FORM_ID, example

from kiosk.devices.camera import SyntheticCamera, draw_page, open_camera
from kiosk.devices.scan_folder import REFUSED_DIR, RETRIES, ScanFolder, ScanFolderError
from kiosk.services.attachments import list_attachments
from kiosk.services.capture import capture_frame, import_scans
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext


@pytest.fixture
def case_id(ctx: KioskContext) -> str:
    return fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID).id


def test_camera_capture_stores_a_sharp_page_and_refuses_a_blurred_one(
    ctx: KioskContext, case_id: str
) -> None:
    sharp = capture_frame(ctx, case_id, "applicant_id_card", SyntheticCamera(angle=9))
    assert sharp.ok and sharp.attachment is not None and sharp.attachment.page == 1
    assert "您本人的身份证" in sharp.message
    blurred = capture_frame(ctx, case_id, "applicant_id_card", SyntheticCamera(blur=31))
    assert not blurred.ok and "重拍" in blurred.message
    unplugged = SyntheticCamera()
    unplugged.unplug()
    gone = capture_frame(ctx, case_id, "applicant_id_card", unplugged)
    assert not gone.ok and "高拍仪" in gone.message
    assert [a.page for a in list_attachments(ctx, case_id)] == [1]


def test_watched_folder_takes_only_complete_files(
    ctx: KioskContext, case_id: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "scans"
    inbox.mkdir()
    folder = ScanFolder(inbox, settle_s=0)
    ok, data = cv2.imencode(".jpg", draw_page(angle=-7))
    assert ok
    scan = inbox / "scan0001.jpg"
    scan.write_bytes(data.tobytes()[:5000])  # the scanner is still writing
    assert import_scans(ctx, folder, case_id, "bank_card") == []
    scan.write_bytes(data.tobytes())  # now whole; grown since the last look
    assert import_scans(ctx, folder, case_id, "bank_card") == []
    (inbox / "notes.txt").write_text("not a scan")
    (inbox / "broken.png").write_bytes(b"\x89PNG broken")
    ok, blurred = cv2.imencode(".png", draw_page(blur=31))
    (inbox / "blurred.png").write_bytes(blurred.tobytes())
    # The scan stayed the same since the last look: taken; the new files are only seen.
    [taken] = import_scans(ctx, folder, case_id, "bank_card")
    assert taken.ok
    # The blurred one is refused at once; the broken one is looked at again (a scanner may
    # have paused mid-write) and refused after RETRIES looks.
    results = [
        r for _ in range(2 * RETRIES) for r in import_scans(ctx, folder, case_id, "bank_card")
    ]
    assert [r.ok for r in results] == [False, False]
    # The stored scan's clear copy is gone; the refused ones wait in 未导入 for staff.
    assert not scan.exists()
    assert sorted(p.name for p in (inbox / REFUSED_DIR).iterdir()) == ["blurred.png", "broken.png"]
    assert (inbox / "notes.txt").exists()
    [page] = list_attachments(ctx, case_id)
    assert (page.material_id, page.source) == ("bank_card", "folder")


def test_a_missing_folder_or_camera_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ScanFolderError, match="not there"):
        ScanFolder(tmp_path / "nowhere").poll()
    with pytest.raises(ValueError):
        open_camera("")
    assert open_camera("synthetic").read() is not None


def test_a_file_is_taken_only_once_it_stayed_unchanged_for_the_settle_time(
    ctx: KioskContext, case_id: str, tmp_path: Path
) -> None:
    """Tester finding 9: two looks a second apart at the same size are not enough; a file
    cut short (the scanner paused) is looked at again, and taken once it is whole."""
    inbox = tmp_path / "scans"
    inbox.mkdir()
    now = [time.time()]
    folder = ScanFolder(inbox, settle_s=2.0, clock=lambda: now[0])
    whole = cv2.imencode(".jpg", draw_page(angle=-3))[1].tobytes()
    scan = inbox / "scan0002.jpg"
    scan.write_bytes(whole[: len(whole) // 2])  # paused mid-write
    assert import_scans(ctx, folder, case_id, "bank_card") == []
    assert import_scans(ctx, folder, case_id, "bank_card") == []  # unchanged, but too fresh
    now[0] += 3
    assert import_scans(ctx, folder, case_id, "bank_card") == []  # cut short: looked at again
    assert scan.exists() and not (inbox / REFUSED_DIR).exists()
    scan.write_bytes(whole)  # the scanner finishes
    assert import_scans(ctx, folder, case_id, "bank_card") == []
    now[0] += 3
    [taken] = import_scans(ctx, folder, case_id, "bank_card")
    assert taken.ok and not scan.exists()
