"""Files taken as pages only within limits: bytes, regular file, pixels, pages; every
page of a multi-page TIFF and of a PDF (issue 18, tester findings 1 and 4)."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import png_bomb
from PIL import Image

from kiosk.devices.camera import draw_page
from kiosk.devices.capture import CaptureError, prepare_page, prepare_pages
from kiosk.devices.page_files import MAX_PAGES, PageFileError, decode_pages, read_file


def _rgb(seed: int, angle: float = 4.0) -> Image.Image:
    frame = draw_page(width=800, height=600, angle=angle, seed=seed)
    return Image.fromarray(frame[..., ::-1])


def test_a_decompression_bomb_is_refused_from_its_header_naming_the_file() -> None:
    started = time.monotonic()
    with pytest.raises(CaptureError, match=r"bomb\.png: image of 9000 x 9000 px is above"):
        prepare_page(png_bomb(9_000, 9_000), name="bomb.png")  # under Pillow's own limit
    with pytest.raises(CaptureError, match=r"huge\.png: image above Pillow's pixel limit"):
        prepare_page(png_bomb(60_000, 60_000), name="huge.png")
    assert time.monotonic() - started < 2.0  # refused before any pixel was inflated


def test_a_device_or_an_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(PageFileError, match=r"/dev/zero: not a regular file"):
        read_file(Path("/dev/zero"), max_bytes=1_000_000)
    fifo = tmp_path / "scan.jpg"
    os.mkfifo(fifo)  # opening it would block forever
    with pytest.raises(PageFileError, match=r"scan\.jpg: not a regular file"):
        read_file(fifo, max_bytes=1_000_000)
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff" * 2_000_001)
    too_big = r"big\.jpg: 2\.0 MB \(2,000,001 bytes\) is above the limit of 1,000,000 bytes"
    with pytest.raises(PageFileError, match=too_big):
        read_file(big, max_bytes=1_000_000)
    with pytest.raises(PageFileError, match=r"missing\.jpg: cannot read"):
        read_file(tmp_path / "missing.jpg", max_bytes=1_000_000)


def test_every_page_of_a_multipage_tiff_is_a_page() -> None:
    out = io.BytesIO()
    first, *rest = [_rgb(seed) for seed in (1, 2, 3)]
    first.save(out, "TIFF", save_all=True, append_images=rest, compression="tiff_deflate")
    pages = prepare_pages(out.getvalue(), name="scan.tif")
    assert len(pages) == 3
    assert all(p.found_page and p.sharp for p in pages)


def test_every_page_of_a_pdf_is_rendered_and_prepared() -> None:
    out = io.BytesIO()
    first, second = _rgb(1, angle=0), _rgb(2, angle=0)
    first.save(out, "PDF", save_all=True, append_images=[second], resolution=100)
    pages = decode_pages(out.getvalue(), "scan.pdf")
    assert len(pages) == 2 and pages[0].size[0] > 700  # 8 in at 200 dpi = 1600 px wide
    assert len(prepare_pages(out.getvalue(), name="scan.pdf")) == 2


def test_too_many_pages_and_a_broken_pdf_are_refused_by_name() -> None:
    out = io.BytesIO()
    tiny = Image.new("L", (20, 20), 255)
    tiny.save(out, "TIFF", save_all=True, append_images=[tiny] * MAX_PAGES)
    with pytest.raises(PageFileError, match=rf"many\.tif: {MAX_PAGES + 1} pages"):
        decode_pages(out.getvalue(), "many.tif")
    with pytest.raises(PageFileError, match=r"broken\.pdf: a PDF that cannot be opened"):
        decode_pages(b"%PDF-1.4 hello", "broken.pdf")
    with pytest.raises(PageFileError, match=r"empty\.jpg: empty file"):
        decode_pages(b"", "empty.jpg")


def test_16_bit_and_float_grey_are_scaled_to_8_bits_not_clipped() -> None:
    from kiosk.devices.page_files import to_rgb

    ramp = (np.arange(256, dtype=np.uint16) * 257).reshape(16, 16)
    for image in (Image.fromarray(ramp), Image.fromarray(ramp.astype(np.int32), "I")):
        out = np.asarray(to_rgb(image))[..., 0]
        assert out.dtype == np.uint8 and out.min() == 0 and out.max() == 255
        assert np.array_equal(out.ravel(), np.arange(256))  # 257*k scaled back to k
    floats = Image.fromarray(np.linspace(-1.0, 1.0, 64, dtype=np.float32).reshape(8, 8), "F")
    out = np.asarray(to_rgb(floats))
    assert out.min() == 0 and out.max() == 255


def test_a_huge_photo_is_worked_at_no_more_than_the_work_side() -> None:
    """Tester finding 14: a 59.5 Mpx page was cropped and judged at full size."""
    from kiosk.devices.page_files import WORK_SIDE

    big = Image.new("RGB", (9000, 6600), (240, 240, 240))
    for encoded_as in ("JPEG", "PNG"):
        out = io.BytesIO()
        big.save(out, encoded_as)
        [page] = decode_pages(out.getvalue(), f"big.{encoded_as.lower()}")
        assert WORK_SIDE // 2 <= max(page.size) <= WORK_SIDE, (encoded_as, page.size)
        assert abs(page.width / page.height - 9000 / 6600) < 0.01
