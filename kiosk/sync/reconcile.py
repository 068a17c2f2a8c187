"""Reconciliation: does the town server still have what it acknowledged?

At the start of every round the kiosk asks ``GET /device`` (one small request): the
server's epoch, how many of this device's cases it holds, its highest status-change
number, and this device's last case numbers of recent days. Then:

- a kiosk restored from an older data root raises its day counters to the server's
  numbers before it issues new ones (no number is handed out twice), and takes back the
  device number enrollment gave it;
- if the epoch differs from the one our acknowledgements came from, or the server holds
  fewer of our cases (or of our photographed pages, whole) than we have acknowledged, or
  RECONCILE_EVERY passed since the last full check, the kiosk sends the (UUID, content
  hash) of every case it counts as sent (``POST /cases/have``, 2,000 a request) and puts
  those the server lacks, or holds with other content, back into the outbox; they go out
  in the same round;
- a changes cursor beyond the server's last status change (the server went back) is
  rewound to 0 (applying a status twice is harmless), and that too starts the full check;
- the full check also sends the (id, SHA-256) of every photographed page the kiosk
  counts as sent and still holds (``POST /attachments/have``); a page the server lacks
  or holds only part-way goes back to pending from byte 0 and is sent again after its
  case (kiosk.sync.attachments_push);
- on a new epoch every kind of reference data is fetched again (its versions may have
  gone back and be reused: published releases, kiosk.services.published).

A case whose personal data was already purged cannot be sent again: it is logged by
number (its printed form and QR code are the way back).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from kiosk.domain.case_numbers import DEVICE_NO_KEY
from kiosk.store.models import AttachmentRow, CaseRow, DayCounter, OutboxEntry, utcnow
from kiosk.store.uow import Store
from kiosk.sync import state
from kiosk.sync.protocol import device_no_of

if TYPE_CHECKING:  # the client (httpx) is imported by whoever makes one (issue 19)
    from kiosk.sync.client import SyncClient

log = logging.getLogger(__name__)
RECONCILE_EVERY = timedelta(hours=6)
HAVE_CHUNK = 2000
# "YYMMDD-<device part>": the device number, or the tag of cases made before enrollment;
# the kiosk counts one sequence per day whatever the part (kiosk.domain.case_numbers).
_DAY_KEY = re.compile(r"^(\d{6})-[0-9A-Z]{2,8}$")


@dataclass(frozen=True)
class ReconcileReport:
    checked: int = 0
    requeued: int = 0
    lost: int = 0  # the server lacks them and our copy was purged
    reason: str = ""
    pages_requeued: int = 0  # photographed pages the server lacked or held part-way


def raise_day_counters(store: Store, last_numbers: Any) -> None:
    """Make the next case number of each day higher than any the server holds from us."""
    if not isinstance(last_numbers, dict):
        return
    highest: dict[str, int] = {}
    for key, seq in last_numbers.items():
        match = _DAY_KEY.match(str(key))
        if match and isinstance(seq, int) and 0 < seq < 1_000_000:
            highest[match.group(1)] = max(highest.get(match.group(1), 0), seq)
    if not highest:
        return
    with store.unit_of_work() as uow:
        changed = False
        for day, seq in highest.items():
            counter = uow.session.get(DayCounter, day)
            if counter is None:
                uow.session.add(DayCounter(day=day, last_seq=seq))
                changed = True
            elif counter.last_seq < seq:
                log.warning("case numbers of %s continue after %d (the server had them)", day, seq)
                counter.last_seq, changed = seq, True
        if changed:
            uow.commit()


def keep_device_no(store: Store, device_no: int | None) -> None:
    """Store the device number the server holds for this kiosk when ours differs (a data
    root restored from before enrollment, or from before a number was given)."""
    if device_no is None:
        return
    with store.unit_of_work() as uow:
        if uow.meta.get(DEVICE_NO_KEY) != str(device_no):
            log.warning("device number %d taken from the server", device_no)
            uow.meta.set(DEVICE_NO_KEY, str(device_no))
            uow.commit()


def _why(store: Store, server: dict[str, Any], now: datetime) -> str:
    with store.unit_of_work() as uow:
        epoch = uow.meta.get(state.EPOCH) or ""
        checked = state.get_time(uow.meta, state.RECONCILED_AT)
        # Only our own cases: the server counts a case forwarded for another kiosk (after a
        # QR import here) as that kiosk's.
        sent = uow.session.scalar(
            select(func.count())
            .select_from(OutboxEntry)
            .join(CaseRow, CaseRow.id == OutboxEntry.case_id)
            .where(OutboxEntry.state == "sent", CaseRow.device_id == store.device_id)
        )
    if epoch and server["epoch"] != epoch:
        return "the server's epoch changed (restored from a backup?)"
    if int(server["cases"]) < int(sent or 0):
        return f"the server holds {server['cases']} of our cases, we sent {sent}"
    pages = server.get("pages")
    if isinstance(pages, int) and pages < _pages_sent(store):
        return f"the server holds {pages} of our photographed pages whole, we sent more"
    if checked is None or now - checked >= RECONCILE_EVERY:
        return "scheduled check"
    return ""


def _pages_sent(store: Store) -> int:
    """Pages we count as sent and still hold (the server keeps at least as many)."""
    with store.unit_of_work() as uow:
        found = uow.session.scalar(
            select(func.count())
            .select_from(AttachmentRow)
            .where(AttachmentRow.sync_state == "sent", AttachmentRow.purged_at.is_(None))
        )
    return int(found or 0)


def _rewind_cursor(store: Store, server: dict[str, Any], epoch_changed: bool) -> bool:
    """Rewind the changes cursor when the server went back; True when it was beyond the
    server's last change (a sign of a restore even when the epoch stayed)."""
    last = server.get("last_change_seq")
    with store.unit_of_work() as uow:
        cursor = state.get_int(uow.meta, state.CHANGES_CURSOR)
        went_back = isinstance(last, int) and cursor > last
        if epoch_changed or went_back:
            if cursor:
                log.warning("changes cursor %d rewound: the server's changes went back", cursor)
            uow.meta.set(state.CHANGES_CURSOR, "0")
            uow.commit()
    return went_back


