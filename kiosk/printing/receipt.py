"""The receipt slip (回执) for a thermal printer: drawn as one bitmap, sent as ESC/POS.

The slip is drawn with Pillow in the kiosk's own CJK font (assets/fonts, the same chain
as the A4 paper), 384 dots wide for 58 mm paper and 576 for 80 mm (203 dpi print heads;
48 mm and 72 mm printable), and sent as a raster image (ESC/POS ``GS v 0`` through
python-escpos). A bitmap, not the printer's own text: Chinese text mode needs a
GB18030 font the printer may lack and code pages that differ by maker, while every
ESC/POS printer prints raster images the same way.

``render_receipt(slip, width_mm)`` → a Pillow image (mode "1"); ``escpos_bytes(image)``
→ the bytes for the printer (initialise, image, feed, cut); ``decode_escpos(data)``
reads such bytes back into an image (tests, and ``kiosk receipt --png``);
``receipt_pdf(image, width_mm)`` is the preview on a page the slip's size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from kiosk.fontchain import PRIMARY, face_path
from kiosk.printing.layout import CLOSING, tokens
from kiosk.printing.qr_draw import qr_matrix

DOTS_PER_MM = 8  # 203 dpi
PRINTABLE_DOTS = {58: 384, 80: 576}
MARGIN = 8


@dataclass(frozen=True)
class ReceiptSlip:
    """What the slip says. Texts are Chinese, for the resident."""

    hall: str  # 石马镇便民服务中心
    case_number: str
    service: str  # the form's title
    next_desk: str  # "综合窗口：受理、核对材料"
    missing: list[str]  # materials still to bring
    photographed: int  # pages photographed at the kiosk
    when: str  # 2026年11月30日 14:05
    receipt_code: str | None  # BBR1:XXXX-XXXX-XXXX, one-time proof of presence (我的办件)
    identity_code: str  # BBI2:…, the case's signed identity code (staff scan it)
    phone: str = ""
    notes: list[str] = field(default_factory=list)
    preview: bool = False  # a preview (PDF/PNG): no code, 样张 in its place


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face_path(PRIMARY)), size, index=PRIMARY.subfont_index)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of at most ``width`` dots, broken by the A4 paper's rules (kiosk.printing.
    layout.tokens: 避头尾, GB/T 15834, so 、，） never start a line and （ never ends one;
    a Latin word or number stays whole); only a piece longer than a line is cut."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in tokens(paragraph):
            if line and font.getlength(line + token) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
            while font.getlength(line) > width and len(line) > 1:  # longer than a line
                cut = len(line) - 1
                while cut > 1 and font.getlength(line[:cut]) > width:
                    cut -= 1
                while cut > 1 and line[cut] in CLOSING:  # a mark goes with what it closes
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def _qr(text: str, width: int) -> Image.Image:
    """The QR code of ``text`` (the A4 paper's encoder: smallest version, fixed mask,
    alphanumeric mode for the Base45 codes), at most ``width`` dots, quiet zone of 4."""
    matrix = qr_matrix(text)
    modules = len(matrix) + 8
    scale = max(2, width // modules)
    small = Image.new("1", (modules, modules), 1)
    small.putdata(
        [
            0 if 4 <= y < modules - 4 and 4 <= x < modules - 4 and matrix[y - 4][x - 4] else 1
            for y in range(modules)
            for x in range(modules)
        ]
    )
    return small.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)


class _Canvas:
    def __init__(self, width: int) -> None:
        self.width = width
        self.image = Image.new("1", (width, 4000), 1)
        self.draw = ImageDraw.Draw(self.image)
        self.y = MARGIN

    def text(self, text: str, size: int, *, centre: bool = False, gap: int = 6) -> None:
        font = _font(size)
        for line in _wrap(text, font, self.width - 2 * MARGIN):
            x = MARGIN
            if centre:
                x = max(MARGIN, int((self.width - font.getlength(line)) / 2))
            self.draw.text((x, self.y), line, font=font, fill=0)
            self.y += int(size * 1.3)
        self.y += gap

    def fit_text(self, text: str, largest: int) -> None:
        """One line as large as fits (the case number)."""
        size = largest
        while size > 20 and _font(size).getlength(text) > self.width - 2 * MARGIN:
            size -= 2
        self.text(text, size, centre=True)

    def rule(self) -> None:
        self.draw.line((MARGIN, self.y, self.width - MARGIN, self.y), fill=0, width=2)
        self.y += 10

    def paste(self, image: Image.Image) -> None:
        self.image.paste(image, ((self.width - image.width) // 2, self.y))
        self.y += image.height + 4

    def done(self) -> Image.Image:
        return self.image.crop((0, 0, self.width, self.y + MARGIN * 3))


def render_receipt(slip: ReceiptSlip, width_mm: int = 58) -> Image.Image:
    """The slip as a 1-bit image, ``PRINTABLE_DOTS[width_mm]`` wide (58 or 80)."""
    width = PRINTABLE_DOTS[80 if width_mm >= 80 else 58]
    big = 26 if width < 500 else 32
    body = 22 if width < 500 else 26
    c = _Canvas(width)
    c.text(slip.hall, body, centre=True, gap=2)
    c.text("办事回执", big + 6, centre=True)
    c.rule()
    c.text("办件编号", body, gap=0)
    c.fit_text(slip.case_number, 64 if width < 500 else 80)
    c.text(f"办理事项：{slip.service}", body)
    c.text(f"下一步：请到{slip.next_desk}", body)
    if slip.missing:
        c.text("还需带来：", body, gap=0)
        for item in slip.missing:
            c.text(f"□ {item}", body, gap=0)
        c.y += 6
    else:
        c.text("材料：已齐", body)
    if slip.photographed:
        c.text(f"材料已拍照 {slip.photographed} 页", body)
    for note in slip.notes:
        c.text(note, body)
    c.text(f"日期：{slip.when}", body)
    if slip.preview:
        c.rule()
        c.text("样张（预览）", big, centre=True, gap=2)
        c.text("一次性查询码在真正打印时才生成", body - 4, centre=True)
    elif slip.receipt_code:
        c.rule()
        c.text("查看我的办件：在帮办机上扫这个码", body, centre=True, gap=2)
        c.paste(_qr(slip.receipt_code, min(width - 2 * MARGIN, 260)))
        c.text(slip.receipt_code.removeprefix("BBR1:"), body, centre=True, gap=0)
        c.text("（只能用一次，请收好，不要给别人）", body - 4, centre=True)
    c.rule()
    c.text("验真码（窗口工作人员扫）", body, centre=True, gap=2)
    c.paste(_qr(slip.identity_code, width - 2 * MARGIN))
    if slip.phone:
        c.rule()
        c.text(f"咨询电话：{slip.phone}", body, centre=True)
    return c.done()


def escpos_bytes(image: Image.Image) -> bytes:
    """ESC/POS for a slip image: initialise, the image as raster (GS v 0), feed, cut."""
    from escpos.printer import Dummy  # python-escpos

    printer = Dummy()
    printer.profile.profile_data["media"]["width"]["pixels"] = image.width
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster", center=False)
    printer.cut()
    return bytes(printer.output)


def decode_escpos(data: bytes) -> Image.Image:
    """The raster images (GS v 0) in ESC/POS bytes, stacked as one 1-bit image;
    ValueError when there is none or a block is cut short. Other commands are skipped."""
    blocks: list[Image.Image] = []
    i = 0
    while i < len(data):
        if data[i : i + 3] == b"\x1dv0":
            if i + 8 > len(data):
                raise ValueError(f"raster header cut short at byte {i}")
            row_bytes = data[i + 4] + 256 * data[i + 5]
            rows = data[i + 6] + 256 * data[i + 7]
            start, end = i + 8, i + 8 + row_bytes * rows
            if end > len(data):
                raise ValueError(f"raster block at byte {i} is cut short")
            # ESC/POS: bit 1 = a black dot; Pillow's mode "1" raw: bit 1 = white.
            inverted = bytes(255 - b for b in data[start:end])
            blocks.append(Image.frombytes("1", (row_bytes * 8, rows), inverted))
            i = end
        else:
            i += 1
    if not blocks:
        raise ValueError("no raster image in these ESC/POS bytes")
    width = max(b.width for b in blocks)
    out = Image.new("1", (width, sum(b.height for b in blocks)), 1)
    y = 0
    for block in blocks:
        out.paste(block, (0, y))
        y += block.height
    return out


def receipt_pdf(image: Image.Image, width_mm: int = 58) -> bytes:
    """A PDF page the size of the slip (paper width × the slip's length) showing it."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    paper = 80 if width_mm >= 80 else 58
    printable_mm = image.width / DOTS_PER_MM
    height_mm = image.height / DOTS_PER_MM
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(paper * mm, (height_mm + 6) * mm))
    canvas.setTitle("办事回执")
    x = (paper - printable_mm) / 2 * mm
    canvas.drawImage(ImageReader(image.convert("L")), x, 3 * mm, printable_mm * mm, height_mm * mm)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
