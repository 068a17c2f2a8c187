"""Data codes say how many photographed pages are still to come (format 2), and paper
printed before (format 1) is still read (issue 18: "Cases carried by QR say how many
attachments are still to come")."""

from __future__ import annotations

import zlib

import pytest
from helpers import catalogue, form
from test_qr_codec import example_packet

from kiosk.printing.qr_codec import (
    DATA_PREFIX,
    DataCodeError,
    decode_case_codes,
    decode_data_codes,
    encode_data_codes,
    encode_packet,
)
from kiosk.printing.textcode import Reader, b45encode


def _parts(message: bytes) -> list[str]:
    return [f"{DATA_PREFIX}:1/1:{zlib.crc32(message):08X}:{b45encode(message)}"]


def _as_format(message: bytes, fmt: int, *, drop_pending: bool) -> bytes:
    """The same case as a message of another format byte (format 1: no pending field)."""
    head = Reader(message[:-4])
    head.byte()
    head.text()
    head.varint()
    at = head.pos
    head.varint()
    body = message[1:at] + (message[head.pos : -4] if drop_pending else message[at:-4])
    out = bytes([fmt]) + body
    return out + zlib.crc32(out).to_bytes(4, "big")


def test_the_count_of_pages_still_to_come_travels() -> None:
    packet = example_packet()
    for pending in (0, 3, 300):
        decoded = decode_case_codes(
            encode_data_codes(packet, form(), attachments_pending=pending), catalogue()
        )
        assert decoded.packet == packet and decoded.attachments_pending == pending


def test_format_1_paper_is_still_read_and_says_nothing_about_pages() -> None:
    packet = example_packet()
    old = _as_format(encode_packet(packet, form(), 0), 1, drop_pending=True)
    decoded = decode_case_codes(_parts(old), catalogue())
    assert decoded.packet == packet and decoded.attachments_pending is None
    assert decode_data_codes(_parts(old), catalogue()) == packet


def test_an_unknown_format_is_refused() -> None:
    future = _as_format(encode_packet(example_packet(), form(), 0), 9, drop_pending=False)
    with pytest.raises(DataCodeError, match="unknown format version"):
        decode_case_codes(_parts(future), catalogue())
