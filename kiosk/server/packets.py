"""Check one incoming case packet before anything is looked up or stored.

Three layers, each a per-case 422 with a reason (never a 500 for the batch):

1. shape and limits (pydantic, strict types, lengths equal to the server's columns,
   canonical UUIDs, no NUL or lone surrogates; kiosk.sync.packet_limits);
2. the content hash matches the answers, the form version is known, and the trust rule
   holds (kiosk.printing.trust.check_case: the identity code verifies with the enrolled
   key of the device that made the case and names this very case and content; any
   enrolled kiosk may forward it, e.g. one that imported it from paper);
3. the answers are valid for that form version, judged by the same form engine the
   kiosk runs (``FormFill.apply_answers`` + ``check_all``): unknown questions, invalid
   ID numbers, missing required answers, broken constraints.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from kiosk.domain.case_packet import CasePacket
from kiosk.forms.catalogue import Catalogue, UnknownForm
from kiosk.forms.engine import FormFill
from kiosk.printing.signing import PublicKeyLookup
from kiosk.printing.trust import DeviceNumbers, check_case
from kiosk.sync.packet_limits import canonical_uuid, json_size
from kiosk.sync.protocol import (
    MAX_ANSWERS_BYTES,
    MAX_EXTRA_BYTES,
    MAX_FINALIZED_AT_CHARS,
    MAX_FORM_ID_CHARS,
    MAX_IDENTITY_CODE_CHARS,
    MAX_NUMBER_CHARS,
    MAX_VOLUNTEER_CHARS,
    REJECTED,
    CaseResult,
)

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plain_text(value: str) -> str:
    """No control characters and valid Unicode: what every String column can hold."""
    if _CONTROL.search(value):
        raise ValueError("contains control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("is not valid Unicode") from exc
    return value


def _sized(limit: int) -> Any:
    def check(value: dict[str, Any]) -> dict[str, Any]:
        size = json_size(value)
        if size > limit:
            raise ValueError(f"is {size} bytes, more than the limit of {limit}")
        return value

    return AfterValidator(check)


def _iso_time(value: str) -> str:
    try:
        datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError as exc:
        raise ValueError("is not an ISO 8601 time") from exc
    return value


PlainText = Annotated[str, AfterValidator(plain_text)]
Uuid = Annotated[str, AfterValidator(canonical_uuid)]


class CasePacketIn(BaseModel):
    """A case packet as the server accepts it (kiosk.domain.case_packet, same fields)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    case_id: Uuid
    number: Annotated[PlainText, StringConstraints(min_length=1, max_length=MAX_NUMBER_CHARS)]
    form_id: Annotated[
        str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]*$", max_length=MAX_FORM_ID_CHARS)
    ]
    form_version: Annotated[int, Field(ge=1, le=1_000_000)]
    answers: Annotated[dict[str, Any], _sized(MAX_ANSWERS_BYTES)]
    content_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    device_id: Uuid
    finalized_at: Annotated[
        PlainText,
        StringConstraints(max_length=MAX_FINALIZED_AT_CHARS),
        AfterValidator(_iso_time),
    ]
    volunteer_id: Annotated[PlainText, StringConstraints(max_length=MAX_VOLUNTEER_CHARS)] | None = (
        None
    )
    bundle_id: Uuid | None = None
    extra: Annotated[dict[str, Any], _sized(MAX_EXTRA_BYTES)] = Field(default_factory=dict)
    identity_code: (
        Annotated[PlainText, StringConstraints(max_length=MAX_IDENTITY_CODE_CHARS)] | None
    ) = None


@dataclass(frozen=True)
class Checked:
    """A packet that passed every check, or the 422 result saying why not."""

    packet: CasePacket | None
    problem: CaseResult | None


def _label(raw: Any) -> str:
    """The case id to name in a result: canonical when it is a UUID at all."""
    case_id = raw.get("case_id") if isinstance(raw, dict) else None
    try:
        return canonical_uuid(case_id)
    except ValueError:
        return case_id if isinstance(case_id, str) and len(case_id) <= 64 else "?"


def _first_error(exc: ValidationError) -> str:
    err = exc.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(p) for p in err["loc"]) or "packet"
    return f"{where}: {err['msg']}"[:200]