def check(
    store: Store, client: SyncClient, server: dict[str, Any], now: datetime | None = None
) -> ReconcileReport:
    """The per-round check on the ``GET /device`` answer ``server``; runs the full
    have/want exchange when it is needed. Raises SyncFailure."""
    now = now or utcnow()
    keep_device_no(store, device_no_of(server))
    raise_day_counters(store, server.get("last_numbers"))
    reason = _why(store, server, now)
    with store.unit_of_work() as uow:
        stored_epoch = uow.meta.get(state.EPOCH) or ""
    went_back = _rewind_cursor(
        store, server, bool(stored_epoch) and stored_epoch != server["epoch"]
    )
    if not reason and went_back:
        reason = "the server's status changes went back (restored from a backup?)"
    if not reason:
        return ReconcileReport()
    report = reconcile(store, client, str(server["epoch"]), now, reason)
    return report


def reconcile(
    store: Store, client: SyncClient, epoch: str, now: datetime, reason: str
) -> ReconcileReport:
    """Ask about every case we count as sent; requeue what the server lacks."""
    with store.unit_of_work() as uow:
        rows = list(
            uow.session.execute(
                select(OutboxEntry.case_id, CaseRow.content_hash, CaseRow.personal.is_not(None))
                .join(CaseRow, CaseRow.id == OutboxEntry.case_id)
                .where(OutboxEntry.state == "sent", CaseRow.content_hash.is_not(None))
                .order_by(OutboxEntry.seq)
            )
        )
    pairs = [(str(r[0]), str(r[1])) for r in rows]
    resendable = {str(r[0]) for r in rows if r[2]}
    gone: set[str] = set()
    for start in range(0, len(pairs), HAVE_CHUNK):
        _epoch, missing, differ = client.have(pairs[start : start + HAVE_CHUNK])
        gone |= missing | differ
    requeue = sorted(gone & resendable)
    lost = sorted(gone - resendable)
    with store.unit_of_work() as uow:
        for entry in uow.session.scalars(
            select(OutboxEntry).where(OutboxEntry.case_id.in_(requeue))
        ):
            entry.state, entry.attempts, entry.next_attempt_at = "pending", 0, None
            entry.acked_at, entry.suspected_at = None, None
            # Its 好差评 went with what the server lost: it goes again after the case
            # (kiosk.sync.ratings_push; a server that still has it answers 202).
            entry.rating_sent_at, entry.rating_refused = None, None
            entry.last_error = "the server no longer had it; sending again"
            row = uow.cases.get(entry.case_id)
            if row is not None:
                uow.cases.audit(row, actor="sync", action="requeued", detail="server lacked it")
        numbers = [
            n for n in uow.session.scalars(select(CaseRow.number).where(CaseRow.id.in_(lost)))
        ]
        old_epoch = uow.meta.get(state.EPOCH) or ""
        if old_epoch and old_epoch != epoch:
            # Restored: its reference versions (e.g. release numbers) may be reused.
            forgotten = state.forget_reference_versions(uow.meta)
            log.warning("server epoch changed: reference data %s fetched again", forgotten)
        uow.meta.set(state.EPOCH, epoch)
        uow.meta.set(state.RECONCILED_AT, now.isoformat())
        uow.commit()
    if requeue:
        log.warning("%s: %d case(s) the server lacked go again", reason, len(requeue))
    if lost:
        log.error(
            "%s: the server lacks %d purged case(s), import them from their printed QR codes: %s",
            reason,
            len(lost),
            ", ".join(numbers[:50]),
        )
    pages = requeue_pages(store, client, reason)
    return ReconcileReport(len(pairs), len(requeue), len(lost), reason, pages)


def requeue_pages(store: Store, client: SyncClient, reason: str) -> int:
    """Ask the server about every page we count as sent and still hold; those it lacks or
    holds part-way go back to pending from byte 0. Returns how many. Raises SyncFailure."""
    with store.unit_of_work() as uow:
        pages = [
            (str(r[0]), str(r[1]))
            for r in uow.session.execute(
                select(AttachmentRow.id, AttachmentRow.sha256)
                .where(AttachmentRow.sync_state == "sent", AttachmentRow.purged_at.is_(None))
                .order_by(AttachmentRow.added_at, AttachmentRow.id)
            )
        ]
    lacking: set[str] = set()
    for start in range(0, len(pages), HAVE_CHUNK):
        lacking |= client.attachments_not_complete(pages[start : start + HAVE_CHUNK])
    if not lacking:
        return 0
    with store.unit_of_work() as uow:
        for page in uow.session.scalars(
            select(AttachmentRow).where(AttachmentRow.id.in_(sorted(lacking)))
        ):
            page.sync_state, page.sent_bytes, page.sent_at = "pending", 0, None
            page.last_error = "the server no longer had it whole; sending again"
        uow.commit()
    log.warning("%s: %d photographed page(s) the server lacked go again", reason, len(lacking))
    return len(lacking)
