"""好差评 from the kiosks: ``POST /api/v1/ratings`` (device token, like every sync call).

A resident rates a case after the hall served it, so the rating travels on its own,
not inside the case packet (which was frozen and hashed at finalize). Body::

    {"ratings": [{"case_id": "<uuid>", "score": 5, "comment": "办得快", "rated_at": "…Z"}]}

``score``: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 (国办发〔2019〕51号).
One rating per case: a later one from the same device replaces it. A rating of a case
made on another device is refused (each result says why). Answer::

    {"protocol": "bangban-sync/1", "results": [{"case_id": "…", "status": 201|422, "reason": …}]}
"""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server import auth
from kiosk.server.desk.models import Rating
from kiosk.server.models import Device, ServerCase
from kiosk.store.sqlbase import utcnow
from kiosk.sync.protocol import API_PREFIX, envelope


class RatingIn(BaseModel):
    case_id: str
    score: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    comment: str | None = Field(default=None, max_length=200)
    rated_at: str | None = Field(default=None, description="ISO 8601 UTC; default: now")


class RatingsIn(BaseModel):
    ratings: list[RatingIn] = Field(max_length=500)


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
            uuid.UUID(r.case_id)
        except ValueError:
            results.append({"case_id": r.case_id, "status": 422, "reason": "case_id is not a UUID"})
            continue
        case = session.get(ServerCase, r.case_id)
        if case is None or case.device_id != device_id:
            reason = "no such case from this device"
            results.append({"case_id": r.case_id, "status": 422, "reason": reason})
            continue
        row = session.get(Rating, r.case_id) or Rating(case_id=r.case_id, device_id=device_id)
        row.score, row.comment = r.score, (r.comment or None)
        row.rated_at, row.received_at = _when(r.rated_at), utcnow()
        session.add(row)
        results.append({"case_id": r.case_id, "status": 201, "reason": None})
    return results


def ratings_router(sessions: sessionmaker[Session]) -> APIRouter:
    router = APIRouter()

    def device(authorization: str = Header(default="")) -> Device:
        token = authorization.removeprefix("Bearer ").strip()
        with sessions() as session:
            found = auth.authenticate(session, token)
        if found is None:
            raise HTTPException(401, "device is not enrolled or its token was refused")
        return found

    @router.post(f"{API_PREFIX}/ratings")
    def post_ratings(body: RatingsIn, dev: Annotated[Device, Depends(device)]) -> dict[str, Any]:
        """好差评 of this device's cases (one per case; a later rating replaces it)."""
        with sessions() as session:
            results = store_ratings(session, dev.id, body.ratings)
            session.commit()
        return envelope(results=results)

    return router
