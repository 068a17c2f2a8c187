"""Case numbers (办件编号) a resident reads over the phone: ``YYMMDD-DD-SSS``.

``DD`` is the device number the town server assigned at enrollment (``07``; three
digits from 100 on), so two enrolled kiosks never issue the same number; the server
also refuses a second case with a number it already holds for another UUID.

Before enrollment a kiosk has no device number. It then uses an eight-character tag
taken from its own device UUID (random, 122 bits) in an alphabet without 0/O/1/I/L:
``261130-K7MQ9XAT-001``. The tag cannot collide with an enrolled number (those have
two or three digits there), and two unenrolled kiosks share a tag only if the first
40 bits of their random UUIDs agree (for 1,000 kiosks, about one chance in two
million); even then the town server refuses the second case with a held number, so a
number is never stored twice.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

# As the enrollment codes: read aloud and typed on a touch keypad.
TAG_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TAG_LENGTH = 8
DEVICE_NO_KEY = "device_no"  # meta key: the number the town server assigned


def device_part(device_no: int | None, device_id: str) -> str:
    """The middle part of this device's case numbers: ``07`` once enrolled, else its tag."""
    if device_no is not None:
        return f"{device_no:02d}"
    return unenrolled_tag(device_id)


def unenrolled_tag(device_id: str) -> str:
    """Eight characters fixed by the device UUID (raises ValueError for a non-UUID)."""
    value = int.from_bytes(hashlib.sha256(uuid.UUID(device_id).bytes).digest()[:8], "big")
    chars = []
    for _ in range(TAG_LENGTH):
        value, i = divmod(value, len(TAG_ALPHABET))
        chars.append(TAG_ALPHABET[i])
    return "".join(chars)


def case_number(day: date, device: str, seq: int) -> str:
    """``YYMMDD-<device part>-SSS``; the sequence counts per day on this device."""
    return f"{day:%y%m%d}-{device}-{seq:03d}"
