"""The content hash frozen at finalize: what the QR signature and the server check against."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8 (not ASCII escapes)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_hash(form_id: str, form_version: int, answers: dict[str, Any]) -> str:
    body = {"form": form_id, "version": form_version, "answers": answers}
    return hashlib.sha256(canonical_json(body)).hexdigest()


ENVELOPE_DIGEST_BYTES = 16  # 128 bits: a second preimage costs 2**128 hashes


def finalized_micros(finalized_at: str) -> int | str:
    """``finalized_at`` as integer µs since 1970 UTC (a naive time is UTC), or the text as
    it is when it is not an ISO 8601 time: one value however the time was spelled."""
    try:
        when = datetime.fromisoformat(finalized_at.strip().removesuffix("Z"))
    except ValueError:
        return finalized_at
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = when - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def envelope_digest(
    finalized_at: str,
    volunteer_id: str | None,
    bundle_id: str | None,
    extra: dict[str, Any] | None,
) -> str:
    """The first 16 bytes (hex) of SHA-256 over the case's envelope: every field a receiver
    stores beside the answers and the signed header (finalize time, volunteer, bundle,
    extra). The identity code (format 2) signs it, so none of them can be changed on paper
    (docs/qr-format.md, "Identity code")."""
    body = {
        "finalized_at": finalized_micros(finalized_at),
        "volunteer_id": volunteer_id,
        "bundle_id": bundle_id.lower() if bundle_id else None,
        "extra": extra or {},
    }
    digest = hashlib.sha256(b"bangban-envelope-v2\x00" + canonical_json(body)).digest()
    return digest[:ENVELOPE_DIGEST_BYTES].hex()
