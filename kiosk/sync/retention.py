"""Retention: cases lose their personal data locally once they are no longer needed here.

- Acknowledged cases: ``retention_days`` (default 30) after the town server took them.
  Their photographed materials (attachments) go with them, files zeroed and removed. A
  case with a page not yet whole on the server (a link down for weeks, or a page sent
  again after the server was restored from a backup) is held back until the page is
  there, but at most PAGES_HOLD_FACTOR times ``retention_days`` in all.
- Quarantined cases (the server refused them and staff did not release them):
  ``quarantine_retention_days`` (default 90) after they were quarantined; their outbox
  entry becomes ``expired`` (nothing to send any more).

The case row stays as a stub (number, state, blind indexes, server status) so 我的办件
still finds it; the answers, the names and the desk's note are removed. The store runs
with ``secure_delete`` (freed space is zeroed) and the purge ends with a WAL checkpoint
that truncates the -wal file, so no purged ciphertext stays in the database file, its
free pages or its WAL (docs/data-protection.md, "Purge").
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.store.database import checkpoint
from kiosk.store.models import AttachmentRow, CaseRow, OutboxEntry, utcnow
from kiosk.store.uow import Store

log = logging.getLogger(__name__)
PAGES_HOLD_FACTOR = 3


def _purge_attachments(store: Store, session: Session, case_id: str) -> None:
    """The case's photographed pages go with its personal data: the encrypted files are
    zeroed and removed; the rows stay (no personal data) with ``purged_at`` set."""
    query = select(AttachmentRow).where(
        AttachmentRow.case_id == case_id, AttachmentRow.purged_at.is_(None)
    )
    for page in session.scalars(query):
        store.blobs.delete(page.id)
        page.purged_at = utcnow()
        if page.sync_state == "pending":
            page.sync_state = "gone"


def purge_acknowledged(
    store: Store,
    *,
    retention_days: int,
    now: datetime,
    quarantine_retention_days: int | None = None,
) -> int:
    """Purge expired cases (naive UTC ``now``); return how many were purged."""
    cutoff = now - timedelta(days=retention_days)
    with store.unit_of_work() as uow:
        query = (
            select(CaseRow, OutboxEntry)
            .join(OutboxEntry, OutboxEntry.case_id == CaseRow.id)
            .where(or_(CaseRow.personal.is_not(None), CaseRow.server_note.is_not(None)))
        )
        sent = OutboxEntry.state == "sent"
        waiting = (
            select(AttachmentRow.id)
            .where(
                AttachmentRow.case_id == CaseRow.id,
                AttachmentRow.sync_state == "pending",
                AttachmentRow.purged_at.is_(None),
            )
            .exists()
        )
        hold_cutoff = now - timedelta(days=retention_days * PAGES_HOLD_FACTOR)
        expired = (
            sent
            & (OutboxEntry.acked_at < cutoff)
            & (~waiting | (OutboxEntry.acked_at < hold_cutoff))
        )
        if quarantine_retention_days is not None:
            q_cutoff = now - timedelta(days=quarantine_retention_days)
            quarantined = (OutboxEntry.state == "quarantined") & (
                OutboxEntry.quarantined_at < q_cutoff
            )
            expired = expired | quarantined
        rows = list(uow.session.execute(query.where(expired)))
        for row, entry in rows:
            row.personal, row.server_note, row.purged_at = None, None, utcnow()
            row.print_plan = None  # the paper as data holds the same personal data
            _purge_attachments(store, uow.session, row.id)
            detail = "retention period over"
            if entry.state == "quarantined":
                entry.state, detail = "expired", "quarantine retention period over"
            uow.cases.audit(row, actor="system", action="purged", detail=detail)
        uow.commit()
    if rows:
        # secure_delete zeroed the old cells as the pages were rewritten; the checkpoint
        # moves those pages into the database file and empties the WAL.
        if not checkpoint(store.engine):
            log.warning("purge: the WAL could not be emptied yet (busy); next purge retries")
        log.info("purged personal data of %d case(s)", len(rows))
    return len(rows)
