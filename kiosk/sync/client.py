"""The kiosk's HTTP client for the town server (httpx): one method per API call.

Every failure that means "try again later" is a SyncFailure: no connection,
timeouts, 5xx, any non-200, a body that is not JSON or lacks the protocol marker
(a captive portal's login page, a truncated body). Only well-formed answers return.
"""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from kiosk.sync.protocol import API_PREFIX, CaseResult, ProtocolError, check_envelope
from kiosk.sync.protocol import parse_batch_results as _parse_batch


class SyncFailure(Exception):
    """The exchange failed; nothing it carried counts as done. ``reachable`` tells whether
    the server answered at all (HTTP error) or not (down, timeout, refused)."""

    def __init__(self, message: str, *, reachable: bool) -> None:
        super().__init__(message)
        self.reachable = reachable


class AuthRefused(SyncFailure):
    """The server refused our token (re-enroll) or the enrollment code."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reachable=True)


def tls_verify(ca_file: str | None) -> ssl.SSLContext | bool:
    """Verify the server certificate: with the town's own CA file when one is set."""
    if ca_file:
        return ssl.create_default_context(cafile=ca_file)
    return True


class SyncClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_file: str | None = None,
        timeout: float = 15.0,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + API_PREFIX,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            verify=tls_verify(ca_file),
            follow_redirects=False,  # a redirect is what captive portals do
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, **kwargs)
            body = response.content  # read it all: a cut connection raises here
        except httpx.HTTPError as exc:
            raise SyncFailure(f"network: {type(exc).__name__}", reachable=False) from exc
        status = response.status_code
        if status in (401, 403):
            raise AuthRefused(f"HTTP {status}: {_error_text(body)}")
        if status != 200:
            raise SyncFailure(f"HTTP {status}", reachable=True)
        try:
            return check_envelope(response.json() if body else None)
        except (ValueError, ProtocolError) as exc:
            # ValueError covers JSON and UTF-8 errors: a login page, a cut-off body.
            raise SyncFailure(f"not a town server answer: {exc}"[:200], reachable=True) from exc

    def health(self) -> None:
        self._call("GET", "/health")

    def enroll(self, code: str, public_key: str, device_id: str) -> tuple[str, str, int]:
        """(device id, bearer token, device number the server assigned)."""
        body = self._call(
            "POST", "/enroll", json={"code": code, "public_key": public_key, "device_id": device_id}
        )
        device, token, number = body.get("device_id"), body.get("token"), body.get("device_no")
        if not isinstance(device, str) or not isinstance(token, str):
            raise SyncFailure("enrollment answer lacks device_id or token", reachable=True)
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise SyncFailure("enrollment answer lacks the device number", reachable=True)
        return device, token, number

    def push(self, packets: list[dict[str, Any]]) -> dict[str, CaseResult]:
        body = self._call("POST", "/cases/batch", json={"cases": packets})
        try:
            return _parse_batch(body, [p["case_id"] for p in packets])
        except ProtocolError as exc:
            raise SyncFailure(str(exc), reachable=True) from exc

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


def _error_text(body: bytes) -> str:
    try:
        import json

        data = json.loads(body)
        return str(data.get("error") or data.get("detail") or "refused")[:150]
    except (ValueError, AttributeError):
        return "refused"
