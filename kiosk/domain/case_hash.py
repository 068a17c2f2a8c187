"""The content hash frozen at finalize: what the QR signature and the server check against."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8 (not ASCII escapes)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_hash(form_id: str, form_version: int, answers: dict[str, Any]) -> str:
    body = {"form": form_id, "version": form_version, "answers": answers}
    return hashlib.sha256(canonical_json(body)).hexdigest()
