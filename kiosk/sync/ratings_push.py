"""Send each case's 好差评 to the town server once the server has the case
(docs/sync-protocol.md, "Ratings"; issue 15 point 7).

The case was frozen and hashed at finalize, and is often sent before the resident rates
it, so the rating is a separate update: ``POST /ratings``, in batches, after the cases.
Each rating names its transaction (``transaction_id``: the bundle's id for the cases of
a bundle, else the case's id) so the server counts a bundle's one rating once (一次一评).
It is kept on the case's outbox entry (``outbox.rating_sent_at`` / ``rating_refused``):

- due: the case has a rating (kiosk.services.ratings), its outbox entry is ``sent``, and
  the rating is neither acknowledged nor refused;
- 201 (stored) or 202 (the server had this very rating: an answer lost on the way)
  → acknowledged, never sent again;
- 409 (the server holds another rating for the case: 一次一评) or 422 (refused)
  → kept aside with the server's reason, never sent again (staff see it in the log);
- a network or server failure → nothing recorded: sent again next round. The server
  stores a rating at most once whatever is resent, so the whole is exactly-once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kiosk.domain.satisfaction import SCORES
from kiosk.store.models import CaseRow, OutboxEntry, utcnow
from kiosk.store.uow import Store
from kiosk.sync.protocol import SyncFailure

if TYPE_CHECKING:  # the client (httpx) is imported by whoever makes one (issue 19)
    from kiosk.sync.client import SyncClient

log = logging.getLogger(__name__)
BATCH = 100


@dataclass
class RatingRound:
    sent: int = 0  # acknowledged this round (201 or 202)
    refused: int = 0  # 409 / 422: kept aside
    error: SyncFailure | None = None


def _due(store: Store, limit: int) -> list[dict[str, Any]]:
    with store.unit_of_work() as uow:
        rows = uow.session.execute(
            select(
                CaseRow.id,
                CaseRow.bundle_id,
                CaseRow.rating,
                CaseRow.rating_reason,
                CaseRow.rated_at,
            )
            .join(OutboxEntry, OutboxEntry.case_id == CaseRow.id)
            .where(
                CaseRow.rating.is_not(None),
                OutboxEntry.state == "sent",
                OutboxEntry.rating_sent_at.is_(None),
                OutboxEntry.rating_refused.is_(None),
            )
            .order_by(CaseRow.rated_at, CaseRow.id)
            .limit(limit)
        )
        out = []
        for case_id, bundle_id, level, reason, rated_at in rows:
            if level not in SCORES:  # not a level this kiosk knows: never sent
                continue
            # 一次一评: the cases of a bundle are one transaction, rated and counted once.
            transaction = bundle_id or case_id
            item: dict[str, Any] = {"case_id": case_id, "transaction_id": transaction}
            item["score"] = SCORES[level]
            if reason:
                item["reason"] = reason
            if rated_at is not None:
                item["rated_at"] = rated_at.isoformat() + "Z"
            out.append(item)
        return out


def pending_ratings(store: Store) -> int:
    """Ratings of sent cases not yet acknowledged or refused."""
    return len(_due(store, limit=1_000_000))


def _record(store: Store, results: dict[str, tuple[int, str | None]], result: RatingRound) -> None:
    now = utcnow()
    with store.unit_of_work() as uow:
        for case_id, (status, reason) in results.items():
            entry = uow.session.scalars(
                select(OutboxEntry).where(OutboxEntry.case_id == case_id)
            ).first()
            if entry is None:
                continue
            if status in (201, 202):
                entry.rating_sent_at = now
                result.sent += 1
            elif status in (409, 422):
                entry.rating_refused = f"HTTP {status}: {reason or ''}"[:200]
                log.error("rating of case %s refused: HTTP %s %s", case_id[:8], status, reason)
                result.refused += 1
        uow.commit()


def push_ratings(store: Store, client: SyncClient, *, batch: int = BATCH) -> RatingRound:
    """Send every due rating in batches; stops at the first failure (kept in ``error``)."""
    result = RatingRound()
    while True:
        due = _due(store, batch)
        if not due:
            return result
        try:
            answers = client.post_ratings(due)
        except SyncFailure as exc:
            result.error = exc
            return result
        before = result.sent + result.refused
        _record(store, answers, result)
        if result.sent + result.refused == before:
            return result  # answers that settle nothing (another status): next round
