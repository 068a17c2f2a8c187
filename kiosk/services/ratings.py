"""好差评: the resident rates a finished transaction (GB/T 39734-2020《政务服务评价工作
指南》, "一次一评": one rating per transaction, five levels, a reason asked for the lower
two). Stored with each case of the transaction (a bundle's cases share its ``bundle_id``);
staff see counts only, of transactions, not cases. The levels and
reasons are kiosk.domain.satisfaction's; kiosk.sync.ratings_push sends them to the town
server once the case is there.

No Qt, no free text: the reason is a code from ``REASONS`` so no personal data is kept.
"""

from __future__ import annotations

from sqlalchemy import func, select

from kiosk.domain.case_states import CaseState
from kiosk.domain.satisfaction import LEVELS, LOW_LEVELS, REASONS
from kiosk.services.context import KioskContext
from kiosk.store.models import CaseRow, utcnow

__all__ = ["LEVELS", "LOW_LEVELS", "REASONS", "RatingError", "rate_cases", "rating_counts"]


class RatingError(ValueError):
    """A level or reason not in the lists, a case not finished, or rated already."""


def rate_cases(
    ctx: KioskContext,
    case_ids: list[str],
    level: str,
    reason: str | None = None,
    *,
    actor: str = "resident",
) -> None:
    """Store ``level`` (a ``LEVELS`` key) and ``reason`` (a ``REASONS`` key, only for the
    lower two levels) on each finished case of one transaction, audited as ``rated``.
    One transaction is one case, or the cases of one bundle (the same ``bundle_id``): the
    server counts it once (kiosk.sync.ratings_push). All or nothing: raises RatingError
    (nothing saved) for a bad level or reason, cases of more than one transaction, a
    draft, or a case already rated (一次一评)."""
    if level not in LEVELS:
        raise RatingError(f"unknown rating level {level!r}")
    if reason is not None and (level not in LOW_LEVELS or reason not in REASONS):
        raise RatingError(f"reason {reason!r} does not fit level {level!r}")
    now = utcnow()
    with ctx.store.unit_of_work() as uow:
        rows = [uow.cases.require(case_id) for case_id in case_ids]
        if len({row.bundle_id or row.id for row in rows}) > 1:
            raise RatingError("the cases are not one transaction (one case, or one bundle)")
        for row in rows:
            if row.state == CaseState.DRAFT:
                raise RatingError(f"case {row.number} is not finished")
            if row.rating is not None:
                raise RatingError(f"case {row.number} is rated already")
            row.rating, row.rating_reason, row.rated_at = level, reason, now
            detail = level if reason is None else f"{level} reason={reason}"
            uow.cases.audit(row, actor=actor, action="rated", detail=detail)
        uow.commit()


def rating_counts(ctx: KioskContext) -> dict[str, int]:
    """How many transactions have each level (every level present, zero included): a
    bundle rated once counts once, however many cases it made (一次一评)."""
    counts = dict.fromkeys(LEVELS, 0)
    transaction = func.coalesce(CaseRow.bundle_id, CaseRow.id)
    with ctx.store.unit_of_work() as uow:
        rows = uow.session.execute(
            select(CaseRow.rating, func.count(func.distinct(transaction)))
            .where(CaseRow.rating.is_not(None))
            .group_by(CaseRow.rating)
        )
        for level, n in rows:
            if level in counts:
                counts[level] = int(n)
    return counts
