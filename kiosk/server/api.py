"""The town server's HTTP API (/api/v1), FastAPI. OpenAPI at /api/v1/openapi.json.

Every response body carries ``"protocol": "bangban-sync/1"`` (kiosk.sync.protocol);
the kiosk counts nothing as done without it. Handlers are plain ``def``: FastAPI runs
them in its thread pool, and each opens its own short session. Bad input is answered
4xx, never 5xx (kiosk.server.errors); staff routes are in kiosk.server.api_staff.
"""

import hashlib
import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.device_identity import load_or_create_signing_key, public_key_b64
from kiosk.forms.catalogue import Catalogue, default_catalogue
from kiosk.server import auth, devices, refdata, routing
from kiosk.server.api_attachments import add_attachment_routes
from kiosk.server.api_models import (
    BatchIn,
    BatchOut,
    ChallengeOut,
    ChangesOut,
    DeviceOut,
    EnrollIn,
    ErrorOut,
    HaveIn,
    HaveOut,
    HealthOut,
    ReferenceOut,
    TokenIn,
    TokenOut,
    VersionsOut,
)
from kiosk.server.api_staff import add_staff_routes
from kiosk.server.db import (
    MIGRATED_ENV,
    create_server_engine,
    migrate_to_head,
    server_home,
    session_factory,
)
from kiosk.server.epoch import Watermark, current_epoch, ensure_identity
from kiosk.server.errors import BodyLimit, CatchAll, validation_error
from kiosk.server.intake import IntakeBusy, ingest_batch
from kiosk.server.models import Device, utcnow
from kiosk.server.reconcile import device_state, have_want
from kiosk.server.throttle import Throttle, retry_after
from kiosk.sync.packet_limits import canonical_uuid
from kiosk.sync.protocol import (
    API_PREFIX,
    DEFAULT_MAX_BODY_BYTES,
    MAX_ANSWERS_BYTES,
    MAX_BATCH,
    envelope,
)