def validation_day(finalized_at: str, now: datetime | None = None) -> date:
    """The day the answers are judged on: the day the case was finalized, but never after
    tomorrow by the server's clock (the server's clock counts; a kiosk a day ahead still
    passes, a kiosk a year ahead does not move "today")."""
    server_now = (now or datetime.now(UTC)).astimezone()
    try:
        stamp = datetime.fromisoformat(finalized_at.removesuffix("Z"))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        day = stamp.astimezone(server_now.tzinfo).date()
    except ValueError:
        day = server_now.date()
    return min(day, server_now.date() + timedelta(days=1))


def answer_problems(packet: CasePacket, catalogue: Catalogue) -> list[str]:
    """The answers' errors by the kiosk's own form engine, as ``path: message`` (English,
    no values). Only the public FormFill entry points are used."""
    form = catalogue.get(packet.form_id, packet.form_version)
    fill = FormFill(form, catalogue.lists, today=validation_day(packet.finalized_at))
    problems = [p for p in fill.apply_answers(packet.answers) if p.is_error]
    seen = {p.path for p in problems}
    problems += [p for p in fill.check_all() if p.is_error and p.path not in seen]
    return [f"{p.path}: {p.problem.message_en}" for p in problems]


def _release_of(packet: CasePacket) -> int | None:
    """The published release a case names in its signed ``extra`` (None: not recorded)."""
    release = packet.extra.get("release")
    if isinstance(release, int) and not isinstance(release, bool) and release >= 0:
        return release
    return None


def check_packet(
    raw: Any,
    catalogue: Catalogue,
    lookup: PublicKeyLookup,
    *,
    held: Callable[[str], bool] | None = None,
    numbers: DeviceNumbers | None = None,
) -> Checked:
    """Check one raw packet of a batch; ``lookup`` gives the enrolled (unrevoked) key of a
    device id (kiosk.server.devices.KeyCache), ``numbers`` its device number, for the
    trust rule.

    ``held(case_id)`` tells whether the server already stores this case: then the form
    engine is skipped (a resend with the same hash was judged when it arrived; one with
    another hash is a 409 conflict anyway), which keeps resends and reconciliation cheap."""
    label = _label(raw)
    if not isinstance(raw, dict):
        return Checked(None, CaseResult(label, REJECTED, "case packet is not an object"))
    try:
        data = CasePacketIn.model_validate(raw)
    except ValidationError as exc:
        return Checked(None, CaseResult(label, REJECTED, _first_error(exc)))
    except ValueError as exc:  # json_size on text that cannot be encoded
        return Checked(None, CaseResult(label, REJECTED, str(exc)[:200]))
    packet = CasePacket(**data.model_dump())
    # Judged by the release (forms and policy) the kiosk made it under (issue 16).
    catalogue = catalogue.of_release(_release_of(packet), packet.finalized_at)
    try:
        catalogue.get(packet.form_id, packet.form_version)
    except UnknownForm:
        reason = f"unknown form {packet.form_id} version {packet.form_version}"
        return Checked(None, CaseResult(packet.case_id, REJECTED, reason))
    if not packet.hash_matches():
        reason = "content hash does not match answers"
        return Checked(None, CaseResult(packet.case_id, REJECTED, reason))
    try:
        verdict = check_case(packet, packet.identity_code, lookup, numbers)
    except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
        # A malformed identity code is one refused case, never a 500 for the batch.
        log.warning("identity code of case %s could not be read: %s", packet.case_id, type(exc))
        return Checked(None, CaseResult(packet.case_id, REJECTED, "identity code is unreadable"))
    if not verdict.ok:
        return Checked(None, CaseResult(packet.case_id, REJECTED, verdict.message[:200]))
    if held is not None and held(packet.case_id):
        return Checked(packet, None)
    try:
        problems = answer_problems(packet, catalogue)
    except Exception as exc:  # the engine must never turn one odd case into a 500
        log.warning("answers of case %s could not be checked: %s", packet.case_id, type(exc))
        problems = ["answers could not be checked against the form"]
    if problems:
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        reason = "invalid answers: " + "; ".join(problems[:3])
        return Checked(None, CaseResult(packet.case_id, REJECTED, (reason[:190] + more)[:200]))
    return Checked(packet, None)
