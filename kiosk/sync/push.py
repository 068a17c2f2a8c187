"""Send the outbox, in order, in batches; record each case's fate from its own result.

The stages are each one transaction: read a batch (no lock held while on the
network), send it, then apply the per-case results. A crash between sending and
applying only means the batch goes again; the server answers 202 for what it has.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import insert, select, update

from kiosk.domain.case_states import CaseState
from kiosk.services.packets import packet_of
from kiosk.store.models import AuditEntry, CaseRow, OutboxEntry
from kiosk.store.uow import Store
from kiosk.sync.backoff import Backoff
from kiosk.sync.client import SyncClient, SyncFailure
from kiosk.sync.protocol import ACKNOWLEDGED, CONFLICT, MAX_BATCH, CaseResult

log = logging.getLogger(__name__)

# Case states a send acknowledgement moves to "sent" (later server statuses stay).
BEFORE_SENT = (CaseState.FINALIZED, CaseState.PRINTED, CaseState.QUEUED, CaseState.QUARANTINED)


@dataclass
class PushResult:
    sent: int = 0
    quarantined: int = 0
    failed: int = 0
    error: SyncFailure | None = None
    quarantined_ids: list[str] = field(default_factory=list)


def next_due_at(store: Store) -> datetime | None:
    """When the head of the queue may be tried again (None: nothing pending)."""
    with store.unit_of_work() as uow:
        head = uow.session.scalar(
            select(OutboxEntry).where(OutboxEntry.state == "pending").order_by(OutboxEntry.seq)
        )
        if head is None:
            return None
        return head.next_attempt_at or datetime.min


# The columns a packet is built from (plain rows, not ORM objects: 10,000 cases a minute).
_PACKET_COLUMNS = (
    CaseRow.id,
    CaseRow.number,
    CaseRow.form_id,
    CaseRow.form_version,
    CaseRow.content_hash,
    CaseRow.device_id,
    CaseRow.finalized_at,
    CaseRow.volunteer_id,
    CaseRow.bundle_id,
    CaseRow.personal,
)


def _take_batch(store: Store, now: datetime, limit: int, force: bool) -> list[dict[str, Any]]:
    """The due head of the queue, in order: it stops at the first entry still backing off,
    so a failed batch is never overtaken by younger cases."""
    with store.unit_of_work() as uow:
        query = (
            select(OutboxEntry.next_attempt_at, *_PACKET_COLUMNS)
            .join(CaseRow, CaseRow.id == OutboxEntry.case_id)
            .where(OutboxEntry.state == "pending")
            .order_by(OutboxEntry.seq)
            .limit(limit)
        )
        packets: list[dict[str, Any]] = []
        for row in uow.session.execute(query):
            if not force and row.next_attempt_at is not None and row.next_attempt_at > now:
                break
            if row.personal is None or row.content_hash is None or row.finalized_at is None:
                # Cannot happen for a pending case; never send a stub, make it visible instead.
                packets.append({"case_id": row.id, "_broken": True})
                continue
            packet = packet_of(uow.cases, cast(CaseRow, row))
            # Shallow: asdict() would deep-copy every answer for nothing.
            packets.append({f.name: getattr(packet, f.name) for f in fields(packet)})
        return packets


def _apply(
    store: Store,
    results: dict[str, CaseResult],
    packets: list[dict[str, Any]],
    now: datetime,
    backoff: Backoff,
    error: str | None,
) -> PushResult:
    out = PushResult()
    acked = [cid for cid, r in results.items() if r.status in ACKNOWLEDGED]
    refused = [r for r in results.values() if r.status not in ACKNOWLEDGED]
    missing = [p["case_id"] for p in packets if p["case_id"] not in results]
    with store.unit_of_work() as uow:
        s = uow.session
        if acked:
            # Only rows still pending: another round (UI 立即同步 beside the worker) may
            # have recorded the same acknowledgement already.
            acked = list(
                s.scalars(
                    select(OutboxEntry.case_id).where(
                        OutboxEntry.case_id.in_(acked), OutboxEntry.state == "pending"
                    )
                )
            )
        if acked:
            s.execute(
                update(OutboxEntry)
                .where(OutboxEntry.case_id.in_(acked), OutboxEntry.state == "pending")
                .values(state="sent", acked_at=now, last_error=None, next_attempt_at=None)
            )
            s.execute(
                update(CaseRow)
                .where(CaseRow.id.in_(acked), CaseRow.state.in_(BEFORE_SENT))
                .values(state=CaseState.SENT, updated_at=now)
            )
            s.execute(
                insert(AuditEntry),
                [{"case_id": c, "at": now, "actor": "sync", "action": "sent"} for c in acked],
            )
        for r in refused:
            reason = f"{'conflict' if r.status == CONFLICT else 'rejected'}: {r.reason or ''}"
            entry = uow.outbox.get(r.case_id)
            row = uow.cases.get(r.case_id)
            if entry is None or row is None or entry.state != "pending":
                continue
            entry.state, entry.last_error = "quarantined", reason[:200]
            if row.state in (CaseState.FINALIZED, CaseState.PRINTED, CaseState.QUEUED):
                row.state = CaseState.QUARANTINED
            uow.cases.audit(row, actor="sync", action="quarantined", detail=reason)
            out.quarantined_ids.append(r.case_id)
        for entry in uow.session.scalars(
            select(OutboxEntry).where(
                OutboxEntry.case_id.in_(missing), OutboxEntry.state == "pending"
            )
        ):
            entry.attempts += 1
            entry.next_attempt_at = now + timedelta(seconds=backoff.delay(entry.attempts))
            entry.last_error = (error or "no result for this case in the answer")[:200]
        uow.commit()
    out.sent, out.quarantined, out.failed = len(acked), len(out.quarantined_ids), len(missing)
    return out


def push_batch(
    store: Store,
    client: SyncClient,
    *,
    now: datetime,
    batch_size: int,
    backoff: Backoff,
    force: bool = False,
) -> PushResult | None:
    """Send one batch; None when nothing is due. On failure the batch backs off as a whole."""
    packets = _take_batch(store, now, max(1, min(batch_size, MAX_BATCH)), force)
    if not packets:
        return None
    broken = [p for p in packets if p.get("_broken")]
    sendable = [p for p in packets if not p.get("_broken")]
    results = {
        p["case_id"]: CaseResult(p["case_id"], 422, "purged or unfinished case in the outbox")
        for p in broken
    }
    failure: SyncFailure | None = None
    if sendable:
        try:
            results.update(client.push(sendable))
        except SyncFailure as exc:
            failure = exc
            log.info("sending %d case(s) failed: %s", len(sendable), exc)
    result = _apply(store, results, packets, now, backoff, str(failure) if failure else None)
    result.error = failure
    if result.quarantined_ids:
        log.warning("quarantined case(s) %s", ", ".join(result.quarantined_ids))
    return result
