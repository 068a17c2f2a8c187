"""Batches taken from the head of the outbox: encoded once, bounded by count and bytes.

A packet that breaks a protocol limit (kiosk.sync.packet_limits) is refused here, before
it is sent, with the reason; it is quarantined like a case the server refused. A case
under suspicion (it failed alone with a server error, kiosk.sync.push) is held aside so
it does not block the queue; it is retried on its own at the end of a round.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select

from kiosk.services.packets import packet_of
from kiosk.store.models import CaseRow, OutboxEntry
from kiosk.store.uow import Store
from kiosk.sync.packet_limits import packet_problem
from kiosk.sync.protocol import MAX_BATCH, REJECTED, CaseResult, SyncFailure

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
    CaseRow.release,
    CaseRow.policy_version,
)


@dataclass(frozen=True)
class Item:
    """One case ready to go: its UUID and its packet as compact UTF-8 JSON."""

    case_id: str
    encoded: bytes


def batch_body(items: list[Item]) -> bytes:
    """The request body of these items: ``{"cases":[...]}`` (what a body limit counts)."""
    return b'{"cases":[' + b",".join(i.encoded for i in items) + b"]}"


@dataclass
class Batch:
    """Cases taken from the head of the outbox, and what became of them."""

    items: list[Item]
    last_seq: int
    # Cases refused before sending (broken row, protocol limit): quarantined with reason.
    local: dict[str, CaseResult] = field(default_factory=dict)
    results: dict[str, CaseResult] = field(default_factory=dict)
    epoch: str = ""
    failure: SyncFailure | None = None

    @property
    def packets(self) -> list[dict[str, Any]]:
        """The packets as dicts (tests and benches look at them)."""
        return [json.loads(i.encoded) for i in self.items]

    @property
    def case_ids(self) -> list[str]:
        return [i.case_id for i in self.items] + list(self.local)

    @property
    def complete(self) -> bool:
        """The exchange worked and every case got its own result."""
        return self.failure is None and all(i.case_id in self.results for i in self.items)


def _encode(packet: dict[str, Any]) -> bytes:
    return json.dumps(packet, ensure_ascii=False, separators=(",", ":")).encode()


def take_batch(
    store: Store,
    now: datetime,
    limit: int,
    force: bool,
    *,
    after_seq: int = 0,
    max_bytes: int | None = None,
) -> Batch | None:
    """The due head of the queue (after ``after_seq``), in order: it stops at the first entry
    still backing off, so a failed batch is never overtaken by younger cases. At most
    ``limit`` cases and ``max_bytes`` of body (a single case larger than that still goes
    alone: the server's 413 then says it is too large)."""
    with store.unit_of_work() as uow:
        query = (
            select(
                OutboxEntry.seq,
                OutboxEntry.next_attempt_at,
                OutboxEntry.suspected_at,
                *_PACKET_COLUMNS,
            )
            .join(CaseRow, CaseRow.id == OutboxEntry.case_id)
            .where(OutboxEntry.state == "pending", OutboxEntry.seq > after_seq)
            .order_by(OutboxEntry.seq)
            .limit(max(1, min(limit, MAX_BATCH)))
        )
        batch = Batch([], after_seq)
        size = len(batch_body([]))
        for row in uow.session.execute(query):
            if row.suspected_at is not None:
                batch.last_seq = row.seq  # held aside; retried alone (push.retry_suspects)
                continue
            if not force and row.next_attempt_at is not None and row.next_attempt_at > now:
                break
            if row.personal is None or row.content_hash is None or row.finalized_at is None:
                # Cannot happen for a pending case; never send a stub, make it visible instead.
                reason = "purged or unfinished case in the outbox"
                batch.local[row.id] = CaseResult(row.id, REJECTED, reason)
                batch.last_seq = row.seq
                continue
            packet = packet_of(uow.cases, cast(CaseRow, row))
            # Shallow: asdict() would deep-copy every answer for nothing.
            as_dict = {f.name: getattr(packet, f.name) for f in fields(packet)}
            problem = packet_problem(as_dict)
            if problem is not None:
                reason = f"refused before sending: {problem}"
                batch.local[row.id] = CaseResult(row.id, REJECTED, reason)
                batch.last_seq = row.seq
                continue
            encoded = _encode(as_dict)
            if max_bytes is not None and batch.items and size + len(encoded) + 1 > max_bytes:
                break
            size += len(encoded) + 1
            batch.items.append(Item(row.id, encoded))
            batch.last_seq = row.seq
        return batch if batch.items or batch.local else None


def suspects(store: Store, now: datetime, force: bool) -> list[Item]:
    """The held-aside cases due for their retry alone, oldest first."""
    with store.unit_of_work() as uow:
        query = (
            select(*_PACKET_COLUMNS, OutboxEntry.next_attempt_at)
            .join(CaseRow, CaseRow.id == OutboxEntry.case_id)
            .where(OutboxEntry.state == "pending", OutboxEntry.suspected_at.is_not(None))
            .order_by(OutboxEntry.seq)
        )
        out = []
        for row in uow.session.execute(query):
            if not force and row.next_attempt_at is not None and row.next_attempt_at > now:
                continue
            if row.personal is None:
                continue
            packet = packet_of(uow.cases, cast(CaseRow, row))
            out.append(
                Item(row.id, _encode({f.name: getattr(packet, f.name) for f in fields(packet)}))
            )
        return out
