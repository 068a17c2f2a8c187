"""The data codes' message assembled from its two fixed parts, and cut into code texts.

A case's data-code message (docs/qr-format.md) is ``head + varint(pending) + deflated
body + CRC-32``: the head (format, form id, version) and the deflated body depend only on
the frozen case and its form version; only ``pending`` — how many photographed pages had
not reached the town server — changes from one print to the next. kiosk.printing.qr_codec
makes the two parts from the form; a stored print plan (kiosk.printing.print_plan) keeps
them, so a reprint assembles the very same texts without loading the form (issue 19).
"""

from __future__ import annotations

import math
import zlib

from kiosk.printing.textcode import Writer, b45encode

DATA_PREFIX = "BBD1"
# Each part at most this many Base45 characters: a version-20 code (97 modules,
# 39 mm at 0.4 mm a module) at error correction M holds 970 alphanumeric characters.
MAX_PART_CHARS = 940


def assemble_message(head: bytes, body: bytes, attachments_pending: int) -> bytes:
    """The whole message: ``head`` (format, form id, version), the count of pages still to
    come (>= 0, else ValueError), the deflated ``body``, and the CRC-32 of all that."""
    if attachments_pending < 0:
        raise ValueError("attachments_pending must be >= 0")
    pending = Writer()
    pending.varint(attachments_pending)
    message = head + bytes(pending.buf) + body
    return message + zlib.crc32(message).to_bytes(4, "big")


def split_message(message: bytes, max_chars: int = MAX_PART_CHARS) -> list[str]:
    """The payload texts of the data codes (``BBD1:<i>/<n>:<group>:<base45>``), part 1
    first, each at most ``max_chars`` Base45 characters."""
    group = f"{zlib.crc32(message):08X}"
    # Cut at even byte counts so each part is Base45 on its own.
    parts = max(1, math.ceil(len(message) * 1.5 / max_chars))
    size = math.ceil(len(message) / parts / 2) * 2
    chunks = [message[i : i + size] for i in range(0, len(message), size)]
    n = len(chunks)
    return [f"{DATA_PREFIX}:{i}/{n}:{group}:{b45encode(c)}" for i, c in enumerate(chunks, 1)]
