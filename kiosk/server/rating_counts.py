"""好差评 counts by level, per local day and per service, for the desk console's overview
and the staff API (``GET /api/v1/staff/ratings``). Counts only: no case, no person.

A rating's day is the hall's local day of ``rated_at`` (naive UTC in the table, the
zone from DeskSettings, Asia/Shanghai by default); its service is the rated case's form
(``ServerCase.form_id``, titled from the catalogue when the form is known).

一次一评 (GB/T 39734-2020): a transaction is rated once, however many cases it made (the
家人去世 bundle: one rating kept on each of its cases), so a day counts each transaction
(``Rating.transaction_id``) once, on its first rating; a service counts each transaction
once under each service it included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from kiosk.domain.satisfaction import LEVEL_OF_SCORE, LEVELS
from kiosk.forms.catalogue import Catalogue, UnknownForm
from kiosk.server.desk.models import Rating
from kiosk.server.models import ServerCase


@dataclass(frozen=True)
class RatingCounts:
    """Scores (5 非常满意 … 1 非常不满意) counted per local day and per form id."""

    by_day: dict[date, Counter[int]]  # newest day first
    by_service: dict[str, Counter[int]]  # most ratings first
    titles: dict[str, str]  # form id -> its short title (the id when unknown)


def count_ratings(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    zone: ZoneInfo,
    forms: Catalogue | None = None,
) -> RatingCounts:
    """Ratings with ``since`` <= rated_at < ``until`` (naive UTC), counted."""
    rows = session.execute(
        select(transaction_of(), Rating.score, Rating.rated_at, ServerCase.form_id)
        .join(ServerCase, ServerCase.id == Rating.case_id, isouter=True)
        .where(Rating.rated_at >= since, Rating.rated_at < until)
        .order_by(Rating.rated_at, Rating.case_id)
    )
    by_day: dict[date, Counter[int]] = defaultdict(Counter)
    by_service: dict[str, Counter[int]] = defaultdict(Counter)
    days_seen: set[str] = set()
    services_seen: set[tuple[str, str]] = set()
    for transaction, score, rated_at, form_id in rows:
        if transaction not in days_seen:
            days_seen.add(transaction)
            day = rated_at.replace(tzinfo=UTC).astimezone(zone).date()
            by_day[day][int(score)] += 1
        service = form_id or "?"
        if (transaction, service) not in services_seen:
            services_seen.add((transaction, service))
            by_service[service][int(score)] += 1
    titles = {form_id: _title(forms, form_id) for form_id in by_service}
    return RatingCounts(
        by_day=dict(sorted(by_day.items(), reverse=True)),
        by_service=dict(sorted(by_service.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))),
        titles=titles,
    )


def transaction_of() -> ColumnElement[str]:
    """A rating's transaction: its ``transaction_id``, or its case alone (rows of old kiosks)."""
    return func.coalesce(Rating.transaction_id, Rating.case_id)


def _title(forms: Catalogue | None, form_id: str) -> str:
    if forms is None:
        return form_id
    try:
        return forms.get(form_id).short_title
    except UnknownForm:
        return form_id


def by_level(counts: Counter[int]) -> dict[str, int]:
    """{level code: n} for every level, zero included (kiosk.domain.satisfaction)."""
    return {level: counts.get(score, 0) for score, level in sorted(LEVEL_OF_SCORE.items())[::-1]}


class LevelCountsOut(BaseModel):
    counts: dict[str, int] = Field(description="level code -> ratings, every level present")
    total: int


class DayCountsOut(LevelCountsOut):
    day: str = Field(description="local day, YYYY-MM-DD")


class ServiceCountsOut(LevelCountsOut):
    form_id: str
    title: str


class RatingCountsOut(BaseModel):
    protocol: str
    levels: dict[str, str] = Field(description="level code -> its words (GB/T 39734-2020)")
    days: list[DayCountsOut]
    services: list[ServiceCountsOut]


def counts_body(counts: RatingCounts) -> dict[str, Any]:
    """The staff API's fields (without the envelope) for ``counts``."""
    return {
        "levels": dict(LEVELS),
        "days": [
            {"day": d.isoformat(), "counts": by_level(c), "total": sum(c.values())}
            for d, c in counts.by_day.items()
        ],
        "services": [
            {
                "form_id": form_id,
                "title": counts.titles[form_id],
                "counts": by_level(c),
                "total": sum(c.values()),
            }
            for form_id, c in counts.by_service.items()
        ],
    }
