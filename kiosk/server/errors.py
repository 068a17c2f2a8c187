"""How the town server answers what goes wrong: always a JSON envelope, 4xx for bad input,
a body limit enforced before the body is read, and a 500 that logs no data.

- ``BodyLimit`` (ASGI middleware): a declared Content-Length above the limit is refused
  with 413 at once; a body without one is counted while it arrives and cut off there.
- ``validation_error``: pydantic's 422, with field locations and messages only (never
  the input, which may be a resident's ID number or text that cannot be encoded).
- ``CatchAll`` (ASGI middleware): an unexpected exception becomes a 500 envelope; the
  log gets its type and the code locations, not its message, because database errors
  quote values (``invalid input syntax for type integer: "…"``).
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.sync.protocol import envelope

log = logging.getLogger("kiosk.server")


def _safe(value: Any) -> str | int:
    if isinstance(value, int):
        return value
    return str(value).encode("utf-8", "replace").decode("utf-8")[:100]


def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """422 for a request the models refuse; names the fields, never echoes the input."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail: list[dict[str, Any]] = [
        {
            "loc": [_safe(p) for p in e.get("loc", ())],
            "msg": _safe(e.get("msg", "")),
            "type": _safe(e.get("type", "")),
        }
        for e in errors[:20]
    ]
    if any(e.get("type") == "json_invalid" for e in errors):
        # A body that is not JSON at all is 400, as docs/sync-protocol.md says; 422 is for
        # JSON that breaks the schema.
        return JSONResponse(envelope(error="the body is not JSON"), status_code=400)
    first: dict[str, Any] = detail[0] if detail else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"]) or "request"
    body = envelope(error=f"{where}: {first['msg']}", detail=detail)
    return JSONResponse(body, status_code=422)


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: Any = ()) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(raw)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})


class BodyLimit:
    """Refuse request bodies larger than ``max_bytes`` with 413 (limit in the body)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _refusal(self) -> dict[str, Any]:
        return envelope(
            error=f"request body larger than {self.max_bytes} bytes",
            max_body_bytes=self.max_bytes,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await _send_json(send, 400, envelope(error="Content-Length is not a number"))
                return
            if too_big:
                await _send_json(send, 413, self._refusal())
                return
        # Read the whole body (at most max_bytes) before the app sees any of it, then
        # hand it over in one piece: over the limit, nothing has been parsed or stored.
        chunks: list[bytes] = []
        seen = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                await _send_json(send, 413, self._refusal())
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class CatchAll:
    """Turn an unexpected exception into a 500 envelope without logging its message."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:
            # The client went away mid-request (a kiosk's link dropped during a chunk):
            # one line, no traceback; nobody is there to answer.
            log.info("client went away during %s %s", scope.get("method"), scope.get("path"))
        except Exception as exc:
            where = "".join(traceback.format_tb(exc.__traceback__)[-6:])
            log.error(
                "internal error %s on %s %s (message withheld: it may quote data)\n%s",
                type(exc).__name__,
                scope.get("method"),
                scope.get("path"),
                where,
            )
            if not started:
                await _send_json(send, 500, envelope(error="internal server error"))
