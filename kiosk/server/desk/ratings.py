"""好差评 from the kiosks: ``POST /api/v1/ratings`` (device token, like every sync call).

A resident rates a case after the hall served it, so the rating travels on its own,
not inside the case packet (which was frozen and hashed at finalize). Body::

    {"ratings": [{"case_id": "<uuid>", "score": 5, "comment": "办得快", "rated_at": "…Z"}]}

``score``: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 (国办发〔2019〕51号).
One rating per case: a later one from the same device replaces it. A rating of a case
made on another device is refused (each result says why). Answer::

    {"protocol": "bangban-sync/1", "results": [{"case_id": "…", "status": 201|422, "reason": …}]}
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server.api_models import Text, UuidText
from kiosk.server.desk.models import Rating
from kiosk.server.models import Device, ServerCase
from kiosk.store.sqlbase import utcnow
from kiosk.sync.packet_limits import canonical_uuid
from kiosk.sync.protocol import API_PREFIX, envelope


class RatingIn(BaseModel):
    """One rating; texts are column-sized and take no control characters (kiosk.server
    answers bad input with 4xx, never 5xx)."""

    model_config = ConfigDict(extra="forbid")

    case_id: UuidText
    score: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    comment: Annotated[Text, StringConstraints(max_length=200)] | None = None
    rated_at: Annotated[Text, StringConstraints(max_length=40)] | None = Field(
        default=None, description="ISO 8601 UTC; default: now"
    )


class RatingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ratings: list[RatingIn] = Field(max_length=500)


class RatingResultOut(BaseModel):
    case_id: str
    status: int = Field(description="201 stored, 422 refused")
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
        row = session.get(Rating, case_id) or Rating(case_id=case_id, device_id=device_id)
        row.score, row.comment = r.score, (r.comment or None)
        row.rated_at, row.received_at = _when(r.rated_at), utcnow()
        session.add(row)
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
        """好差评 of this device's cases (one per case; a later rating replaces it)."""
        with sessions() as session:
            results = store_ratings(session, dev.id, body.ratings)
            session.commit()
        return envelope(results=results)

    return router
