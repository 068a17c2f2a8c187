"""Attachments on the town server: declared, received in chunks, verified whole.

A kiosk declares a page (``declare``) once the server has its case, with the case's
signed attachments manifest; the server checks the manifest (its hash recomputed from
the entries and the case's frozen content hash, its signature with the sending device's
enrolled key) and keeps the newest version. Bytes then arrive in chunks
(``add_chunk``): a chunk is taken only at the offset the server has reached, with its
own SHA-256 (a chunk cut short in transit is refused, not stored), in the transaction
that moves ``received`` on. A chunk that repeats bytes already kept is acknowledged
without storing anything (its first acknowledgement was lost). When the bytes add up to
the declared size their SHA-256 must match the declaration, or they are dropped and the
upload starts again (422). docs/sync-protocol.md, "Attachments".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk.device_identity import load_public_key_b64
from kiosk.domain.attachment_manifest import attachments_hash, entries_from_json, verify_manifest
from kiosk.server.models import (
    AttachmentChunk,
    AttachmentManifest,
    Device,
    ServerAttachment,
    ServerCase,
    utcnow,
)


class AttachmentRefused(Exception):
    """The request cannot be taken; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, received: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.received = received


@dataclass(frozen=True)
class Progress:
    id: str
    received: int
    size: int
    complete: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "received": self.received,
            "size": self.size,
            "complete": self.complete,
        }


def _progress(row: ServerAttachment) -> Progress:
    return Progress(row.id, row.received, row.size, row.complete)


def _check_manifest(case: ServerCase, device: Device, manifest: dict[str, Any]) -> None:
    entries = entries_from_json(manifest["entries"])
    digest = attachments_hash(case.id, case.content_hash, int(manifest["version"]), entries)
    if digest != manifest["digest"]:
        raise AttachmentRefused(422, "attachments manifest does not hash to its digest")
    try:
        key = load_public_key_b64(device.public_key)
    except ValueError:
        raise AttachmentRefused(422, "the device's enrolled key is unusable") from None
    if not verify_manifest(key, manifest["digest"], manifest["signature"]):
        raise AttachmentRefused(422, "attachments manifest signature does not verify")


def _keep_manifest(session: Session, case: ServerCase, manifest: dict[str, Any]) -> None:
    kept = session.get(AttachmentManifest, case.id)
    if kept is not None and kept.version >= int(manifest["version"]):
        return  # an older (or the same) version arriving late changes nothing
    if kept is None:
        kept = AttachmentManifest(case_id=case.id)
        session.add(kept)
    kept.version = int(manifest["version"])
    kept.digest = manifest["digest"]
    kept.signature = manifest["signature"]
    kept.entries = list(manifest["entries"])
    kept.updated_at = utcnow()


def declare(session: Session, device: Device, attachment_id: str, body: dict[str, Any]) -> Progress:
    """Declare a page (idempotent); AttachmentRefused 404 when the case has not arrived,
    409 when this id was declared with other bytes, 422 for a bad manifest."""
    case = session.get(ServerCase, body["case_id"])
    if case is None:
        raise AttachmentRefused(404, "case not here yet; send the case first")
    manifest = body["manifest"]
    listed = {e["id"]: e for e in manifest["entries"]}
    entry = listed.get(attachment_id)
    if entry is None or (entry["sha256"], entry["size"]) != (body["sha256"], body["size"]):
        raise AttachmentRefused(422, "the manifest does not list this attachment as declared")
    _check_manifest(case, device, manifest)
    row = session.get(ServerAttachment, attachment_id)
    if row is not None:
        same = (row.case_id, row.sha256, row.size) == (case.id, body["sha256"], body["size"])
        if not same:
            raise AttachmentRefused(409, "attachment id already declared with other content")
    else:
        row = ServerAttachment(
            id=attachment_id,
            case_id=case.id,
            device_id=device.id,
            material=body["material"],
            page=body["page"],
            media_type=body["media_type"],
            size=body["size"],
            sha256=body["sha256"],
            received=0,
            complete=False,
        )
        session.add(row)
    _keep_manifest(session, case, manifest)
    session.flush()
    return _progress(row)


def progress(session: Session, attachment_id: str) -> Progress:
    row = session.get(ServerAttachment, attachment_id)
    if row is None:
        raise AttachmentRefused(404, "attachment not declared")
    return _progress(row)


