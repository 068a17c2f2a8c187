"""The attachment routes of the API (device token): declare a page, ask how far it got,
send a chunk of it. Logic in kiosk.server.attachments; protocol in docs/sync-protocol.md.

- ``PUT  /api/v1/attachments/{id}``                 AttachmentIn → AttachmentOut
- ``GET  /api/v1/attachments/{id}``                 → AttachmentOut (resume from ``received``)
- ``PUT  /api/v1/attachments/{id}/chunks/{offset}`` raw bytes, ``X-Chunk-SHA256`` → AttachmentOut
- ``POST /api/v1/attachments/have``                 AttachmentHaveIn → AttachmentHaveOut (which
  of these pages the server does not hold whole: the kiosk's check after a restore)
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kiosk.server import attachments
from kiosk.server.api_models import (
    AttachmentHaveIn,
    AttachmentHaveOut,
    AttachmentIn,
    AttachmentOut,
)
from kiosk.server.models import Device
from kiosk.sync.packet_limits import canonical_uuid
from kiosk.sync.protocol import API_PREFIX, envelope

AttachmentId = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]
MAX_CHUNK_BYTES = 4 * 1024 * 1024


def _refused(exc: attachments.AttachmentRefused) -> JSONResponse:
    extra = {} if exc.received is None else {"received": exc.received}
    return JSONResponse(envelope(error=str(exc), **extra), status_code=exc.status)


def add_attachment_routes(
    app: FastAPI,
    sessions: sessionmaker[Session],
    device: Callable[..., Device],
    errors: Callable[..., dict[int | str, dict[str, Any]]],
) -> None:
    CurrentDevice = Annotated[Device, Depends(device)]

    @app.post(
        f"{API_PREFIX}/attachments/have",
        response_model=AttachmentHaveOut,
        responses=errors(401, 422, 429),
    )
    def have(body: AttachmentHaveIn, dev: CurrentDevice) -> Any:
        """Which of these pages (id, SHA-256) the server does not hold whole."""
        try:
            pages = [(canonical_uuid(item.id), item.sha256) for item in body.attachments]
        except ValueError:
            return JSONResponse(envelope(error="attachments: id is not a UUID"), status_code=422)
        with sessions() as session:
            return envelope(not_complete=attachments.not_complete(session, pages))

    @app.put(
        f"{API_PREFIX}/attachments/{{attachment_id}}",
        response_model=AttachmentOut,
        responses=errors(401, 404, 409, 422, 429),
    )
    def declare(attachment_id: AttachmentId, body: AttachmentIn, dev: CurrentDevice) -> Any:
        """Declare a page of a case the server has (idempotent by id)."""
        data = body.model_dump()
        try:
            data["case_id"] = canonical_uuid(data["case_id"])
        except ValueError:
            return JSONResponse(envelope(error="case_id is not a UUID"), status_code=422)
        for attempt in range(2):  # two declarations at once: the second reads the first
            with sessions() as session:
                try:
                    found = attachments.declare(session, dev, attachment_id, data)
                    session.commit()
                except attachments.AttachmentRefused as exc:
                    session.rollback()
                    return _refused(exc)
                except IntegrityError:
                    session.rollback()
                    if attempt:
                        raise
                    continue
            return envelope(**found.to_dict())
        raise AssertionError("unreachable")

    @app.get(
        f"{API_PREFIX}/attachments/{{attachment_id}}",
        response_model=AttachmentOut,
        responses=errors(401, 404, 429),
    )
    def status(attachment_id: AttachmentId, dev: CurrentDevice) -> Any:
        with sessions() as session:
            try:
                return envelope(**attachments.progress(session, attachment_id).to_dict())
            except attachments.AttachmentRefused as exc:
                return _refused(exc)

    def _chunk(attachment_id: str, offset: int, data: bytes, digest: str) -> Any:
        with sessions() as session:
            try:
                found = attachments.add_chunk(session, attachment_id, offset, data, digest)
                session.commit()
            except attachments.AttachmentRefused as exc:
                if exc.status == 422 and exc.received == 0:
                    session.commit()  # the bad whole is dropped: start again
                else:
                    session.rollback()
                return _refused(exc)
            except IntegrityError:
                # The same chunk from a retry while the first was still being stored
                # (SQLite has no row lock): the first one won; say where the server is.
                session.rollback()
                now = attachments.progress(session, attachment_id)
                message = envelope(error="chunk raced another copy", received=now.received)
                return JSONResponse(message, status_code=409)
        return envelope(**found.to_dict())

    @app.put(
        f"{API_PREFIX}/attachments/{{attachment_id}}/chunks/{{offset}}",
        response_model=AttachmentOut,
        responses=errors(401, 404, 409, 422, 429),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    )
    async def chunk(
        attachment_id: AttachmentId,
        offset: Annotated[int, Path(ge=0, le=100_000_000)],
        request: Request,
        dev: CurrentDevice,
        x_chunk_sha256: Annotated[str, Header(pattern=r"^[0-9a-fA-F]{64}$")],
    ) -> Any:
        """Bytes ``offset`` … of the page; taken only at the offset the server reached."""
        data = await request.body()
        if len(data) > MAX_CHUNK_BYTES:
            return JSONResponse(
                envelope(error=f"chunk over {MAX_CHUNK_BYTES} bytes"), status_code=413
            )
        return await run_in_threadpool(_chunk, attachment_id, offset, data, x_chunk_sha256)
