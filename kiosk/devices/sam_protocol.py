"""The serial protocol of ID card readers built on the certified security module (SAM).

Every certified second-generation ID card reader (GA 467-2013 居民身份证验证安全控制模块)
speaks the same frames over a serial line (RS-232, or USB serial at 115200 baud):

    command:  AA AA AA 96 69 | LEN(2, big-endian) | CMD | PARA | data | CHK
    response: AA AA AA 96 69 | LEN(2, big-endian) | SW1 SW2 SW3 | data | CHK

LEN counts the bytes after it, CHK included; CHK is the XOR of the LEN bytes and
everything up to CHK. SW3 says how it went: 0x90 done, 0x9F card found, 0x80 no card
(find failed), 0x81 select failed, 0x41 read failed. The commands used here:

    20 01  find card (寻卡)        20 02  select card (选卡)
    30 01  read text and photo: data = text length(2) | photo length(2) | text | photo

The text block (256 bytes, UCS-2 little-endian, space-padded) holds in order: name 15,
sex 1, nation 2, birth date 8, address 35, number 18, issuing authority 15, valid from 8,
valid until 8 (or 长期), reserved 18 characters. The photo (1024 bytes, WLT) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kiosk.domain.id_card_chip import NATIONS, SEX_CODES, IdCardData

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
FIND = (0x20, 0x01)
SELECT = (0x20, 0x02)
READ = (0x30, 0x01)
SW_OK, SW_FOUND = 0x90, 0x9F
SW_NO_CARD, SW_SELECT_FAILED, SW_READ_FAILED = 0x80, 0x81, 0x41
TEXT_BYTES, PHOTO_BYTES = 256, 1024
# (field, characters) of the text block, in order.
TEXT_LAYOUT = (
    ("name", 15),
    ("sex", 1),
    ("nation", 2),
    ("birth", 8),
    ("address", 35),
    ("number", 18),
    ("issuer", 15),
    ("valid_from", 8),
    ("valid_until", 8),
    ("reserved", 18),
)


class SamProtocolError(Exception):
    """A frame that is cut short, has a bad checksum, or says the command failed.
    The message never contains card data."""


@dataclass(frozen=True)
class Response:
    sw3: int
    data: bytes


def _checksum(body: bytes) -> int:
    value = 0
    for byte in body:
        value ^= byte
    return value


def _frame(payload: bytes) -> bytes:
    length = (len(payload) + 1).to_bytes(2, "big")
    return PREAMBLE + length + payload + bytes([_checksum(length + payload)])


def command_frame(command: tuple[int, int], data: bytes = b"") -> bytes:
    """``command_frame(FIND)`` → AA AA AA 96 69 00 03 20 01 22."""
    return _frame(bytes(command) + data)


def response_frame(sw3: int, data: bytes = b"") -> bytes:
    return _frame(bytes([0x00, 0x00, sw3]) + data)


def _read_exact(read: Callable[[int], bytes], n: int) -> bytes:
    data = read(n)
    if len(data) != n:
        raise SamProtocolError(f"reader answered {len(data)} of {n} bytes (timeout)")
    return data


def read_payload(read: Callable[[int], bytes]) -> bytes:
    """One frame's payload (between LEN and CHK); ``read(n)`` is pyserial's Serial.read."""
    window = b""
    for _ in range(64):  # skip line noise before the preamble
        window = (window + _read_exact(read, 1))[-len(PREAMBLE) :]
        if window == PREAMBLE:
            break
    else:
        raise SamProtocolError("no frame preamble from the reader")
    length_bytes = _read_exact(read, 2)
    length = int.from_bytes(length_bytes, "big")
    if not 1 <= length <= 4096:
        raise SamProtocolError(f"frame length {length} out of range")
    rest = _read_exact(read, length)
    payload, check = rest[:-1], rest[-1]
    if _checksum(length_bytes + payload) != check:
        raise SamProtocolError("frame checksum does not match")
    return payload


def read_response(read: Callable[[int], bytes]) -> Response:
    payload = read_payload(read)
    if len(payload) < 3:
        raise SamProtocolError("response frame without status bytes")
    return Response(payload[2], payload[3:])


def _date(text: str) -> date | None:
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def split_text_block(raw: bytes) -> dict[str, str]:
    """The text block's fields as stripped strings (SamProtocolError if it is too short)."""
    if len(raw) < TEXT_BYTES - 36:
        raise SamProtocolError(f"text block of {len(raw)} bytes, expected {TEXT_BYTES}")
    text = raw.decode("utf-16-le", errors="replace")
    fields, at = {}, 0
    for name, width in TEXT_LAYOUT:
        fields[name] = text[at : at + width].strip(" \x00")
        at += width
    return fields


def parse_read_data(data: bytes) -> IdCardData:
    """The data of a successful READ (text length, photo length, text, photo)."""
    if len(data) < 4:
        raise SamProtocolError("read response without length fields")
    text_len = int.from_bytes(data[:2], "big")
    fields = split_text_block(data[4 : 4 + text_len])
    valid_until = fields["valid_until"]
    return IdCardData(
        id_number=fields["number"].upper(),
        name=fields["name"],
        sex=SEX_CODES.get(fields["sex"]),
        nation=NATIONS.get(fields["nation"], fields["nation"] or None),
        birth_date=_date(fields["birth"]),
        address=fields["address"] or None,
        issuer=fields["issuer"] or None,
        valid_from=_date(fields["valid_from"]),
        valid_until=None if valid_until.startswith("长期") else _date(valid_until),
        complete=True,
    )


def build_text_block(card: IdCardData, *, nation_code: str = "01") -> bytes:
    """The inverse of :func:`split_text_block`, for the simulated reader in tests and demos."""
    sex = {v: k for k, v in SEX_CODES.items()}.get(card.sex or "", "0")
    values = {
        "name": card.name,
        "sex": sex,
        "nation": nation_code,
        "birth": card.birth_date.strftime("%Y%m%d") if card.birth_date else "",
        "address": card.address or "",
        "number": card.id_number,
        "issuer": card.issuer or "",
        "valid_from": card.valid_from.strftime("%Y%m%d") if card.valid_from else "",
        "valid_until": card.valid_until.strftime("%Y%m%d") if card.valid_until else "长期",
        "reserved": "",
    }
    text = "".join(values[name][:width].ljust(width) for name, width in TEXT_LAYOUT)
    return text.encode("utf-16-le")
