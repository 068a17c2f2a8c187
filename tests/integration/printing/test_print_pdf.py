"""A finalized case on paper: the PDF's text and font, and every QR code read back by an
independent decoder (zxing-cpp) from the rendered page, also after blur, noise and rotation,
rebuilding exactly the case that was printed."""

from __future__ import annotations

import random
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import APPLICANT_NAME, DECEASED_NAME, FORM_ID, example
from PIL import Image, ImageFilter

from kiosk.printing.signing import VerdictStatus, verify_identity_payload
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.services.packets import case_packet
from kiosk.services.printing import device_public_key, render_case_pdf

zxingcpp = pytest.importorskip("zxingcpp")
pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


def pages_png(pdf: bytes, tmp: Path, dpi: int = 300) -> list[Image.Image]:
    src = tmp / "case.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src), str(tmp / "page")], check=True
    )
    return [Image.open(p).convert("L") for p in sorted(tmp.glob("page-*.png"))]


def read_codes(images: list[Image.Image]) -> list[str]:
    found = []
    for image in images:
        found += [
            r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        ]
    return found


def blur(image: Image.Image) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius=1.6))


def noise(image: Image.Image) -> Image.Image:
    rng = random.Random(5)
    pixels = image.load()
    assert pixels is not None
    w, h = image.size
    for _ in range(w * h // 12):  # about 8 % of the pixels flipped to random greys
        pixels[rng.randrange(w), rng.randrange(h)] = rng.randrange(256)
    return image


def rotate(image: Image.Image) -> Image.Image:
    return image.rotate(3.5, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)


def faded(image: Image.Image) -> Image.Image:  # a toner-starved printer: black prints grey
    return image.point(lambda v: 110 + v * 145 // 255)


@pytest.fixture
def printed(ctx: KioskContext) -> str:
    return fill_case(ctx, FORM_ID, example(), volunteer_id="1001").id


def test_pdf_text_font_and_page_numbers(ctx: KioskContext, printed: str, tmp_path: Path) -> None:
    pdf = render_case_pdf(ctx, printed)
    path = tmp_path / "case.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")  # pdftotext drops spaces between CJK characters
    number = case_packet(ctx, printed).number
    for expected in (
        number,
        "城乡居民基本养老保险注销登记表",
        "社保所",
        DECEASED_NAME,
        APPLICANT_NAME,
        "其他继承人",
        "张建国",
        "需带材料",
        "帮办人：1001",
        "申请人签名",
        "第 1 页 / 共 2 页",
        "第 2 页 / 共 2 页",
        "乡镇（街道）社保所审核意见",
        "区社会保险经办机构审核意见",
        "公民身份号码",
    ):
        assert expected.replace(" ", "") in text, expected
    assert "老人叫什么名字" not in text  # the screen's question stays on the screen
    assert "死者姓名" in text  # the print label is printed instead
    # Skip logic: the account holder question did not apply (the applicant's own account).
    assert "户名" not in text.replace(" ", "")
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    font_rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    # only faces of the shipped chain (kiosk.fontchain), never a viewer's fallback
    assert font_rows and all("WenQuanYiMicroHei" in r or "KioskExt" in r for r in font_rows)
    assert all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in font_rows)  # emb sub uni


@pytest.mark.parametrize(
    "degrade",
    [lambda i: i, blur, noise, rotate, faded],
    ids=["clean", "blur", "noise", "rotated", "faded"],
)
def test_every_qr_code_decodes_and_rebuilds_the_case(
    ctx: KioskContext, printed: str, tmp_path: Path, degrade: Callable[[Image.Image], Image.Image]
) -> None:
    from kiosk.printing.qr_codec import decode_data_codes

    pdf = render_case_pdf(ctx, printed)
    codes = read_codes([degrade(page) for page in pages_png(pdf, tmp_path)])
    identity = [c for c in codes if c.startswith("BBI2:")]
    data = [c for c in codes if c.startswith("BBD1:")]
    assert len(identity) == 1 and 1 <= len(data) <= 2, codes

    packet = case_packet(ctx, printed)
    rebuilt = decode_data_codes(data, ctx.catalogue)
    assert rebuilt.identity_code is None  # the identity code is a code of its own
    assert identity[0] == packet.identity_code  # the stored code, printed as it is
    assert replace(rebuilt, identity_code=identity[0]) == packet
    assert rebuilt.hash_matches()

    device_id, raw = device_public_key(ctx)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    lookup = {device_id: Ed25519PublicKey.from_public_bytes(raw)}.get
    verdict = verify_identity_payload(identity[0], lookup, expected_hash=rebuilt.content_hash)
    assert verdict.status is VerdictStatus.VALID, verdict.message
    assert verdict.identity is not None and verdict.identity.number == packet.number


def test_the_print_is_signed_with_this_devices_persistent_key(
    ctx: KioskContext, printed: str
) -> None:
    from kiosk.services.printing import case_sheet

    first = case_sheet(ctx, printed).identity_payload
    key_file = ctx.data_root / "keys" / "signing.ed25519"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o077 == 0  # private to the kiosk user
    assert case_sheet(ctx, printed).identity_payload == first  # same key, Ed25519 is deterministic


def test_a_case_split_over_many_codes_prints_and_reads_back(
    ctx: KioskContext, printed: str, tmp_path: Path
) -> None:
    """Forms larger than the example need more codes: they wrap into rows, all readable."""
    from dataclasses import replace

    from kiosk.printing.document import render_case
    from kiosk.printing.qr_codec import decode_data_codes, encode_data_codes
    from kiosk.services.printing import case_sheet

    packet = case_packet(ctx, printed)
    form = ctx.catalogue.get(packet.form_id, packet.form_version)
    parts = encode_data_codes(packet, form, max_chars=60)
    assert len(parts) >= 7  # more than one row
    sheet = replace(case_sheet(ctx, printed), data_payloads=parts)
    codes = read_codes(pages_png(render_case(sheet), tmp_path, dpi=200))
    data = [c for c in codes if c.startswith("BBD1:")]
    assert sorted(data) == sorted(parts)
    assert replace(decode_data_codes(data, ctx.catalogue), identity_code=packet.identity_code) == (
        packet
    )
