"""Byte-level building blocks of the QR payloads: varints, packed digit strings, Base45.

Base45 (RFC 9285) turns bytes into the 45 characters of the QR alphanumeric mode,
which stores 5.5 bits a character: 3 % more than raw bytes, but the payload stays
plain upper-case text that any scanner, keyboard wedge or copy-and-paste keeps intact.
"""

from __future__ import annotations

BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_INDEX = {ch: i for i, ch in enumerate(BASE45)}
# Nibble alphabet of packed digit strings (ID numbers, phones, accounts, case numbers).
NIBBLES = "0123456789X-. :/"
_NIB_INDEX = {ch: i for i, ch in enumerate(NIBBLES)}


class CodecError(ValueError):
    """Bytes or text that do not decode (damaged, truncated, or not ours)."""


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = divmod(n, 45 * 45)
        b, a = divmod(n, 45)
        out.append(BASE45[a] + BASE45[b] + BASE45[c])
    if len(data) % 2:
        b, a = divmod(data[-1], 45)
        out.append(BASE45[a] + BASE45[b])
    return "".join(out)


def b45decode(text: str) -> bytes:
    try:
        values = [_B45_INDEX[ch] for ch in text]
    except KeyError as exc:
        raise CodecError(f"character {exc.args[0]!r} is not Base45") from None
    if len(values) % 3 == 1:
        raise CodecError("Base45 text has a dangling character")
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        n = sum(v * 45**k for k, v in enumerate(chunk))
        if len(chunk) == 3:
            if n > 0xFFFF:
                raise CodecError("Base45 triple out of range")
            out += n.to_bytes(2, "big")
        else:
            if n > 0xFF:
                raise CodecError("Base45 pair out of range")
            out.append(n)
    return bytes(out)


def is_packable(text: str) -> bool:
    return bool(text) and all(ch in _NIB_INDEX for ch in text)


def pack_nibbles(text: str) -> bytes:
    """Two characters of NIBBLES per byte; the length is written by the caller."""
    codes = [_NIB_INDEX[ch] for ch in text]
    if len(codes) % 2:
        codes.append(0)
    return bytes(codes[i] << 4 | codes[i + 1] for i in range(0, len(codes), 2))


def unpack_nibbles(data: bytes, length: int) -> str:
    chars = []
    for byte in data:
        chars.append(NIBBLES[byte >> 4])
        chars.append(NIBBLES[byte & 0xF])
    return "".join(chars[:length])


class Writer:
    def __init__(self) -> None:
        self.buf = bytearray()

    def byte(self, value: int) -> None:
        self.buf.append(value)

    def raw(self, data: bytes) -> None:
        self.buf += data

    def varint(self, value: int) -> None:
        if value < 0:
            raise ValueError("varint takes non-negative numbers")
        while True:
            low = value & 0x7F
            value >>= 7
            if value:
                self.buf.append(low | 0x80)
            else:
                self.buf.append(low)
                return

    def sint(self, value: int) -> None:
        self.varint(value * 2 if value >= 0 else -value * 2 - 1)  # zigzag

    def text(self, value: str) -> None:
        data = value.encode("utf-8")
        self.varint(len(data))
        self.raw(data)


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise CodecError("data ends too early")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def raw(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise CodecError("data ends too early")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def varint(self) -> int:
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7
            if shift > 70:
                raise CodecError("varint too long")

    def sint(self) -> int:
        n = self.varint()
        return n // 2 if n % 2 == 0 else -(n + 1) // 2

    def text(self) -> str:
        try:
            return self.raw(self.varint()).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CodecError("text is not UTF-8") from exc

    def done(self) -> bool:
        return self.pos == len(self.data)
