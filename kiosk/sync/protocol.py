"""The wire protocol between kiosk and town server (docs/sync-protocol.md), shared by both ends.

Every response body of the API is a JSON object carrying ``"protocol": PROTOCOL``. The
kiosk trusts nothing else: a captive portal's 200 page, a proxy's error page or a
truncated body lacks the marker or does not parse, and so counts as a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROTOCOL = "bangban-sync/1"
API_PREFIX = "/api/v1"
MAX_BATCH = 2000  # cases per POST; the server answers 413 above it

# Limits of one case packet (the server's column sizes); the kiosk checks them before
# sending, the server refuses a case that breaks one with a per-case 422.
MAX_NUMBER_CHARS = 20
MAX_FORM_ID_CHARS = 64
MAX_VOLUNTEER_CHARS = 32
MAX_FINALIZED_AT_CHARS = 40
MAX_IDENTITY_CODE_CHARS = 400  # the signed identity code (BBI2:…) carried with the case
MAX_ANSWERS_BYTES = 256 * 1024  # the answers of one case as compact UTF-8 JSON
MAX_EXTRA_BYTES = 4 * 1024
# A request body larger than this is refused with 413 before it is read. A proxy in front
# may have a smaller limit: the kiosk halves its batches on any 413 (docs/sync-protocol.md).
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024

# Per-case outcomes of a batch (HTTP-like codes inside a 200 response).
CREATED = 201  # the server stored the case now
ALREADY_HAD = 202  # the server already had this case with identical content
CONFLICT = 409  # the server has this UUID with other content
REJECTED = 422  # the server will never take this case as it is (reason given)

ACKNOWLEDGED = frozenset({CREATED, ALREADY_HAD})
QUARANTINE = frozenset({CONFLICT, REJECTED})
OUTCOME_NAMES = {
    CREATED: "created",
    ALREADY_HAD: "already_had",
    CONFLICT: "conflict",
    REJECTED: "rejected",
}

# Server statuses that flow back to the kiosk (kiosk.domain.case_states names).
SERVER_STATUSES = ("received", "accepted", "needs_materials", "completed", "refused")


class SyncFailure(Exception):
    """(Raised by kiosk.sync.client; here so that handling it does not import httpx.)
    The exchange failed; nothing it carried counts as done. ``reachable`` tells whether
    the server answered at all (HTTP error) or not (down, timeout, refused); ``status``
    is the HTTP status when there was one; ``body`` the envelope of an error answer."""

    def __init__(
        self,
        message: str,
        *,
        reachable: bool,
        status: int | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.reachable = reachable
        self.status = status
        self.body = body or {}


class AuthRefused(SyncFailure):
    """The server refused our token (renew it, or re-enroll) or the enrollment.
    (Raised by kiosk.sync.client; here for the same reason as SyncFailure.)"""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message, reachable=True, status=status)


def device_no_of(answer: dict[str, Any]) -> int | None:
    """The ``device_no`` of an enrollment, token or device answer (None when absent or
    not a positive number)."""
    number = answer.get("device_no")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        return None
    return number


class ProtocolError(Exception):
    """A response that is not a well-formed answer of the town server: treat as failure."""


@dataclass(frozen=True)
class CaseResult:
    """One case's result. ``held_seq`` is set only on a 409 for a number the server holds
    for another case UUID: the highest sequence the server holds for that number's day
    and device part, so the kiosk can renumber past all of them at once (NUMBER_HELD)."""

    case_id: str
    status: int
    reason: str | None = None
    held_seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "case_id": self.case_id,
            "status": self.status,
            "outcome": OUTCOME_NAMES[self.status],
            "reason": self.reason,
        }
        if self.held_seq is not None:
            body["number_held"] = {"last_seq": self.held_seq}
        return body

    @property
    def number_held(self) -> bool:
        """A 409 because another case UUID holds this case's number (kiosk: renumber)."""
        return self.status == CONFLICT and self.held_seq is not None


def envelope(**fields: Any) -> dict[str, Any]:
    return {"protocol": PROTOCOL, **fields}


def check_envelope(body: Any) -> dict[str, Any]:
    """The body as a dict when it carries our protocol marker; ProtocolError otherwise."""
    if not isinstance(body, dict) or body.get("protocol") != PROTOCOL:
        raise ProtocolError("response is not from a town server speaking " + PROTOCOL)
    return body


def parse_batch_results(body: Any, sent_ids: list[str]) -> dict[str, CaseResult]:
    """Per-case results of a batch response, keyed by case UUID.

    Only well-formed results for cases we sent are returned; a case missing from
    the response is simply not acknowledged (it stays pending and is sent again).
    """
    data = check_envelope(body)
    results = data.get("results")
    if not isinstance(results, list):
        raise ProtocolError("batch response has no results list")
    wanted = set(sent_ids)
    out: dict[str, CaseResult] = {}
    for item in results:
        if not isinstance(item, dict):
            raise ProtocolError("batch result is not an object")
        case_id, status, reason = item.get("case_id"), item.get("status"), item.get("reason")
        if case_id not in wanted or status not in OUTCOME_NAMES:
            raise ProtocolError("batch result names an unknown case or status")
        if reason is not None and not isinstance(reason, str):
            raise ProtocolError("batch result reason is not text")
        out[case_id] = CaseResult(case_id, status, reason, _held_seq(item.get("number_held")))
    return out


def _held_seq(value: Any) -> int | None:
    """``number_held.last_seq`` of a 409 result (None when absent or malformed)."""
    seq = value.get("last_seq") if isinstance(value, dict) else None
    if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq < 1_000_000:
        return seq
    return None
