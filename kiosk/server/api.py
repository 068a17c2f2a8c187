"""The town server's HTTP API (/api/v1), FastAPI. OpenAPI at /api/v1/openapi.json.

Every response body carries ``"protocol": "bangban-sync/1"`` (kiosk.sync.protocol);
the kiosk counts nothing as done without it. Handlers are plain ``def``: FastAPI runs
them in its thread pool, and each opens its own short session.
"""

import hmac
import logging
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.forms.catalogue import Catalogue, default_catalogue
from kiosk.server import auth, devices, refdata, routing
from kiosk.server.db import create_server_engine, migrate_to_head, session_factory
from kiosk.server.intake import ingest
from kiosk.server.models import Device, utcnow
from kiosk.server.qr_import import QrImportError, import_payloads
from kiosk.sync.protocol import API_PREFIX, MAX_BATCH, envelope

log = logging.getLogger(__name__)


class EnrollIn(BaseModel):
    code: str = Field(description="one-time code printed by `kiosk-server enroll`")
    public_key: str = Field(description="the kiosk's Ed25519 public key, urlsafe base64")
    device_id: str | None = Field(default=None, description="the kiosk's own device UUID")


class EnrollOut(BaseModel):
    protocol: str
    device_id: str
    token: str
    name: str
    device_no: int = Field(description="the device's number, part of its every case number")


class BatchIn(BaseModel):
    cases: list[dict[str, Any]] = Field(description="case packets (kiosk.domain.case_packet)")


class CaseResultOut(BaseModel):
    case_id: str
    status: int = Field(description="201 created, 202 already had, 409 conflict, 422 rejected")
    outcome: str
    reason: str | None


class BatchOut(BaseModel):
    protocol: str
    results: list[CaseResultOut]
    server_time: str


class AdvanceIn(BaseModel):
    step: str = Field(description="step id or desk name, e.g. 民政办")
    note: str | None = None
    outcome: str = Field(default="done", description="done, needs_materials or refused")


class QrImportIn(BaseModel):
    payloads: list[str] = Field(description="the scanned data-code texts of one case")


def _now() -> str:
    return utcnow().isoformat() + "Z"


def create_app(
    db_url: str | None = None,
    *,
    staff_token: str | None = None,
    catalogue: Catalogue | None = None,
) -> FastAPI:
    engine = create_server_engine(db_url)
    migrate_to_head(engine)
    sessions = session_factory(engine)
    forms = catalogue or default_catalogue()
    with sessions() as session:
        refdata.publish_catalogue(session, forms)
        devices.publish_devices(session)
        session.commit()

    app = FastAPI(
        title="帮办 town server",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )

    @app.exception_handler(StarletteHTTPException)
    def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(envelope(error=str(exc.detail)), status_code=exc.status_code)

    def device(authorization: str = Header(default="")) -> Device:
        token = authorization.removeprefix("Bearer ").strip()
        with sessions() as session:
            found = auth.authenticate(session, token)
        if found is None:
            raise HTTPException(401, "device is not enrolled or its token was refused")
        return found

    CurrentDevice = Annotated[Device, Depends(device)]

    def staff(authorization: str = Header(default="")) -> None:
        token = authorization.removeprefix("Bearer ").strip()
        if not staff_token or not hmac.compare_digest(token.encode(), staff_token.encode()):
            raise HTTPException(401, "staff token required (kiosk-server run --staff-token)")

    @app.get(f"{API_PREFIX}/health")
    def health() -> dict[str, Any]:
        """Cheap probe: kiosks call it to learn whether the server is reachable."""
        return envelope(status="ok", server_time=_now())

    @app.post(f"{API_PREFIX}/enroll", response_model=EnrollOut)
    def enroll(body: EnrollIn) -> dict[str, Any]:
        with sessions() as session:
            try:
                dev, token = auth.exchange(session, body.code, body.public_key, body.device_id)
            except auth.EnrollmentError as exc:
                raise HTTPException(403, str(exc)) from exc
            try:
                device_no = devices.assign_device_no(session, dev)
            except devices.DeviceNumbersExhausted as exc:
                raise HTTPException(409, str(exc)) from exc
            devices.publish_devices(session)  # other kiosks learn its public key
            session.commit()
            log.info("device %s enrolled as number %d", dev.id, device_no)
            return envelope(device_id=dev.id, token=token, name=dev.name, device_no=device_no)

    @app.post(f"{API_PREFIX}/cases/batch", responses={200: {"model": BatchOut}})
    def intake(body: BatchIn, dev: CurrentDevice) -> JSONResponse:
        """Take a batch of cases, idempotently by case UUID; one result per case."""
        if len(body.cases) > MAX_BATCH:
            raise HTTPException(413, f"at most {MAX_BATCH} cases per batch")
        results = ingest(sessions, body.cases, forms, device_id=dev.id)
        return JSONResponse(envelope(results=[r.to_dict() for r in results], server_time=_now()))

    @app.get(f"{API_PREFIX}/changes")
    def changes(
        dev: CurrentDevice,
        after: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> dict[str, Any]:
        """Status changes of this device's cases after the cursor, oldest first."""
        with sessions() as session:
            found = routing.changes_since(session, dev.id, after, limit)
        return envelope(
            changes=[c.to_dict() for c in found],
            next=found[-1].seq if found else after,
            more=len(found) == limit,
        )

    @app.get(f"{API_PREFIX}/reference")
    def reference_versions(dev: CurrentDevice) -> dict[str, Any]:
        with sessions() as session:
            return envelope(versions=refdata.versions(session))

    @app.get(f"{API_PREFIX}/reference/{{kind}}")
    def reference(kind: str, dev: CurrentDevice) -> dict[str, Any]:
        with sessions() as session:
            row = refdata.get(session, kind)
            if row is None:
                raise HTTPException(404, f"no reference data {kind}")
            return envelope(kind=kind, version=row.version, body=row.body)

    @app.get(f"{API_PREFIX}/staff/cases", dependencies=[Depends(staff)])
    def staff_list(status: str | None = None, limit: int = 200) -> dict[str, Any]:
        with sessions() as session:
            rows = routing.list_cases(session, status=status, limit=limit)
            return envelope(cases=[routing.case_view(session, c, with_answers=False) for c in rows])

    @app.get(f"{API_PREFIX}/staff/cases/{{key}}", dependencies=[Depends(staff)])
    def staff_show(key: str) -> dict[str, Any]:
        with sessions() as session:
            try:
                case = routing.find_case(session, key)
            except routing.CaseNotFound as exc:
                raise HTTPException(404, str(exc)) from exc
            return envelope(case=routing.case_view(session, case, with_answers=True))

    @app.post(f"{API_PREFIX}/staff/cases/{{key}}/advance", dependencies=[Depends(staff)])
    def staff_advance(key: str, body: AdvanceIn) -> dict[str, Any]:
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

    @app.post(
        f"{API_PREFIX}/staff/qr-import",
        dependencies=[Depends(staff)],
        responses={200: {"model": BatchOut}},
    )
    def qr_import(body: QrImportIn) -> JSONResponse:
        """A scanned case: decoded, verified with its device's key, then the same intake."""
        try:
            results = import_payloads(sessions, body.payloads, forms)
        except QrImportError as exc:
            raise HTTPException(422, str(exc)) from exc
        return JSONResponse(envelope(results=[r.to_dict() for r in results], server_time=_now()))

    from kiosk.server.desk import mount_desk

    mount_desk(app, sessions, forms)  # the staff console under /desk/, ratings API
    return app
