"""The attachments manifest: how photographed materials count in a case's content hash.

A case's answers are frozen at finalize; their hash (``content_hash``) is inside the
signed identity code printed on the paper, so it can never change. Photographs may be
added later by staff, so they are counted in a second hash, over a manifest that binds
them to that frozen hash::

    {"case": <case UUID>, "content_hash": <answers hash>, "version": <n>,
     "attachments": [{"id", "material", "page", "sha256", "size", "type"}, ...]}

sorted by (material, page, id), serialised as canonical JSON (kiosk.domain.case_hash),
hashed with SHA-256 (``attachments_hash``) and signed with the device's Ed25519 key over
``"BBA1:" + attachments_hash`` (``attachments_signature``, base64). ``version`` counts the
changes to the set after finalize (1 for the first page, ...), so every addition is a new,
audited version and an old manifest can never be replayed as the current one. The town
server recomputes the hash from the pages it received whole and checks the signature with
the device's enrolled key (docs/attachments.md).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.domain.case_hash import canonical_json

if TYPE_CHECKING:  # cryptography is loaded when a key is (issue 19: idle memory)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

SIGNATURE_PREFIX = b"BBA1:"


@dataclass(frozen=True)
class ManifestEntry:
    id: str
    material: str
    page: int
    sha256: str
    size: int
    type: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "material": self.material,
            "page": self.page,
            "sha256": self.sha256,
            "size": self.size,
            "type": self.type,
        }


def manifest(
    case_id: str, content_hash: str, version: int, entries: Iterable[ManifestEntry]
) -> dict[str, Any]:
    ordered = sorted(entries, key=lambda e: (e.material, e.page, e.id))
    return {
        "case": case_id,
        "content_hash": content_hash,
        "version": version,
        "attachments": [e.as_json() for e in ordered],
    }


def attachments_hash(
    case_id: str, content_hash: str, version: int, entries: Iterable[ManifestEntry]
) -> str:
    """SHA-256 (hex) of the canonical manifest."""
    body = manifest(case_id, content_hash, version, entries)
    return hashlib.sha256(canonical_json(body)).hexdigest()


def sign_manifest(key: Ed25519PrivateKey, digest: str) -> str:
    """The device's signature of an attachments hash, base64 (88 characters)."""
    return base64.b64encode(key.sign(SIGNATURE_PREFIX + digest.encode())).decode()


def verify_manifest(public_key: Ed25519PublicKey, digest: str, signature: str) -> bool:
    """True when ``signature`` is this key's signature of ``digest``."""
    from cryptography.exceptions import InvalidSignature

    try:
        raw = base64.b64decode(signature, validate=True)
        public_key.verify(raw, SIGNATURE_PREFIX + digest.encode())
    except (ValueError, InvalidSignature):
        return False
    return True


def entries_from_json(items: Any) -> list[ManifestEntry]:
    """Manifest entries from their JSON form (ValueError naming what is wrong)."""
    if not isinstance(items, list):
        raise ValueError("attachments must be a list")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"attachments[{i}] must be an object")
        try:
            out.append(
                ManifestEntry(
                    id=str(item["id"]),
                    material=str(item["material"]),
                    page=int(item["page"]),
                    sha256=str(item["sha256"]),
                    size=int(item["size"]),
                    type=str(item["type"]),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"attachments[{i}]: {exc}") from None
    return out
