"""The protocol's limits on one case packet, checked by both ends.

The kiosk checks a packet before it sends it (a case that breaks a limit is quarantined
with the reason at once instead of failing its whole batch on the server); the server
checks the same limits with its pydantic model (kiosk.server.packets) and answers a
per-case 422. Limits are the server's column sizes (kiosk.sync.protocol).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from kiosk.sync.protocol import (
    MAX_ANSWERS_BYTES,
    MAX_EXTRA_BYTES,
    MAX_FINALIZED_AT_CHARS,
    MAX_FORM_ID_CHARS,
    MAX_IDENTITY_CODE_CHARS,
    MAX_NUMBER_CHARS,
    MAX_VOLUNTEER_CHARS,
)

_TEXT_LIMITS = {
    "number": MAX_NUMBER_CHARS,
    "form_id": MAX_FORM_ID_CHARS,
    "finalized_at": MAX_FINALIZED_AT_CHARS,
    "volunteer_id": MAX_VOLUNTEER_CHARS,
    "identity_code": MAX_IDENTITY_CODE_CHARS,
}
# May be absent: a case without a volunteer; a case without an identity code (the server
# refuses it by the trust rule, kiosk.printing.trust, with its own reason).
_OPTIONAL = frozenset({"volunteer_id", "identity_code"})


def canonical_uuid(value: Any) -> str:
    """The canonical spelling (lower case, hyphens) of a UUID given in any spelling Python's
    ``uuid.UUID`` accepts (upper case, no hyphens, braces, ``urn:uuid:``); ValueError if
    it is not one. Both ends compare UUIDs only in this form."""
    if not isinstance(value, str) or len(value) > 45:
        raise ValueError("not a UUID")
    return str(uuid.UUID(value))


def json_size(value: Any) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON; ValueError for text that is not valid
    Unicode (a lone surrogate) and for NUL characters, which no database column takes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if "\\u0000" in text or "\x00" in text:
        raise ValueError("contains a NUL character")
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise ValueError("contains text that is not valid Unicode") from exc


def packet_problem(packet: dict[str, Any]) -> str | None:
    """Why this packet (CasePacket.to_dict() shape) breaks a protocol limit, or None.

    The message names the field and the limit, never the value (it reaches logs)."""
    for name in ("case_id", "device_id"):
        try:
            if canonical_uuid(packet.get(name)) != packet.get(name):
                return f"{name} is not a canonical UUID"
        except ValueError:
            return f"{name} is not a UUID"
    for name, limit in _TEXT_LIMITS.items():
        value = packet.get(name)
        if value is None and name in _OPTIONAL:
            continue
        if not isinstance(value, str) or not value or len(value) > limit:
            return f"{name} must be a text of 1-{limit} characters"
    for name, limit in (("answers", MAX_ANSWERS_BYTES), ("extra", MAX_EXTRA_BYTES)):
        value = packet.get(name, {})
        if not isinstance(value, dict):
            return f"{name} must be an object"
        try:
            size = json_size(value)
        except ValueError as exc:
            return f"{name} {exc}"
        if size > limit:
            return f"{name} is {size} bytes, more than the limit of {limit}"
    return None
