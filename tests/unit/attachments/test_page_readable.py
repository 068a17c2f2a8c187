"""A page too small to read is refused wherever it comes from (camera, scan folder,
``kiosk attach`` with or without ``--as-is``), naming the file and its size; a file cut
short says so (brk18b 4, 12)."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers import APPLICANT_ID, FORM_ID, example
from PIL import Image

from kiosk.devices.camera import SyntheticCamera, draw_page
from kiosk.devices.capture import MIN_SHORT_SIDE, CaptureError, prepare_page
from kiosk.devices.scan_folder import REFUSED_DIR, ScanFolder
from kiosk.services.attachments import list_attachments
from kiosk.services.capture import capture_frame, import_scans
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext


@pytest.fixture
def case_id(ctx: KioskContext) -> str:
    return fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID).id


def _small(width: int = 240, height: int = 180) -> bytes:
    ok, data = cv2.imencode(".png", draw_page(width=width, height=height, angle=0))
    assert ok
    return data.tobytes()


def test_a_thumbnail_sized_scan_is_refused_naming_the_file(
    ctx: KioskContext, case_id: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "scans"
    inbox.mkdir()
    (inbox / "tiny.png").write_bytes(_small())
    folder = ScanFolder(inbox, settle_s=0)
    assert import_scans(ctx, folder, case_id, "bank_card") == []
    [said] = import_scans(ctx, folder, case_id, "bank_card")
    assert not said.ok and "tiny.png" in said.message and "分辨率太低" in said.message
    assert [p.name for p in (inbox / REFUSED_DIR).iterdir()] == ["tiny.png"]
    assert list_attachments(ctx, case_id) == []


def test_a_small_camera_frame_is_refused_and_a_full_one_kept(
    ctx: KioskContext, case_id: str
) -> None:
    small = capture_frame(
        ctx, case_id, "bank_card", SyntheticCamera(width=320, height=240, angle=0)
    )
    assert not small.ok and "太小" in small.message
    assert small.page is not None and min(small.page.width, small.page.height) < MIN_SHORT_SIDE
    full = capture_frame(ctx, case_id, "bank_card", SyntheticCamera(width=1600, height=1200))
    assert full.ok, full.message


def test_a_truncated_jpeg_says_it_is_cut_short() -> None:
    out = io.BytesIO()
    Image.fromarray(np.full((900, 700, 3), 200, np.uint8)).save(out, "JPEG")
    with pytest.raises(CaptureError, match=r"cut\.jpg: an image that is cut short or damaged"):
        prepare_page(out.getvalue()[:800], name="cut.jpg")
