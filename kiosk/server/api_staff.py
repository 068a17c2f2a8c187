"""The staff part of the API: list, show and advance cases, a case's photographed pages
(which are complete; one page's image or thumbnail), import scanned QR codes, count 好差评
(kiosk.server.rating_counts).

Bearer = the staff token given to ``kiosk-server run --staff-token`` (or
``KIOSK_SERVER_STAFF_TOKEN``); a wrong one counts against the client like a wrong
device token (kiosk.server.throttle).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from kiosk.forms.catalogue import Catalogue
from kiosk.server import auth, routing
from kiosk.server.api_models import (
    AdvanceIn,
    BatchOut,
    CaseAttachmentsOut,
    QrImportIn,
    StaffCaseOut,
    StaffCasesOut,
)
from kiosk.server.attachment_pages import page_image
from kiosk.server.attachments import AttachmentRefused, case_attachments
from kiosk.server.epoch import current_epoch
from kiosk.server.models import utcnow
from kiosk.server.qr_import import QrImportError, import_payloads
from kiosk.server.rating_counts import RatingCountsOut, count_ratings, counts_body
from kiosk.sync.protocol import API_PREFIX, envelope

# A case number or UUID in a path: printable, no control characters, column-sized.
CaseKey = Annotated[str, Path(min_length=1, max_length=45, pattern=r"^[^\x00-\x1f\x7f/]+$")]
Status = Annotated[
    str | None, Query(max_length=20, pattern=r"^[a-z_]+$", description="e.g. accepted")
]


STAFF_REFUSED = (
    "staff token required: Authorization: Bearer <the token given to kiosk-server run "
    f"--staff-token or KIOSK_SERVER_STAFF_TOKEN, {auth.TOKEN_RULE}>"
)


def add_staff_routes(
    app: FastAPI,
    sessions: sessionmaker[Session],
    forms: Catalogue,
    staff_token: str | None,
    refuse: Callable[[Request, int, str], HTTPException],
    errors: Callable[..., dict[int | str, dict[str, Any]]],
) -> None:
    def staff(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
        token = auth.bearer_token(authorization)
        if (
            not staff_token
            or token is None
            or not hmac.compare_digest(token.encode(), staff_token.encode())
        ):
            raise refuse(request, 401, STAFF_REFUSED)

    deps = [Depends(staff)]

    @app.get(
        f"{API_PREFIX}/staff/cases",
        dependencies=deps,
        response_model=StaffCasesOut,
        responses=errors(401, 422, 429),
    )
    def staff_list(
        status: Status = None, limit: Annotated[int, Query(ge=1, le=100000)] = 200
    ) -> dict[str, Any]:
        with sessions() as session:
            rows = routing.list_cases(session, status=status, limit=limit)
            return envelope(cases=[routing.case_view(session, c, with_answers=False) for c in rows])

    @app.get(
        f"{API_PREFIX}/staff/cases/{{key}}",
        dependencies=deps,
        response_model=StaffCaseOut,
        responses=errors(401, 404, 422, 429),
    )
    def staff_show(key: CaseKey) -> dict[str, Any]:
        with sessions() as session:
            case = _case_or_404(session, key)
            return envelope(case=routing.case_view(session, case, with_answers=True))

    @app.get(
        f"{API_PREFIX}/staff/cases/{{key}}/attachments",
        dependencies=deps,
        response_model=CaseAttachmentsOut,
        responses=errors(401, 404, 422, 429),
    )
    def staff_attachments(key: CaseKey) -> dict[str, Any]:
        """Which photographed pages of the case are complete, of how many listed."""
        with sessions() as session:
            return envelope(**case_attachments(session, _case_or_404(session, key).id))

    @app.get(
        f"{API_PREFIX}/staff/cases/{{key}}/attachments/{{attachment_id}}",
        dependencies=deps,
        response_class=Response,
        responses={
            200: {"content": {"image/jpeg": {}, "image/png": {}}},
            **errors(401, 404, 422, 429),
        },
    )
    def staff_attachment_image(
        key: CaseKey,
        attachment_id: Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")],
        size: Annotated[str, Query(pattern=r"^(thumb|full)$")] = "full",
    ) -> Response:
        """One complete page of the case: the image as kept, or a thumbnail."""
        with sessions() as session:
            case = _case_or_404(session, key)
            try:
                data, media_type = page_image(
                    session, case.id, attachment_id, thumb=size == "thumb"
                )
            except AttachmentRefused as exc:
                raise HTTPException(exc.status, str(exc)) from exc
        return Response(data, media_type=media_type, headers={"Cache-Control": "no-store"})

    @app.post(
        f"{API_PREFIX}/staff/cases/{{key}}/advance",
        dependencies=deps,
        response_model=StaffCaseOut,
        responses=errors(401, 404, 409, 422, 429),
    )
    def staff_advance(key: CaseKey, body: AdvanceIn) -> dict[str, Any]:
        with sessions() as session:
            try:
                case = routing.advance(
                    session, key, step=body.step, note=body.note, outcome=body.outcome
                )
            except routing.CaseNotFound as exc:
                raise HTTPException(404, str(exc)) from exc
            except routing.RoutingError as exc:
                raise HTTPException(409, str(exc)) from exc
            session.commit()
            return envelope(case=routing.case_view(session, case, with_answers=False))

    @app.get(
        f"{API_PREFIX}/staff/ratings",
        dependencies=deps,
        response_model=RatingCountsOut,
        responses=errors(401, 422, 429),
    )
    def staff_ratings(days: Annotated[int, Query(ge=1, le=366)] = 30) -> dict[str, Any]:
        """好差评 counted by level per local day and per service, over the last ``days``
        days (today included)."""
        from kiosk.server.desk.overview import day_bounds
        from kiosk.server.desk.settings import DeskSettings

        zone = DeskSettings().zone
        today = utcnow().replace(tzinfo=UTC).astimezone(zone).date()
        since, until = (
            day_bounds(today - timedelta(days=days - 1), zone)[0],
            day_bounds(today, zone)[1],
        )
        with sessions() as session:
            counts = count_ratings(session, since=since, until=until, zone=zone, forms=forms)
        return envelope(**counts_body(counts))

    @app.post(
        f"{API_PREFIX}/staff/qr-import",
        dependencies=deps,
        response_model=BatchOut,
        responses=errors(401, 422, 429),
    )
    def qr_import(body: QrImportIn) -> JSONResponse:
        """A scanned case: decoded, verified with its device's key, then the same intake."""
        try:
            results = import_payloads(sessions, body.payloads, forms)
        except QrImportError as exc:
            raise HTTPException(422, str(exc)) from exc
        with sessions() as session:
            epoch = current_epoch(session)
        server_time = utcnow().isoformat() + "Z"
        return JSONResponse(
            envelope(epoch=epoch, results=[r.to_dict() for r in results], server_time=server_time)
        )


def _case_or_404(session: Any, key: str) -> Any:
    """The case by number or UUID (routing.find_case), or HTTP 404 naming what was asked."""
    try:
        return routing.find_case(session, key)
    except routing.CaseNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
