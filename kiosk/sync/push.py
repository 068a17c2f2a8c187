"""Send the outbox, in order, in batches; record each case's fate from its own result.

The stages are each one transaction: read a batch (no lock held while on the network),
send it, then apply the per-case results. A crash between sending and applying only
means the batch goes again; the server answers 202 for what it has.

One bad case must not stop the queue. When a batch gets HTTP 413 (too large for the
server or a proxy in front of it) or 500/502 (the server or its database failed on
something inside), the batch is split in halves, and halves again, to find the case
that fails:

- a case that is 413 on its own is too large: quarantined with the reason;
- a case that is 500/502 on its own is *suspected* and held aside (the rest of the
  queue goes on); it is retried alone at the end of a round in which other cases went
  through, and quarantined only if it fails alone again then, when the server is
  demonstrably taking cases. A server that fails everything quarantines nothing: after
  two suspects with no success between them the round stops and backs off.

Every 413 also halves the body size the kiosk puts in one request (persisted), so the
next batches fit whatever limit the server or a proxy has.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, update

from kiosk.domain.case_states import CaseState, can_transition, states_leading_to
from kiosk.store.models import AuditEntry, CaseRow, OutboxEntry, utcnow
from kiosk.store.uow import Store
from kiosk.sync import state
from kiosk.sync.backoff import Backoff
from kiosk.sync.batches import Batch, Item, batch_body, suspects, take_batch
from kiosk.sync.protocol import ACKNOWLEDGED, CONFLICT, REJECTED, CaseResult, SyncFailure
from kiosk.sync.renumber import renumberable

if TYPE_CHECKING:  # the client (httpx) is imported by whoever makes one (issue 19)
    from kiosk.sync.client import SyncClient

log = logging.getLogger(__name__)

# Case states a send acknowledgement moves to "sent" (later server statuses stay).
BEFORE_SENT = tuple(states_leading_to(CaseState.SENT))
SPLIT_ON = frozenset({413, 500, 502})
MIN_BODY_BYTES = 1024  # below this a batch is one case, which goes alone anyway
MAX_SUSPECTS_WITHOUT_SUCCESS = 2


@dataclass
class PushResult:
    sent: int = 0
    quarantined: int = 0
    failed: int = 0
    error: SyncFailure | None = None
    quarantined_ids: list[str] = field(default_factory=list)
    epochs: set[str] = field(default_factory=set)
    # 409 number_held for cases this kiosk made: case UUID -> the server's highest
    # sequence for the number (kiosk.sync.renumber); left pending, renumbered by the round.
    number_held: dict[str, int] = field(default_factory=dict)


@dataclass
class _Round:
    """What one push round learned while splitting."""

    acked_any: bool = False
    suspects_in_a_row: int = 0
    body_limit: int | None = None


def next_due_at(store: Store) -> datetime | None:
    """When the head of the queue may be tried again (None: nothing pending)."""
    with store.unit_of_work() as uow:
        pending = OutboxEntry.state == "pending"
        head = uow.session.scalar(
            select(OutboxEntry)
            .where(pending, OutboxEntry.suspected_at.is_(None))
            .order_by(OutboxEntry.seq)
        )
        # A suspect held aside does not hold up the queue behind it; its own retry counts.
        suspect = uow.session.scalar(
            select(func.min(OutboxEntry.next_attempt_at)).where(
                pending, OutboxEntry.suspected_at.is_not(None)
            )
        )
        times = [t for t in (head and (head.next_attempt_at or datetime.min), suspect) if t]
        return min(times) if times else None


def send_batch(client: SyncClient, batch: Batch) -> Batch:
    """POST the batch; its results (or its failure) are filled in. Never raises SyncFailure."""
    batch.results.update(batch.local)
    if batch.items:
        try:
            results, batch.epoch = client.push_raw(
                batch_body(batch.items), [i.case_id for i in batch.items]
            )
            batch.results.update(results)
        except SyncFailure as exc:
            batch.failure = exc
            log.info("sending %d case(s) failed: %s", len(batch.items), exc)
    return batch


def _isolate(client: SyncClient, items: list[Item], rnd: _Round, out: Batch) -> bool:
    """Send ``items``, splitting on 413/500/502 to find the failing case(s). Fills
    ``out.results``; suspects and too-large cases get local results. Returns False when
    the round must stop (a failure splitting cannot help, or the server fails all)."""
    body = batch_body(items)
    try:
        results, epoch = client.push_raw(body, [i.case_id for i in items])
    except SyncFailure as exc:
        if exc.status not in SPLIT_ON:
            out.failure = exc
            return False
        if exc.status == 413:
            limit = max(MIN_BODY_BYTES, len(body) // 2)
            rnd.body_limit = min(rnd.body_limit or limit, limit)
        if len(items) == 1:
            return _alone_failed(items[0], exc, rnd, out)
        middle = len(items) // 2
        return _isolate(client, items[:middle], rnd, out) and _isolate(
            client, items[middle:], rnd, out
        )
    out.results.update(results)
    out.epoch = epoch or out.epoch
    if any(r.status in ACKNOWLEDGED for r in results.values()):
        rnd.acked_any, rnd.suspects_in_a_row = True, 0
    return True


def _alone_failed(item: Item, exc: SyncFailure, rnd: _Round, out: Batch) -> bool:
    if exc.status == 413:
        reason = f"too large for the server ({len(item.encoded)} bytes): HTTP 413"
        out.results[item.case_id] = CaseResult(item.case_id, REJECTED, reason)
        return True
    rnd.suspects_in_a_row += 1
    out.results[item.case_id] = CaseResult(item.case_id, 0, f"suspect: HTTP {exc.status} alone")
    if rnd.suspects_in_a_row >= MAX_SUSPECTS_WITHOUT_SUCCESS and not rnd.acked_any:
        out.failure = exc  # the server fails everything: back off, quarantine nothing
        return False
    return True


def _apply(
    store: Store, batch: Batch, now: datetime, backoff: Backoff, error: str | None
) -> PushResult:
    out = PushResult()
    results = batch.results
    acked = [cid for cid, r in results.items() if r.status in ACKNOWLEDGED]
    refused = [r for r in results.values() if r.status in (CONFLICT, REJECTED)]
    suspected = [cid for cid, r in results.items() if r.status == 0]
    missing = [cid for cid in batch.case_ids if cid not in results]
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
                .values(
                    state="sent",
                    acked_at=now,
                    last_error=None,
                    next_attempt_at=None,
                    suspected_at=None,
                )
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
            if r.number_held and r.held_seq is not None and renumberable(row, store.device_id):
                out.number_held[r.case_id] = r.held_seq  # renumbered, not quarantined
                entry.last_error = f"number held on the server: {r.reason or ''}"[:200]
                continue
            entry.state, entry.last_error = "quarantined", reason[:200]
            entry.quarantined_at, entry.suspected_at = now, None
            if can_transition(row.state, CaseState.QUARANTINED):
                row.state = CaseState.QUARANTINED
            uow.cases.audit(row, actor="sync", action="quarantined", detail=reason)
            out.quarantined_ids.append(r.case_id)
        for entry in s.scalars(
            select(OutboxEntry).where(
                OutboxEntry.case_id.in_(missing + suspected), OutboxEntry.state == "pending"
            )
        ):
            entry.attempts += 1
            entry.next_attempt_at = now + timedelta(seconds=backoff.delay(entry.attempts))
            if entry.case_id in suspected:
                entry.suspected_at = entry.suspected_at or now
                entry.last_error = str(results[entry.case_id].reason)[:200]
            else:
                entry.last_error = (error or "no result for this case in the answer")[:200]
        uow.commit()
    out.sent, out.quarantined = len(acked), len(out.quarantined_ids)
    out.failed = len(missing) + len(suspected)
    if batch.epoch:
        out.epochs.add(batch.epoch)
    return out


def record_batch(store: Store, batch: Batch, now: datetime, backoff: Backoff) -> PushResult:
    error = str(batch.failure) if batch.failure else None
    result = _apply(store, batch, now, backoff, error)
    result.error = batch.failure
    if result.quarantined_ids:
        log.warning("quarantined case(s) %s", ", ".join(result.quarantined_ids))
    return result


def _add(total: PushResult, part: PushResult) -> None:
    total.sent += part.sent
    total.quarantined += part.quarantined
    total.failed += part.failed
    total.quarantined_ids += part.quarantined_ids
    total.epochs |= part.epochs
    total.number_held.update(part.number_held)


def _split_and_record(
    store: Store, client: SyncClient, batch: Batch, rnd: _Round, backoff: Backoff
) -> PushResult:
    """The batch failed with 413/500/502: find the failing cases, record everything."""
    isolated = Batch(batch.items, batch.last_seq, local=dict(batch.local))
    isolated.results.update(batch.local)
    _isolate(client, batch.items, rnd, isolated)
    result = record_batch(store, isolated, utcnow(), backoff)
    if rnd.body_limit is not None:
        with store.unit_of_work() as uow:
            uow.meta.set(state.BODY_LIMIT, str(rnd.body_limit))
            uow.commit()
        log.info("server refused a large body: batches now at most %d bytes", rnd.body_limit)
    return result


def _retry_suspects(
    store: Store, client: SyncClient, rnd: _Round, backoff: Backoff, force: bool, nothing_else: bool
) -> PushResult:
    """Each held-aside case alone: sent if it goes through now; quarantined if it fails
    alone again while the server is taking other cases (this round acknowledged some)."""
    total = PushResult()
    if not (rnd.acked_any or nothing_else):
        return total
    for item in suspects(store, utcnow(), force or rnd.acked_any):
        attempt = Batch([item], 0)
        send_batch(client, attempt)
        failure = attempt.failure
        if failure is not None and failure.status in SPLIT_ON and rnd.acked_any:
            reason = f"the server fails on this case alone (HTTP {failure.status}) but takes others"
            attempt.results[item.case_id] = CaseResult(item.case_id, REJECTED, reason)
            attempt.failure = None
        result = record_batch(store, attempt, utcnow(), backoff)
        _add(total, result)
        if attempt.failure is not None:
            total.error = attempt.failure
            break
    return total


def push_all(
    store: Store,
    client: SyncClient,
    *,
    batch_size: int,
    backoff: Backoff,
    force: bool = False,
    on_batch: Callable[[], None] | None = None,
    pipeline: bool = True,
    max_bytes: int | None = None,
) -> PushResult:
    """Send everything due, batch after batch, stopping at the first failure that
    splitting cannot get past (kiosk.sync.batches bounds each batch by ``batch_size``
    cases and ``max_bytes``).

    Pipelined: once batch N's answer is in and complete, batch N+1 is read and goes on
    the wire (in a helper thread) while N's results are recorded, so kiosk database work
    overlaps the network. Order still holds: N+1 leaves only after N was acknowledged.
    """
    total = PushResult()
    rnd = _Round()

    def take(after: int) -> Batch | None:
        limit = min(x for x in (max_bytes, rnd.body_limit, 1 << 62) if x is not None)
        return take_batch(store, utcnow(), batch_size, force, after_seq=after, max_bytes=limit)

    batch = take(0)
    if batch is not None:
        send_batch(client, batch)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-send") as pool:
        while batch is not None:
            failure = batch.failure
            if failure is not None and failure.status in SPLIT_ON:
                result = _split_and_record(store, client, batch, rnd, backoff)
                _add(total, result)
                if on_batch is not None:
                    on_batch()
                if result.error is not None:
                    total.error = result.error
                    break
                batch = take(batch.last_seq)
                if batch is not None:
                    send_batch(client, batch)
                continue
            following: Batch | None = None
            in_flight: Future[Batch] | None = None
            if batch.complete:
                if any(r.status in ACKNOWLEDGED for r in batch.results.values()):
                    rnd.acked_any, rnd.suspects_in_a_row = True, 0
                following = take(batch.last_seq)
                if following is not None and pipeline:
                    in_flight = pool.submit(send_batch, client, following)
            result = record_batch(store, batch, utcnow(), backoff)
            _add(total, result)
            if on_batch is not None:
                on_batch()
            if not batch.complete:
                total.error = batch.failure or SyncFailure(
                    f"server gave no result for {result.failed} case(s)", reachable=True
                )
                break
            if in_flight is not None:
                in_flight.result()
            elif following is not None:
                send_batch(client, following)
            batch = following
    if total.error is None:
        with store.unit_of_work() as uow:
            others = uow.session.scalar(
                select(OutboxEntry.seq).where(
                    OutboxEntry.state == "pending", OutboxEntry.suspected_at.is_(None)
                )
            )
        retried = _retry_suspects(store, client, rnd, backoff, force, others is None)
        _add(total, retried)
        total.error = retried.error
    return total