log = logging.getLogger(__name__)
MAX_SEQ = 2**31 - 1  # status_changes.seq is a 32-bit integer on PostgreSQL


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route can give (all are ErrorOut). 400 (a
    body that is not JSON) and 413 (a body over the limit) can come from any route."""
    return {code: {"model": ErrorOut} for code in sorted({400, 413, *codes})}


def _now() -> str:
    return utcnow().isoformat() + "Z"


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _watermark_home(db_url: str | None) -> Path:
    tag = hashlib.sha256((db_url or "default").encode()).hexdigest()[:12]
    return server_home() / f"watermark-{tag}"


def create_app(
    db_url: str | None = None,
    *,
    staff_token: str | None = None,
    catalogue: Catalogue | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    migrate: bool = True,
) -> FastAPI:
    """The town server's app. ``migrate`` False: the database is at head already (the
    parent of ``kiosk-server run --workers N`` migrated it before starting the workers).
    ValueError for a staff token that could never be presented (auth.check_staff_token)."""
    staff_token = auth.check_staff_token(staff_token)  # ValueError: never usable
    engine = create_server_engine(db_url)
    if migrate:
        migrate_to_head(engine)
    sessions = session_factory(engine)
    forms = catalogue or default_catalogue()
    from kiosk.server.db import server_home
    from kiosk.server.published_forms import PublishedForms

    published = PublishedForms(
        forms, server_home(), engine.url.render_as_string(hide_password=True)
    )
    published.refresh(force=True)  # the forms the district published (issue 16)
    # The key `kiosk-server forms publish` signs with (kiosk.server.desk.printout).
    release_key = public_key_b64(load_or_create_signing_key(server_home()))
    ensure_identity(sessions)
    for attempt in range(3):  # several processes starting at once race this insert
        try:
            with sessions() as session:
                refdata.publish_catalogue(session, forms)
                devices.publish_devices(session)
                session.commit()
            break
        except IntegrityError:
            if attempt == 2:
                raise
    home = _watermark_home(db_url)
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    watermark = Watermark(home)
    watermark.check(sessions)
    throttle = Throttle()
    limits = {
        "max_body_bytes": max_body_bytes,
        "max_batch": MAX_BATCH,
        "max_answers_bytes": MAX_ANSWERS_BYTES,
    }

    app = FastAPI(
        title="帮办 town server",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.add_middleware(CatchAll)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_exception_handler(RequestValidationError, validation_error)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        body = envelope(error=str(exc.detail))
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    def refuse(request: Request, status: int, message: str) -> HTTPException:
        """A refused credential: counts against the client; 429 once it must wait."""
        wait = throttle.failed(_client(request))
        if wait > 0:
            return HTTPException(429, message, headers={"Retry-After": retry_after(wait)})
        return HTTPException(status, message)

    def must_not_wait(request: Request) -> None:
        wait = throttle.wait_s(_client(request))
        if wait > 0:
            raise HTTPException(
                429, "too many failed attempts; wait", headers={"Retry-After": retry_after(wait)}
            )

    def device(request: Request, authorization: Annotated[str | None, Header()] = None) -> Device:
        with sessions() as session:
            found, why = auth.authenticate(session, auth.bearer_token(authorization))
        if found is not None:
            return found
        if why == "expired":  # a real token past its time: renew it (POST /token)
            raise HTTPException(401, "token expired; renew it (POST /api/v1/token)")
        raise refuse(request, 401, "send Authorization: Bearer <token> of an enrolled device")

    CurrentDevice = Annotated[Device, Depends(device)]

    @app.get(f"{API_PREFIX}/health", response_model=HealthOut)
    def health() -> dict[str, Any]:
        """Cheap probe: kiosks call it to learn whether the server is reachable."""
        return envelope(status="ok", server_time=_now(), limits=limits)

    @app.post(f"{API_PREFIX}/enroll/challenge", response_model=ChallengeOut, responses=errors(429))
    def challenge(request: Request) -> dict[str, Any]:
        """A nonce to sign for enrollment or token renewal (valid 5 minutes, used once)."""
        must_not_wait(request)
        with sessions() as session:
            nonce, expires = auth.new_nonce(session)
        return envelope(nonce=nonce, expires_at=expires.isoformat() + "Z")

    def issued_body(session: Any, issued: auth.Issued) -> dict[str, Any]:
        dev = issued.device
        return envelope(
            device_id=dev.id,
            token=issued.token,
            token_expires_at=issued.expires_at.isoformat() + "Z",
            name=dev.name,
            hall=dev.hall,
            device_no=dev.device_no,
            epoch=current_epoch(session),
            # The key published definitions are signed with: the kiosk pins it from here.
            release_key=release_key,
        )

    @app.post(f"{API_PREFIX}/enroll", response_model=TokenOut, responses=errors(403, 409, 422, 429))
    def enroll(body: EnrollIn, request: Request) -> dict[str, Any]:
        """Spend a one-time code; the signature proves the kiosk holds its private key. The
        answer gives the device number the server assigned (part of every case number)."""
        must_not_wait(request)
        proof = body.model_dump()
        for attempt in range(3):
            with sessions() as session:
                try:
                    issued, number = devices.enroll(session, **proof)
                    out = issued_body(session, issued)
                    session.commit()
                except auth.EnrollmentError as exc:
                    session.rollback()
                    raise refuse(request, exc.status, str(exc)) from exc
                except devices.DeviceNumbersExhausted as exc:
                    session.rollback()
                    raise HTTPException(409, str(exc)) from exc
                except IntegrityError:
                    # A racing request enrolled the same device id (the next attempt says
                    # so) or took the same device number (the next attempt gets another).
                    session.rollback()
                    log.info("enrollment raced another request (attempt %d)", attempt + 1)
                    continue
            log.info("device %s enrolled as number %d", issued.device.id, number)
            return out
        raise HTTPException(409, "this device id is already enrolled")

    @app.post(f"{API_PREFIX}/token", response_model=TokenOut, responses=errors(403, 422, 429))
    def token(body: TokenIn, request: Request) -> dict[str, Any]:
        """A new token (the old one stops working) for a device that signs a fresh nonce."""
        must_not_wait(request)
        with sessions() as session:
            try:
                issued = auth.renew(
                    session, device_id=body.device_id, nonce=body.nonce, signature=body.signature
                )
                out = issued_body(session, issued)
                session.commit()
            except auth.EnrollmentError as exc:
                session.rollback()
                raise refuse(request, exc.status, str(exc)) from exc
        return out

    @app.get(f"{API_PREFIX}/device", response_model=DeviceOut, responses=errors(401, 429))
    def device_info(dev: CurrentDevice) -> dict[str, Any]:
        """The epoch and what the server holds of this device (reconciliation)."""
        with sessions() as session:
            state = device_state(session, dev)
        return envelope(**state, server_time=_now(), limits=limits)

    @app.post(
        f"{API_PREFIX}/cases/batch", response_model=BatchOut, responses=errors(401, 422, 429, 503)
    )
    def intake(body: BatchIn, dev: CurrentDevice) -> JSONResponse:
        """Take a batch of cases, idempotently by case UUID; one result per case."""
        if len(body.cases) > MAX_BATCH:
            raise HTTPException(413, f"at most {MAX_BATCH} cases per batch")
        try:
            published.refresh()
            results, epoch, created = ingest_batch(sessions, body.cases, forms, device_id=dev.id)
        except IntakeBusy as exc:
            raise HTTPException(503, str(exc), headers={"Retry-After": "5"}) from exc
        watermark.add(created, epoch)
        return JSONResponse(
            envelope(epoch=epoch, results=[r.to_dict() for r in results], server_time=_now())
        )

    @app.post(f"{API_PREFIX}/cases/have", response_model=HaveOut, responses=errors(401, 422, 429))
    def have(body: HaveIn, dev: CurrentDevice) -> dict[str, Any]:
        """Which of these cases (UUID, content hash) the server lacks or holds otherwise."""
        pairs: list[tuple[str, str]] = []
        for item in body.cases:
            try:
                pairs.append((canonical_uuid(item.case_id), item.content_hash))
            except ValueError as exc:
                raise HTTPException(422, "cases: case_id is not a UUID") from exc
        with sessions() as session:
            missing, differ = have_want(session, pairs)
            epoch = current_epoch(session)
        return envelope(epoch=epoch, missing=missing, differ=differ)

    @app.get(f"{API_PREFIX}/changes", response_model=ChangesOut, responses=errors(401, 422, 429))
    def changes(
        dev: CurrentDevice,
        after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> dict[str, Any]:
        """Status changes of this device's cases after the cursor, oldest first."""
        with sessions() as session:
            found = routing.changes_since(session, dev.id, after, limit)
            epoch = current_epoch(session)
        return envelope(
            epoch=epoch,
            changes=[c.to_dict() for c in found],
            next=found[-1].seq if found else after,
            more=len(found) == limit,
        )

    @app.get(f"{API_PREFIX}/reference", response_model=VersionsOut, responses=errors(401, 429))
    def reference_versions(dev: CurrentDevice) -> dict[str, Any]:
        with sessions() as session:
            return envelope(versions=refdata.versions_for_device(session))

    @app.get(
        f"{API_PREFIX}/reference/{{kind}}",
        response_model=ReferenceOut,
        responses=errors(401, 404, 422, 429),
    )
    def reference(kind: refdata.Kind, dev: CurrentDevice) -> dict[str, Any]:
        """Reference data as this kiosk may see it (registry: its hall, prefill fields)."""
        with sessions() as session:
            found = refdata.for_device(session, kind, dev.hall)
        if found is None:
            raise HTTPException(404, f"no reference data {kind}")
        return envelope(kind=kind, version=found[0], body=found[1])

    add_staff_routes(app, sessions, forms, staff_token, refuse, errors)
    add_attachment_routes(app, sessions, device, errors)

    from kiosk.server.desk import mount_desk

    # The staff console under /desk/, and the kiosks' ratings API (same device check).
    mount_desk(app, sessions, forms, device=device, errors=errors)
    return app


def app_from_env() -> FastAPI:
    """The app of one ``kiosk-server run --workers N`` worker, configured by the
    environment the command set (``KIOSK_SERVER_DB``, ``KIOSK_SERVER_STAFF_TOKEN``,
    ``KIOSK_SERVER_MAX_BODY_BYTES``)."""
    import os

    limit = os.environ.get("KIOSK_SERVER_MAX_BODY_BYTES") or str(DEFAULT_MAX_BODY_BYTES)
    return create_app(
        os.environ.get("KIOSK_SERVER_DB") or None,
        staff_token=os.environ.get("KIOSK_SERVER_STAFF_TOKEN") or None,
        max_body_bytes=int(limit),
        # The parent migrated before starting the workers (kiosk.server.cli.cmd_run).
        migrate=os.environ.get(MIGRATED_ENV) != "1",
    )
