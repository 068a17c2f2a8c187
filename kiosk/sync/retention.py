"""Retention: acknowledged cases lose their personal data locally after the retention period.

The case row stays as a stub (number, state, blind indexes, server status) so
我的办件 still finds it; the town server keeps the case itself.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from kiosk.store.models import CaseRow, OutboxEntry, utcnow
from kiosk.store.uow import Store

log = logging.getLogger(__name__)


def purge_acknowledged(store: Store, *, retention_days: int, now: datetime) -> int:
    """Purge cases acknowledged before ``now - retention_days`` (naive UTC); return the count."""
    cutoff = now - timedelta(days=retention_days)
    with store.unit_of_work() as uow:
        query = (
            select(CaseRow)
            .join(OutboxEntry, OutboxEntry.case_id == CaseRow.id)
            .where(OutboxEntry.state == "sent", OutboxEntry.acked_at < cutoff)
            .where(CaseRow.personal.is_not(None))
        )
        rows = list(uow.session.scalars(query))
        for row in rows:
            row.personal, row.purged_at = None, utcnow()
            uow.cases.audit(row, actor="system", action="purged", detail="retention period over")
        uow.commit()
    if rows:
        log.info("purged personal data of %d case(s) after %d days", len(rows), retention_days)
    return len(rows)
