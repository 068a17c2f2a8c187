"""Send photographed pages to the town server after their case: resumable, hash-checked
chunks (docs/sync-protocol.md, "Attachments").

Only pages whose case the server has acknowledged are sent: a page never goes before
its case, and a page that cannot go never holds a case back. For each page the kiosk
first declares it (``PUT /attachments/{id}``, idempotent), which also tells how many
bytes the server already kept; it then sends the rest in chunks from exactly there,
recording each acknowledged offset in the store (``attachments.sent_bytes``) as it
comes. A connection cut at any moment, a kiosk restarted or a server restarted costs at
most the one chunk in flight: nothing the server acknowledged is sent again. A server
(or a proxy on the way) that refuses a chunk as too large (HTTP 413) gets the rest in
chunks half the size, down to MIN_CHUNK_BYTES, from the offset it acknowledges.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk.domain.attachment_manifest import ManifestEntry
from kiosk.store.blobs import BlobMissing
from kiosk.store.crypto import CryptoError
from kiosk.store.models import AttachmentRow, CaseRow, OutboxEntry, utcnow
from kiosk.store.uow import Store
from kiosk.sync.protocol import SyncFailure

# The HTTP client (httpx) only for a push: printing a case counts its pending pages
# through pending_count and must not load it (issue 19).
if TYPE_CHECKING:
    from kiosk.sync.client import SyncClient

log = logging.getLogger(__name__)
CHUNK_BYTES = 256 * 1024
MIN_CHUNK_BYTES = 16 * 1024  # the floor of halving on 413


@dataclass
class ChunkSize:
    """The chunk size of a sync round: halved on each 413 (a server or a proxy on the way
    that takes smaller bodies), never below MIN_CHUNK_BYTES; kept for the round's
    other pages."""

    bytes: int = CHUNK_BYTES

    def shrink(self) -> bool:
        """Halve; False when already at the floor (the 413 is then a real failure)."""
        if self.bytes <= MIN_CHUNK_BYTES:
            return False
        self.bytes = max(MIN_CHUNK_BYTES, self.bytes // 2)
        return True


@dataclass
class AttachmentRound:
    complete: int = 0
    waiting: int = 0  # not sent this round (case not acknowledged, or the server said wait)
    error: SyncFailure | None = None


def _due(store: Store) -> list[str]:
    with store.unit_of_work() as uow:
        query = (
            select(AttachmentRow.id)
            .join(CaseRow, CaseRow.id == AttachmentRow.case_id)
            .join(OutboxEntry, OutboxEntry.case_id == CaseRow.id)
            .where(
                AttachmentRow.sync_state == "pending",
                AttachmentRow.purged_at.is_(None),
                OutboxEntry.state == "sent",
                CaseRow.attachments_hash.is_not(None),
            )
            .order_by(AttachmentRow.added_at, AttachmentRow.id)
        )
        return list(uow.session.scalars(query))


def pending_count(store: Store, case_id: str | None = None) -> int:
    """Pages not yet complete on the server (of one case, or all)."""
    with store.unit_of_work(read_only=True) as uow:
        query = select(AttachmentRow.id).where(
            AttachmentRow.sync_state == "pending", AttachmentRow.purged_at.is_(None)
        )
        if case_id is not None:
            query = query.where(AttachmentRow.case_id == case_id)
        return len(list(uow.session.scalars(query)))


def _declaration(store: Store, attachment_id: str) -> dict[str, object]:
    with store.unit_of_work() as uow:
        page = uow.session.get(AttachmentRow, attachment_id)
        if page is None:
            raise RuntimeError(f"attachment {attachment_id[:8]} is not in the store (a bug)")
        case = uow.session.get(CaseRow, page.case_id)
        if case is None:
            raise RuntimeError(f"attachment {attachment_id[:8]} has no case (a bug)")
        rows = uow.session.scalars(
            select(AttachmentRow).where(
                AttachmentRow.case_id == case.id, AttachmentRow.purged_at.is_(None)
            )
        )
        entries = [
            ManifestEntry(r.id, r.material_id, r.page, r.sha256, r.size, r.media_type).as_json()
            for r in rows
        ]
        return {
            "case_id": case.id,
            "material": page.material_id,
            "page": page.page,
            "media_type": page.media_type,
            "size": page.size,
            "sha256": page.sha256,
            "manifest": {
                "version": case.attachments_version,
                "digest": case.attachments_hash,
                "signature": case.attachments_signature,
                "entries": entries,
            },
        }


def _record(
    store: Store, attachment_id: str, *, sent: int, done: bool = False, error: str | None = None
) -> None:
    with store.unit_of_work() as uow:
        page = uow.session.get(AttachmentRow, attachment_id)
        if page is None:
            raise RuntimeError(f"attachment {attachment_id[:8]} is not in the store (a bug)")
        page.sent_bytes = sent
        page.last_error = error
        if done:
            page.sync_state, page.sent_at = "sent", utcnow()
        uow.commit()


def _mark(store: Store, attachment_id: str, state: str, error: str) -> None:
    with store.unit_of_work() as uow:
        page = uow.session.get(AttachmentRow, attachment_id)
        if page is None:
            raise RuntimeError(f"attachment {attachment_id[:8]} is not in the store (a bug)")
        page.sync_state, page.last_error = state, error[:200]
        uow.commit()


def upload(store: Store, client: SyncClient, attachment_id: str, chunk: int | ChunkSize) -> bool:
    """Send one page to the end; True when the server has it whole, False when it must
    wait (case not there yet). SyncFailure when the network or the server fails.
    A 413 halves ``chunk`` (down to MIN_CHUNK_BYTES) and the page goes on from the
    offset the server acknowledges (asked again by declaring the page)."""
    size = chunk if isinstance(chunk, ChunkSize) else ChunkSize(chunk)
    try:
        data = store.blobs.read(attachment_id)
    except (BlobMissing, CryptoError) as exc:
        log.error("attachment %s cannot be read: %s", attachment_id[:8], exc)
        _mark(store, attachment_id, "broken", str(exc))
        return False
    try:
        answer = client.declare_attachment(attachment_id, _declaration(store, attachment_id))
    except SyncFailure as exc:
        if exc.status == 404:
            return False  # the server does not have the case (yet): try next round
        if exc.status in (409, 422):
            log.error("attachment %s refused: %s", attachment_id[:8], exc)
            _mark(store, attachment_id, "refused", str(exc))
            return False
        raise
    received, restarts = int(answer["received"]), 0
    while not answer.get("complete"):
        _record(store, attachment_id, sent=received)
        try:
            answer = client.send_chunk(
                attachment_id, received, data[received : received + size.bytes]
            )
        except SyncFailure as exc:
            if exc.status == 413 and size.shrink():
                log.info("chunk refused as too large (413): now %d bytes", size.bytes)
                answer = client.declare_attachment(
                    attachment_id, _declaration(store, attachment_id)
                )
                received = int(answer["received"])
                continue
            reached = exc.body.get("received")
            if exc.status == 409 and isinstance(reached, int):
                received = reached  # the server is elsewhere: go on from there
                continue
            if exc.status == 422 and reached == 0 and restarts < 2:
                restarts += 1  # the whole did not hash right: the server dropped it
                received = 0
                continue
            raise
        received = int(answer["received"])
    _record(store, attachment_id, sent=len(data), done=True)
    return True


def push_attachments(
    store: Store, client: SyncClient, *, chunk_bytes: int = CHUNK_BYTES
) -> AttachmentRound:
    """Send every due page; stops at the first network failure (kept in ``error``)."""
    result = AttachmentRound()
    size = ChunkSize(chunk_bytes)
    for attachment_id in _due(store):
        try:
            if upload(store, client, attachment_id, size):
                result.complete += 1
            else:
                result.waiting += 1
        except SyncFailure as exc:
            with store.unit_of_work() as uow:
                page = uow.session.get(AttachmentRow, attachment_id)
                if page is not None:
                    page.last_error = str(exc)[:200]
                    uow.commit()
            result.error = exc
            break
    return result
