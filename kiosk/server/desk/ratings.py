"""好差评 from the kiosks: ``POST /api/v1/ratings`` (device token, like every sync call).

A resident rates a case after the hall served it, so the rating travels on its own,
not inside the case packet (which was frozen and hashed at finalize). Body::

    {"ratings": [{"case_id": "<uuid>", "transaction_id": "<uuid>", "score": 2,
                  "reason": "waited", "rated_at": "…Z"}]}

``score``: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 (国办发〔2019〕51号,
GB/T 39734-2020); ``reason``: a code of kiosk.domain.satisfaction.REASONS, only for
scores 1 and 2; ``comment``: free text from other clients (the kiosk never sends one).

``transaction_id``: what the resident rated once (一次一评): the case's ``bundle_id`` when
it came in a bundle (家人去世: several cases, one rating), else the case's own id; optional
(derived from the case when missing), refused (422) when it is neither.

One rating per case and one score per transaction, idempotent like the cases themselves:
the first is stored (201); the same score and reason again is acknowledged without change
(202: a kiosk that lost the answer sends it again); a different one for the case or for
another case of its transaction is refused (409) and the first kept. A case the server
does not have, or made on another device, is refused (422). Answer::

    {"protocol": "bangban-sync/1", "results": [{"case_id": "…", "status": 201, "reason": null}]}
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain.satisfaction import REASONS
from kiosk.server.api_models import Text, UuidText
from kiosk.server.desk.models import Rating
from kiosk.server.models import Device, ServerCase
from kiosk.store.sqlbase import utcnow
from kiosk.sync.packet_limits import canonical_uuid
from kiosk.sync.protocol import API_PREFIX, envelope

REASON_PATTERN = f"^({'|'.join(REASONS)})$"


class RatingIn(BaseModel):
    """One rating; texts are column-sized and take no control characters (kiosk.server
    answers bad input with 4xx, never 5xx)."""

    model_config = ConfigDict(extra="forbid")

    case_id: UuidText
    transaction_id: UuidText | None = Field(
        default=None, description="the case's bundle_id, or its own id alone (一次一评)"
    )
    score: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    reason: Annotated[str, StringConstraints(pattern=REASON_PATTERN)] | None = Field(
        default=None, description="why, for scores 1 and 2 (kiosk.domain.satisfaction)"
    )
    comment: Annotated[Text, StringConstraints(max_length=200)] | None = None
    rated_at: Annotated[Text, StringConstraints(max_length=40)] | None = Field(
        default=None, description="ISO 8601 UTC; default: now"
    )


class RatingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ratings: list[RatingIn] = Field(max_length=500)


class RatingResultOut(BaseModel):
    case_id: str
    status: int = Field(
        description="201 stored, 202 had it already, 409 rated already, 422 refused"
    )
    reason: str | None


class RatingsOut(BaseModel):
    protocol: str
    results: list[RatingResultOut]


def _when(text: str | None) -> datetime:
    if not text:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text.removesuffix("Z"))
    except ValueError:
        return utcnow()
    return moment.replace(tzinfo=None) if moment.tzinfo is None else utcnow()


def _canonical(text: str) -> str | None:
    try:
        return canonical_uuid(text)
    except ValueError:
        return None


def store_ratings(
    session: Session, device_id: str, ratings: list[RatingIn]
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for r in ratings:
        try:
            case_id = canonical_uuid(r.case_id)
        except ValueError:
            results.append({"case_id": r.case_id, "status": 422, "reason": "case_id is not a UUID"})
            continue
        case = session.get(ServerCase, case_id)
        if case is None or case.device_id != device_id:
            reason = "no such case from this device"
            results.append({"case_id": case_id, "status": 422, "reason": reason})
            continue
        if r.reason is not None and r.score > 2:
            reason = "a reason is given only for scores 1 and 2"
            results.append({"case_id": case_id, "status": 422, "reason": reason})
            continue
        transaction = case.bundle_id or case_id
        if r.transaction_id is not None and _canonical(r.transaction_id) != transaction:
            reason = "transaction_id is not the case's bundle_id or case_id"
            results.append({"case_id": case_id, "status": 422, "reason": reason})
            continue
        row = session.get(Rating, case_id)
        if row is not None:
            same = (row.score, row.reason, row.comment) == (r.score, r.reason, r.comment or None)
            status, why = (202, None) if same else (409, "rated already (一次一评)")
            results.append({"case_id": case_id, "status": status, "reason": why})
            continue
        other = session.scalars(
            select(Rating).where(Rating.transaction_id == transaction).limit(1)
        ).first()
        if other is not None and (other.score, other.reason) != (r.score, r.reason):
            why = "its transaction is rated already, differently (一次一评)"
            results.append({"case_id": case_id, "status": 409, "reason": why})
            continue
        row = Rating(case_id=case_id, device_id=device_id, score=r.score)
        row.transaction_id = transaction
        row.reason, row.comment = r.reason, (r.comment or None)
        row.rated_at, row.received_at = _when(r.rated_at), utcnow()
        session.add(row)
        session.flush()  # a second item for the same case in this batch sees this one
        results.append({"case_id": case_id, "status": 201, "reason": None})
    return results


def ratings_router(
    sessions: sessionmaker[Session],
    device: Callable[..., Device],
    errors: Callable[..., dict[int | str, dict[str, Any]]],
) -> APIRouter:
    """The ratings route; ``device`` authenticates the kiosk as every sync call does."""
    router = APIRouter()

    @router.post(
        f"{API_PREFIX}/ratings", response_model=RatingsOut, responses=errors(401, 422, 429)
    )
    def post_ratings(body: RatingsIn, dev: Annotated[Device, Depends(device)]) -> dict[str, Any]:
        """好差评 of this device's cases: one per case (201 stored, 202 same again, 409 another)."""
        with sessions() as session:
            results = store_ratings(session, dev.id, body.ratings)
            session.commit()
        return envelope(results=results)

    return router
