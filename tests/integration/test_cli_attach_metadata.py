"""``kiosk attach --as-is`` keeps a picture's image data but never its metadata (EXIF GPS,
comments, PNG text); 16-bit grey scans are scaled to 8 bits, not clipped white
(brk18b 8 and 3)."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, PngImagePlugin
from test_cli_attach_receipt import _case, attach

from kiosk.devices.camera import draw_page
from kiosk.devices.image_metadata import MetadataError, strip_metadata
from kiosk.services.attachments import list_attachments
from kiosk.services.context import open_kiosk

GPS_IFD = 0x8825


def _stored(home: Path, number: str) -> list[bytes]:
    ctx = open_kiosk(home)
    try:
        return [ctx.store.blobs.read(v.id) for v in list_attachments(ctx, number)]
    finally:
        ctx.close()


def _page_rgb() -> Image.Image:
    bgr = draw_page(angle=0)
    return Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (29.0, 33.0, 50.0), 3: "E", 4: (106.0, 33.0, 7.0)}
    out = io.BytesIO()
    _page_rgb().save(out, "JPEG", quality=90, exif=exif, comment=b"Zhang Xiuying's card")
    return out.getvalue()


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Zhang Xiuying")
    info.add_itxt("GPS", "29.56,106.55")
    out = io.BytesIO()
    _page_rgb().save(out, "PNG", pnginfo=info)
    return out.getvalue()


def test_as_is_drops_exif_gps_and_comments_but_keeps_the_jpeg_data(
    kiosk_home: Path, tmp_path: Path
) -> None:
    number = _case(kiosk_home)
    raw = _jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as image:
        assert image.getexif().get_ifd(GPS_IFD)  # the picture does carry a position
    path = tmp_path / "gps.jpg"
    path.write_bytes(raw)
    assert attach(number, "--material", "applicant_id_card", "--file", str(path), "--as-is") == 0
    [kept] = _stored(kiosk_home, number)
    assert b"Exif" not in kept and b"PhoneMaker" not in kept and b"Xiuying" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert not image.getexif()
        assert image.format == "JPEG" and image.size == _page_rgb().size
    # The entropy-coded data is the same bytes: no recompression.
    assert raw[raw.index(b"\xff\xda") :] == kept[kept.index(b"\xff\xda") :]


def test_as_is_drops_png_text_chunks(kiosk_home: Path, tmp_path: Path) -> None:
    number = _case(kiosk_home)
    path = tmp_path / "page.png"
    path.write_bytes(_png_with_text())
    assert attach(number, "--material", "applicant_id_card", "--file", str(path), "--as-is") == 0
    [kept] = _stored(kiosk_home, number)
    assert b"Xiuying" not in kept and b"106.55" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert np.array_equal(np.asarray(image.convert("RGB")), np.asarray(_page_rgb()))


def test_a_16_bit_grey_scan_is_scaled_not_blank(kiosk_home: Path, tmp_path: Path) -> None:
    number = _case(kiosk_home)
    grey = cv2.cvtColor(draw_page(angle=0), cv2.COLOR_BGR2GRAY).astype(np.uint16) * 257
    path = tmp_path / "gray16.png"
    Image.fromarray(grey).save(path)  # mode I;16
    assert attach(number, "--material", "applicant_id_card", "--file", str(path)) == 0
    assert attach(number, "--material", "applicant_id_card", "--file", str(path), "--as-is") == 0
    for kept in _stored(kiosk_home, number):
        with Image.open(io.BytesIO(kept)) as image:
            assert image.mode in ("L", "RGB")
            pixels = np.asarray(image.convert("L"))
        assert pixels.min() < 80 and pixels.mean() < 245  # the text is there, not white


def test_strip_metadata_refuses_what_it_cannot_walk() -> None:
    with pytest.raises(MetadataError):
        strip_metadata(b"GIF89a")
    with pytest.raises(MetadataError):
        strip_metadata(_jpeg_with_gps()[:300])


@pytest.mark.parametrize("as_is", [False, True])
def test_a_thumbnail_is_refused_too_small_to_read(
    kiosk_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], as_is: bool
) -> None:
    number = _case(kiosk_home)
    path = tmp_path / "thumb.jpg"
    cv2.imwrite(str(path), draw_page(width=240, height=180))
    extra = ["--as-is"] if as_is else []
    assert attach(number, "--material", "applicant_id_card", "--file", str(path), *extra) == 2
    assert "too small to read" in capsys.readouterr().err
    assert _stored(kiosk_home, number) == []


def test_status_counts_the_photographed_pages_still_to_go(
    kiosk_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tester finding 10: ``kiosk status`` said pending 0 while a page waited."""
    from kiosk.cli import main

    number = _case(kiosk_home)
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), draw_page())
    assert attach(number, "--material", "applicant_id_card", "--file", str(path)) == 0
    capsys.readouterr()
    assert main(["status"]) == 0
    assert "photos pending 1" in capsys.readouterr().out
    assert main(["status", "--json"]) == 0
    assert '"pages_pending": 1' in capsys.readouterr().out
