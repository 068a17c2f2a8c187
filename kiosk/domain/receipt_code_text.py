"""The shape of a receipt's one-time code (``BBR1:XXXX-XXXX-XXXX``), told from typed text
without the store: the identify page asks ``looks_like_receipt_code`` on every Enter,
before the store may be open (issue 19). kiosk.services.receipt_codes issues and accepts
the codes themselves."""

from __future__ import annotations

import re

PREFIX = "BBR1:"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
LENGTH = 12
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHAPE = re.compile(rf"^(?:{re.escape(PREFIX)})?([0-9A-Z -]{{12,20}})$")


def normalize_code(text: str) -> str | None:
    """The 12 code characters of a scanned or typed code (spaces and dashes dropped, O/I/L
    read as 0/1/1), or None if ``text`` is not one."""
    match = _SHAPE.match(text.strip().upper())
    if match is None:
        return None
    code = re.sub(r"[ -]", "", match.group(1)).translate(_READ_AS)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def looks_like_receipt_code(text: str) -> bool:
    """True for text with the ``BBR1:`` prefix and a well-formed code after it."""
    return text.strip().upper().startswith(PREFIX) and normalize_code(text) is not None
