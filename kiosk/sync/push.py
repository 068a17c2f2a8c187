"""Send the outbox, in order, in batches; record each case's fate from its own result.

The stages are each one transaction: read a batch (no lock held while on the
network), send it, then apply the per-case results. A crash between sending and
applying only means the batch goes again; the server answers 202 for what it has.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import insert, select, update

from kiosk.domain.case_states import CaseState, can_transition, states_leading_to
from kiosk.services.packets import packet_of
from kiosk.store.models import AuditEntry, CaseRow, OutboxEntry, utcnow
from kiosk.store.uow import Store
from kiosk.sync.backoff import Backoff
from kiosk.sync.client import SyncClient, SyncFailure
from kiosk.sync.protocol import ACKNOWLEDGED, CONFLICT, MAX_BATCH, REJECTED, CaseResult

log = logging.getLogger(__name__)

# Case states a send acknowledgement moves to "sent" (later server statuses stay).
BEFORE_SENT = tuple(states_leading_to(CaseState.SENT))


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
    CaseRow.identity_code,
    CaseRow.personal,
)


@dataclass
class Batch:
    """Cases taken from the head of the outbox, and what the server said about them."""

    packets: list[dict[str, Any]]  # "_broken" markers included
    last_seq: int
    results: dict[str, CaseResult] = field(default_factory=dict)
    failure: SyncFailure | None = None

    @property
    def complete(self) -> bool:
        """The exchange worked and every case got its own result."""
        return self.failure is None and all(p["case_id"] in self.results for p in self.packets)


def take_batch(
    store: Store, now: datetime, limit: int, force: bool, *, after_seq: int = 0
) -> Batch | None:
    """The due head of the queue (after ``after_seq``), in order: it stops at the first entry
    still backing off, so a failed batch is never overtaken by younger cases."""
    with store.unit_of_work() as uow:
        query = (
            select(OutboxEntry.seq, OutboxEntry.next_attempt_at, *_PACKET_COLUMNS)
            .join(CaseRow, CaseRow.id == OutboxEntry.case_id)
            .where(OutboxEntry.state == "pending", OutboxEntry.seq > after_seq)
            .order_by(OutboxEntry.seq)
            .limit(max(1, min(limit, MAX_BATCH)))
        )
        packets: list[dict[str, Any]] = []
        last_seq = after_seq
        for row in uow.session.execute(query):
            if not force and row.next_attempt_at is not None and row.next_attempt_at > now:
                break
            last_seq = row.seq
            if row.personal is None or row.content_hash is None or row.finalized_at is None:
                # Cannot happen for a pending case; never send a stub, make it visible instead.
                packets.append({"case_id": row.id, "_broken": True})
                continue
            packet = packet_of(uow.cases, cast(CaseRow, row))
            # Shallow: asdict() would deep-copy every answer for nothing.
            packets.append({f.name: getattr(packet, f.name) for f in fields(packet)})
        return Batch(packets, last_seq) if packets else None


def send_batch(client: SyncClient, batch: Batch) -> Batch:
    """POST the batch; its results (or its failure) are filled in. Never raises SyncFailure."""
    sendable = [p for p in batch.packets if not p.get("_broken")]
    for p in batch.packets:
        if p.get("_broken"):
            reason = "purged or unfinished case in the outbox"
            batch.results[p["case_id"]] = CaseResult(p["case_id"], REJECTED, reason)
    if sendable:
        try:
            batch.results.update(client.push(sendable))
        except SyncFailure as exc:
            batch.failure = exc
            log.info("sending %d case(s) failed: %s", len(sendable), exc)
    return batch


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
            if can_transition(row.state, CaseState.QUARANTINED):
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


def record_batch(store: Store, batch: Batch, now: datetime, backoff: Backoff) -> PushResult:
    error = str(batch.failure) if batch.failure else None
    result = _apply(store, batch.results, batch.packets, now, backoff, error)
    result.error = batch.failure
    if result.quarantined_ids:
        log.warning("quarantined case(s) %s", ", ".join(result.quarantined_ids))
    return result


def push_all(
    store: Store,
    client: SyncClient,
    *,
    batch_size: int,
    backoff: Backoff,
    force: bool = False,
    on_batch: Callable[[], None] | None = None,
    pipeline: bool = True,
) -> PushResult:
    """Send everything due, batch after batch, stopping at the first failure.

    Pipelined: once batch N's answer is in and complete, batch N+1 is read and goes on
    the wire (in a helper thread) while N's results are recorded, so kiosk database work
    overlaps the network. Order still holds: N+1 leaves only after N was acknowledged.
    """
    total = PushResult()
    batch = take_batch(store, utcnow(), batch_size, force)
    if batch is not None:
        send_batch(client, batch)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-send") as pool:
        while batch is not None:
            following: Batch | None = None
            in_flight: Future[Batch] | None = None
            if batch.complete:
                following = take_batch(store, utcnow(), batch_size, force, after_seq=batch.last_seq)
                if following is not None:
                    in_flight = pool.submit(send_batch, client, following)
            result = record_batch(store, batch, utcnow(), backoff)
            total.sent += result.sent
            total.quarantined += result.quarantined
            total.failed += result.failed
            total.quarantined_ids += result.quarantined_ids
            if on_batch is not None:
                on_batch()
            if not batch.complete:
                total.error = batch.failure or SyncFailure(
                    f"server gave no result for {result.failed} case(s)", reachable=True
                )
                break
            if in_flight is not None:
                in_flight.result()
            batch = following
    return total
