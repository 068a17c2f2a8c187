"""Metadata out of a picture kept byte for byte: no EXIF (GPS position, camera serial,
time), XMP, IPTC or comments leave the kiosk with a resident's page.

``strip_metadata(data)`` copies a JPEG's or a PNG's image data unchanged (no
recompression) and drops everything else but what is needed to show the pixels right:

- JPEG (ITU-T T.81 markers): kept are APP0 (JFIF), APP2 ``ICC_PROFILE``, APP14
  (``Adobe``: the colour transform of CMYK/YCCK files) and every non-APP segment; dropped
  are the other APPn (APP1 EXIF/XMP, APP13 IPTC/Photoshop …) and COM.
- PNG (ISO/IEC 15948 chunks): kept are the critical chunks and the colour ones (PLTE,
  tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, bKGD, pHYs); dropped are tEXt, zTXt, iTXt, eXIf,
  tIME and any other.

Raises MetadataError for a file that is neither, or is cut short; a caller then
re-encodes the decoded pixels instead (which carry no metadata).
"""

from __future__ import annotations

import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
    b"sBIT", b"bKGD", b"pHYs",
}  # fmt: skip
_SOI, _SOS, _EOI = 0xD8, 0xDA, 0xD9


class MetadataError(ValueError):
    """Not a JPEG or PNG this module can walk (message says why)."""


def _jpeg(data: bytes) -> bytes:
    out, pos = bytearray(data[:2]), 2
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise MetadataError("JPEG segments cut short or malformed")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == _EOI or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[pos : pos + 2]
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise MetadataError("JPEG segment runs past the end of the file")
        body = data[pos + 4 : end]
        keep = True
        if 0xE0 <= marker <= 0xEF:
            keep = (
                (marker == 0xE0 and body.startswith(b"JFIF"))
                or (marker == 0xE2 and body.startswith(b"ICC_PROFILE\0"))
                or (marker == 0xEE and body.startswith(b"Adobe"))
            )
        elif marker == 0xFE:
            keep = False
        if keep:
            out += data[pos:end]
        if marker == _SOS:  # the entropy-coded data and all after it: as it is
            out += data[end:]
            return bytes(out)
        pos = end


def _png(data: bytes) -> bytes:
    out, pos = bytearray(PNG_SIGNATURE), len(PNG_SIGNATURE)
    while pos < len(data):
        if pos + 12 > len(data):
            raise MetadataError("PNG chunk cut short")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise MetadataError("PNG chunk runs past the end of the file")
        if kind in _PNG_KEEP:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            return bytes(out)
    raise MetadataError("PNG without IEND")


def strip_metadata(data: bytes) -> bytes:
    """``data`` (a JPEG or a PNG) without its metadata, the image data unchanged."""
    if data[:2] == b"\xff\xd8":
        return _jpeg(data)
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    raise MetadataError("neither a JPEG nor a PNG")
