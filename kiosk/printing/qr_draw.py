"""QR symbols for print: the matrix built at a version we compute, drawn as vector rectangles.

qrcode's best-fit search and its 8-way mask search each rebuild the symbol many
times in pure Python (about 65 ms for a version-25 code); our payloads are all
QR alphanumeric text, so the smallest version is a sum, and one fixed mask is
enough for data that is already compressed and well mixed (about 3 ms).
"""

from __future__ import annotations

from functools import lru_cache

from qrcode import LUT, QRCode
from qrcode.base import EXP_TABLE, LOG_TABLE, RSBlock, rs_blocks
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, PAD0, PAD1, BitBuffer, QRData
from reportlab.pdfgen.canvas import Canvas

from kiosk.printing.textcode import BASE45

FIXED_MASK = 2
QUIET_ZONE = 4  # modules of white around the symbol (ISO/IEC 18004)
_ALNUM = frozenset(BASE45)

Matrix = tuple[tuple[bool, ...], ...]


def _count_bits(version: int, mode: int) -> int:
    if mode == MODE_ALPHA_NUM:
        return 9 if version < 10 else 11 if version < 27 else 13
    return 8 if version < 10 else 16


def data_bits(text: str, version: int) -> tuple[int, int]:
    """(mode, bits needed) for one segment of ``text`` at ``version``."""
    if all(ch in _ALNUM for ch in text):
        n = len(text)
        return MODE_ALPHA_NUM, 4 + _count_bits(version, MODE_ALPHA_NUM) + 11 * (n // 2) + 6 * (
            n % 2
        )
    size = len(text.encode("utf-8"))
    return MODE_8BIT_BYTE, 4 + _count_bits(version, MODE_8BIT_BYTE) + 8 * size


def smallest_version(text: str, error_correction: int = ERROR_CORRECT_M) -> int:
    for version in range(1, 41):
        _, bits = data_bits(text, version)
        capacity = sum(b.data_count for b in rs_blocks(version, error_correction)) * 8
        if bits <= capacity:
            return version
    raise DataOverflowError(f"{len(text)} characters do not fit in any QR version")


def codewords(text: str, version: int, error_correction: int = ERROR_CORRECT_M) -> list[int]:
    """Data and error-correction codewords, interleaved: what qrcode's ``create_data`` makes,
    with the Reed-Solomon remainders computed by a table-driven shift register instead of
    its polynomial objects (about 4x faster)."""
    mode, _ = data_bits(text, version)
    segment = QRData(text, mode=mode)
    buffer = BitBuffer()
    buffer.put(mode, 4)
    buffer.put(len(segment), _count_bits(version, mode))
    segment.write(buffer)
    blocks = rs_blocks(version, error_correction)
    limit = sum(b.data_count for b in blocks) * 8
    if len(buffer) > limit:
        raise DataOverflowError(f"{len(buffer)} bits do not fit version {version}")
    for _ in range(min(limit - len(buffer), 4)):
        buffer.put_bit(False)
    while len(buffer) % 8:
        buffer.put_bit(False)
    data = [b & 0xFF for b in buffer.buffer]
    data += [PAD0 if i % 2 == 0 else PAD1 for i in range((limit - len(data) * 8) // 8)]
    return _interleave(data, blocks)


def _interleave(data: list[int], blocks: list[RSBlock]) -> list[int]:
    dc_blocks: list[list[int]] = []
    ec_blocks: list[list[int]] = []
    offset = 0
    for block in blocks:
        dc = data[offset : offset + block.data_count]
        offset += block.data_count
        dc_blocks.append(dc)
        ec_blocks.append(_rs_remainder(dc, block.total_count - block.data_count))
    out: list[int] = []
    for group in (dc_blocks, ec_blocks):
        for i in range(max(len(b) for b in group)):
            out.extend(b[i] for b in group if i < len(b))
    return out


@lru_cache(maxsize=16)
def _generator_logs(ec_count: int) -> tuple[int, ...]:
    return tuple(LOG_TABLE[c] for c in LUT.rsPoly_LUT[ec_count][1:])


def _rs_remainder(data: list[int], ec_count: int) -> list[int]:
    gen = _generator_logs(ec_count)
    rem = [0] * ec_count
    for byte in data:
        factor = byte ^ rem[0]
        rem = rem[1:]
        rem.append(0)
        if factor:
            lf = LOG_TABLE[factor]
            for i, g in enumerate(gen):
                rem[i] ^= EXP_TABLE[(g + lf) % 255]
    return rem


@lru_cache(maxsize=64)
def qr_matrix(text: str, error_correction: int = ERROR_CORRECT_M) -> Matrix:
    """The module matrix (True = dark), without quiet zone. Cached: reprints are free."""
    version = smallest_version(text, error_correction)
    mode, _ = data_bits(text, version)
    code = QRCode(
        version=version, error_correction=error_correction, border=0, mask_pattern=FIXED_MASK
    )
    code.add_data(QRData(text, mode=mode))
    code.data_cache = codewords(text, version, error_correction)  # make() uses it as is
    code.make(fit=False)
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


def symbol_size(matrix: Matrix, module: float) -> float:
    """Width of the symbol with its quiet zone, in the unit of ``module``."""
    return (len(matrix) + 2 * QUIET_ZONE) * module


def draw_qr(canvas: Canvas, matrix: Matrix, x: float, y: float, module: float) -> None:
    """Draw at (x, y) = lower-left corner of the quiet zone; ``module`` in points.

    The canvas is scaled to one unit per module (y downwards), so every dark run of
    a row is an integer rectangle; all runs go into one filled path, which leaves no
    hairline seams between neighbouring modules. The path operators are written as
    text (``addLiteral``): formatting ~1,000 floats through reportlab's path API
    took more time than the whole rest of a page.
    """
    n = len(matrix)
    left = x + QUIET_ZONE * module
    top = y + (QUIET_ZONE + n) * module
    ops = []
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            ops.append(f"{start} {r} {c - start} 1 re")
    canvas.saveState()
    canvas.transform(module, 0, 0, -module, left, top)
    canvas.addLiteral("0 g\n" + "\n".join(ops) + "\nf")
    canvas.restoreState()
