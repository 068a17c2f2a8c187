"""The watched scan folder never follows a link: what a symbolic link or a hard link
points to outside the folder is neither read, nor zeroed, nor removed (brk18b 2)."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import pytest
from helpers import APPLICANT_ID, FORM_ID, example

from kiosk.devices.camera import draw_page
from kiosk.devices.page_files import PageFileError, read_file
from kiosk.devices.scan_folder import REFUSED_DIR, ScanFolder
from kiosk.services.attachments import list_attachments
from kiosk.services.capture import import_scans
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext


@pytest.fixture
def case_id(ctx: KioskContext) -> str:
    return fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID).id


def _page() -> bytes:
    ok, data = cv2.imencode(".jpg", draw_page(angle=-3))
    assert ok
    return data.tobytes()


def test_a_symbolic_link_is_moved_aside_and_its_target_is_untouched(
    ctx: KioskContext, case_id: str, tmp_path: Path
) -> None:
    inbox, outside = tmp_path / "scans", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    precious = outside / "precious.jpg"
    precious.write_bytes(_page())
    before = precious.read_bytes()
    (inbox / "scan0001.jpg").symlink_to(precious)
    folder = ScanFolder(inbox, settle_s=0)
    for _ in range(3):
        assert import_scans(ctx, folder, case_id, "bank_card") == []
    assert precious.read_bytes() == before
    assert list_attachments(ctx, case_id) == []
    [moved] = list((inbox / REFUSED_DIR).iterdir())
    assert moved.is_symlink() and moved.resolve() == precious


def test_a_file_swapped_for_a_link_after_the_poll_is_not_written_through(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "scans"
    inbox.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_bytes(b"keep me")
    scan = inbox / "scan.jpg"
    scan.symlink_to(precious)
    with pytest.raises(PageFileError, match="symbolic link"):
        read_file(scan, max_bytes=1000, follow_symlinks=False)
    ScanFolder(inbox).done(scan)
    assert not scan.exists() and not scan.is_symlink()
    assert precious.read_bytes() == b"keep me"


def test_a_hard_linked_scan_is_removed_but_its_other_name_keeps_its_bytes(
    ctx: KioskContext, case_id: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "scans"
    inbox.mkdir()
    other = tmp_path / "other.jpg"
    other.write_bytes(_page())
    before = other.read_bytes()
    os.link(other, inbox / "scan0002.jpg")
    folder = ScanFolder(inbox, settle_s=0)
    assert import_scans(ctx, folder, case_id, "bank_card") == []
    [taken] = import_scans(ctx, folder, case_id, "bank_card")
    assert taken.ok
    assert not (inbox / "scan0002.jpg").exists()
    assert other.read_bytes() == before