def add_chunk(
    session: Session, attachment_id: str, offset: int, data: bytes, chunk_sha256: str
) -> Progress:
    """Keep bytes at ``offset``; see the module doc for what is refused (409 with the
    offset reached, 422 for a chunk or a whole that does not match its hash)."""
    row = session.get(ServerAttachment, attachment_id, with_for_update=True)
    if row is None:
        raise AttachmentRefused(404, "attachment not declared")
    if hashlib.sha256(data).hexdigest() != chunk_sha256.lower():
        raise AttachmentRefused(422, "chunk does not match its X-Chunk-SHA256 (cut short?)")
    if not data:
        raise AttachmentRefused(422, "empty chunk")
    end = offset + len(data)
    if row.complete or end <= row.received:
        return _progress(row)  # already kept: its acknowledgement was lost
    if offset != row.received:
        raise AttachmentRefused(409, f"expected offset {row.received}", received=row.received)
    if end > row.size:
        raise AttachmentRefused(422, f"chunk goes beyond the declared size {row.size}")
    session.add(AttachmentChunk(attachment_id=row.id, offset=offset, data=data))
    row.received = end
    if end == row.size:
        whole = hashlib.sha256()
        for chunk in session.scalars(
            select(AttachmentChunk.data)
            .where(AttachmentChunk.attachment_id == row.id)
            .order_by(AttachmentChunk.offset)
        ):
            whole.update(chunk)
        if whole.hexdigest() != row.sha256:
            session.execute(delete(AttachmentChunk).where(AttachmentChunk.attachment_id == row.id))
            row.received = 0
            session.flush()
            raise AttachmentRefused(422, "the whole does not match its SHA-256; send it again", 0)
        row.complete, row.completed_at = True, utcnow()
    session.flush()
    return _progress(row)


def not_complete(session: Session, pages: list[tuple[str, str]]) -> list[str]:
    """Of ``pages`` (attachment id, SHA-256), the ids this server does not hold whole with
    that hash: never declared, part-way, or other bytes. After a restore from a backup
    the kiosk sends these again (kiosk.sync.reconcile)."""
    wanted = dict(pages)
    held = {
        row[0]
        for row in session.execute(
            select(ServerAttachment.id, ServerAttachment.sha256).where(
                ServerAttachment.id.in_(list(wanted)), ServerAttachment.complete.is_(True)
            )
        )
        if wanted.get(row[0]) == row[1]
    }
    return [page_id for page_id, _ in pages if page_id not in held]


def read_whole(session: Session, attachment_id: str) -> bytes:
    """The bytes of a complete attachment (AttachmentRefused 404 otherwise)."""
    row = session.get(ServerAttachment, attachment_id)
    if row is None or not row.complete:
        raise AttachmentRefused(404, "attachment not complete")
    chunks = session.scalars(
        select(AttachmentChunk.data)
        .where(AttachmentChunk.attachment_id == row.id)
        .order_by(AttachmentChunk.offset)
    )
    return b"".join(chunks)


def announce_pages(session: Session, case_id: str, pending: int) -> None:
    """Record the pages a QR-imported case's paper says are still to come (the newest
    import's count wins: a desk reprint counts what the server still waits for)."""
    case = session.get(ServerCase, case_id)
    if case is not None and pending >= 0:
        case.pages_announced = pending


def case_attachments(session: Session, case_id: str) -> dict[str, Any]:
    """Which pages of a case are complete, and how many are expected: the newest
    manifest's count, or before any manifest the count a QR-imported paper announced."""
    rows = list(
        session.scalars(
            select(ServerAttachment)
            .where(ServerAttachment.case_id == case_id)
            .order_by(ServerAttachment.material, ServerAttachment.page)
        )
    )
    manifest = session.get(AttachmentManifest, case_id)
    if manifest is not None:
        expected = len(manifest.entries)
    else:  # nothing declared yet: what the imported paper said is still to come
        case = session.get(ServerCase, case_id)
        announced = case.pages_announced if case is not None else None
        expected = max(len(rows), announced or 0)
    return {
        "case_id": case_id,
        "expected": expected,
        "complete": sum(r.complete for r in rows),
        "attachments": [
            {
                "id": r.id,
                "material": r.material,
                "page": r.page,
                "size": r.size,
                "received": r.received,
                "complete": r.complete,
            }
            for r in rows
        ],
    }
