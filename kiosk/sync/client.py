"""The kiosk's HTTP client for the town server (httpx): one method per API call.

Every failure that means "try again later" is a SyncFailure: no connection,
timeouts, 5xx, any non-200, a body that is not JSON or lacks the protocol marker
(a captive portal's login page, a truncated body). Only well-formed answers return.

Every request has three deadlines: connect (at most 5 s), read (each read) and total
(the whole exchange, kiosk.sync.deadline), so a server that drips its answer costs at
most the timeout. Plain ``http://`` is refused unless the server is on this machine
(loopback) or the kiosk was told ``--insecure``: the token and the cases would travel
in clear.
"""

from __future__ import annotations

import hashlib
import json
import ssl
from typing import Any

import httpx

from kiosk.sync.deadline import DeadlineTransport, deadline
from kiosk.sync.protocol import (
    API_PREFIX,
    AuthRefused,
    CaseResult,
    ProtocolError,
    SyncFailure,
    check_envelope,
    device_no_of,
)
from kiosk.sync.protocol import parse_batch_results as _parse_batch
from kiosk.sync.server_url import InsecureServer, check_server_url, is_loopback

# Defined without httpx (kiosk.sync.protocol, kiosk.sync.server_url) so that the kiosk
# loads this module only to make a client (issue 19); importable from here as before.
__all__ = [
    "AuthRefused",
    "InsecureServer",
    "SyncClient",
    "SyncFailure",
    "check_server_url",
    "device_no_of",
    "encode_batch",
    "is_loopback",
    "tls_verify",
]


def tls_verify(ca_file: str | None) -> ssl.SSLContext | bool:
    """Verify the server certificate: with the town's own CA file when one is set.
    ValueError naming the file when it cannot be read or holds no certificate."""
    if ca_file:
        try:
            return ssl.create_default_context(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:  # missing, unreadable, not PEM
            why = getattr(exc, "strerror", None) or type(exc).__name__
            raise ValueError(f"server_ca_file {ca_file} cannot be used: {why}") from exc
    return True


class SyncClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_file: str | None = None,
        timeout: float = 15.0,
        insecure: bool = False,
    ) -> None:
        base = check_server_url(base_url, insecure=insecure)
        self.timeout = timeout
        verify = tls_verify(ca_file)
        self._http = httpx.Client(
            base_url=base + API_PREFIX,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=DeadlineTransport(verify=verify),
            follow_redirects=False,  # a redirect is what captive portals do
        )
        self.set_token(token)

    def set_token(self, token: str | None) -> None:
        """Use ``token`` from now on (after a renewal)."""
        self._http.headers.pop("Authorization", None)
        if token:
            self._http.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            with deadline(self.timeout):
                response = self._http.request(method, path, **kwargs)
                body = response.content  # read it all: a cut connection raises here
        except httpx.HTTPError as exc:
            raise SyncFailure(f"network: {type(exc).__name__}", reachable=False) from exc
        status = response.status_code
        if status in (401, 403):
            raise AuthRefused(f"HTTP {status}: {_error_text(body)}", status)
        if status != 200:
            error = _error_body(body)
            detail = f": {str(error.get('error'))[:150]}" if error.get("error") else ""
            raise SyncFailure(f"HTTP {status}{detail}", reachable=True, status=status, body=error)
        try:
            return check_envelope(response.json() if body else None)
        except (ValueError, ProtocolError) as exc:
            # ValueError covers JSON and UTF-8 errors: a login page, a cut-off body.
            raise SyncFailure(f"not a town server answer: {exc}"[:200], reachable=True) from exc

    def health(self) -> None:
        self._call("GET", "/health")

    def health_limits(self) -> dict[str, Any]:
        """The server's limits (``max_body_bytes``, ``max_batch``), from /health."""
        limits = self._call("GET", "/health").get("limits")
        return limits if isinstance(limits, dict) else {}

    def challenge(self) -> str:
        nonce = self._call("POST", "/enroll/challenge").get("nonce")
        if not isinstance(nonce, str):
            raise SyncFailure("challenge answer lacks a nonce", reachable=True)
        return nonce

    def enroll(self, fields: dict[str, str]) -> dict[str, Any]:
        """POST /enroll: code, device_id, public_key, nonce, signature → the token answer,
        which also gives the device number the server assigned (``device_no``)."""
        answer = _token_answer(self._call("POST", "/enroll", json=fields))
        if device_no_of(answer) is None:
            raise SyncFailure("enrollment answer lacks the device number", reachable=True)
        return answer

    def renew_token(self, device_id: str, nonce: str, signature: str) -> dict[str, Any]:
        body = {"device_id": device_id, "nonce": nonce, "signature": signature}
        return _token_answer(self._call("POST", "/token", json=body))

    def device_state(self) -> dict[str, Any]:
        """GET /device: epoch, this device's case count, last numbers, token expiry."""
        body = self._call("GET", "/device")
        if not isinstance(body.get("epoch"), str) or not isinstance(body.get("cases"), int):
            raise SyncFailure("device answer is malformed", reachable=True)
        return body

    def have(self, pairs: list[tuple[str, str]]) -> tuple[str, set[str], set[str]]:
        """(epoch, missing, differ) for (case UUID, content hash) pairs."""
        cases = [{"case_id": c, "content_hash": h} for c, h in pairs]
        body = self._call("POST", "/cases/have", json={"cases": cases})
        missing, differ = body.get("missing"), body.get("differ")
        if not isinstance(missing, list) or not isinstance(differ, list):
            raise SyncFailure("have answer is malformed", reachable=True)
        return str(body.get("epoch") or ""), set(map(str, missing)), set(map(str, differ))

    def push(self, packets: list[dict[str, Any]]) -> dict[str, CaseResult]:
        return self.push_raw(encode_batch(packets), [p["case_id"] for p in packets])[0]

    def push_raw(self, body: bytes, case_ids: list[str]) -> tuple[dict[str, CaseResult], str]:
        """POST an encoded batch (encode_batch); its results and the server's epoch."""
        headers = {"Content-Type": "application/json"}
        answer = self._call("POST", "/cases/batch", content=body, headers=headers)
        try:
            return _parse_batch(answer, case_ids), str(answer.get("epoch") or "")
        except ProtocolError as exc:
            raise SyncFailure(str(exc), reachable=True) from exc

    def declare_attachment(self, attachment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """PUT /attachments/{id}: declare a page (idempotent) → its progress
        (``received``, ``size``, ``complete``)."""
        return _progress(self._call("PUT", f"/attachments/{attachment_id}", json=body))

    def attachments_not_complete(self, pages: list[tuple[str, str]]) -> set[str]:
        """POST /attachments/have: of (attachment id, SHA-256) pairs, the ids the server
        does not hold whole (absent, part-way, other bytes)."""
        items = [{"id": i, "sha256": h} for i, h in pages]
        body = self._call("POST", "/attachments/have", json={"attachments": items})
        found = body.get("not_complete")
        if not isinstance(found, list):
            raise SyncFailure("attachments have answer is malformed", reachable=True)
        return set(map(str, found))

    def send_chunk(self, attachment_id: str, offset: int, data: bytes) -> dict[str, Any]:
        """PUT bytes at ``offset`` with their SHA-256 → the progress after them."""
        headers = {
            "Content-Type": "application/octet-stream",
            "X-Chunk-SHA256": hashlib.sha256(data).hexdigest(),
        }
        path = f"/attachments/{attachment_id}/chunks/{offset}"
        return _progress(self._call("PUT", path, content=data, headers=headers))

    def post_ratings(self, ratings: list[dict[str, Any]]) -> dict[str, tuple[int, str | None]]:
        """POST /ratings: 好差评 of sent cases → {case_id: (status, reason)} for each one
        sent (201 stored, 202 had it, 409 rated otherwise, 422 refused). SyncFailure when
        the answer misses a case or is malformed."""
        body = self._call("POST", "/ratings", json={"ratings": ratings})
        results, out = body.get("results"), {}
        if isinstance(results, list):
            for r in results:
                if isinstance(r, dict) and isinstance(r.get("status"), int):
                    reason = r.get("reason")
                    out[str(r.get("case_id"))] = (
                        int(r["status"]),
                        None if reason is None else str(reason),
                    )
        if any(r["case_id"] not in out for r in ratings):
            raise SyncFailure("ratings answer is malformed", reachable=True)
        return out

    def changes(self, after: int, limit: int = 500) -> tuple[list[dict[str, Any]], int, bool]:
        body = self._call("GET", "/changes", params={"after": after, "limit": limit})
        changes, cursor = body.get("changes"), body.get("next")
        if not isinstance(changes, list) or not isinstance(cursor, int) or cursor < after:
            raise SyncFailure("changes answer is malformed", reachable=True)
        return changes, cursor, bool(body.get("more"))

    def reference_versions(self) -> dict[str, int]:
        versions = self._call("GET", "/reference").get("versions")
        if not isinstance(versions, dict):
            raise SyncFailure("reference answer is malformed", reachable=True)
        return {str(k): int(v) for k, v in versions.items()}

    def reference(self, kind: str) -> tuple[int, Any]:
        body = self._call("GET", f"/reference/{kind}")
        version = body.get("version")
        if not isinstance(version, int) or "body" not in body:
            raise SyncFailure("reference answer is malformed", reachable=True)
        return version, body["body"]


def encode_batch(packets: list[dict[str, Any]]) -> bytes:
    """The request body of a batch, as sent (its length is what a body limit counts)."""
    return json.dumps({"cases": packets}, ensure_ascii=False, separators=(",", ":")).encode()


def _progress(body: dict[str, Any]) -> dict[str, Any]:
    received, size = body.get("received"), body.get("size")
    if not isinstance(received, int) or not isinstance(size, int) or not 0 <= received <= size:
        raise SyncFailure("attachment answer is malformed", reachable=True)
    return body


def _token_answer(body: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(body.get("device_id"), str) or not isinstance(body.get("token"), str):
        raise SyncFailure("enrollment answer lacks device_id or token", reachable=True)
    return body


def _error_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _error_text(body: bytes) -> str:
    data = _error_body(body)
    return str(data.get("error") or data.get("detail") or "refused")[:150]
