"""Case intake, idempotent by case UUID: every case exists on the server at most once.

A batch is one transaction. Each case gets its own result: 201 created, 202 already
had it identical, 409 same UUID with other content or a number another case holds,
422 rejected with a reason (the trust rule, kiosk.printing.trust, among them). New
cases are routed at once: the form's ``routing`` steps become open tasks.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain.case_packet import CasePacket, PacketError
from kiosk.forms.catalogue import Catalogue, UnknownForm
from kiosk.printing.signing import PublicKeyLookup
from kiosk.printing.trust import check_case
from kiosk.server.db import lock_changes
from kiosk.server.devices import KeyCache
from kiosk.server.models import ServerCase, StatusChange, Task, utcnow
from kiosk.sync.protocol import ALREADY_HAD, CONFLICT, CREATED, REJECTED, CaseResult

log = logging.getLogger(__name__)
CASES = cast(Table, ServerCase.__table__)
TASKS = cast(Table, Task.__table__)
CHANGES = cast(Table, StatusChange.__table__)


@dataclass(frozen=True)
class Candidate:
    """A packet that passed the checks that need no database."""

    packet: CasePacket
    index: int


def _check(
    raw: Any, catalogue: Catalogue, lookup: PublicKeyLookup
) -> tuple[CasePacket | None, CaseResult | None]:
    """The packet, or a 422 result naming why it can never be taken as it is.

    The trust rule (kiosk.printing.trust.check_case) is the same for every case
    whoever sends it: its identity code must verify with the enrolled key of the
    device that made it and name this very case and content. The sender may be any
    enrolled kiosk (one that imported the case from paper forwards it).
    """
    case_id = raw.get("case_id") if isinstance(raw, dict) else None
    label = case_id if isinstance(case_id, str) else "?"
    try:
        packet = CasePacket.from_dict(raw) if isinstance(raw, dict) else None
    except PacketError as exc:
        return None, CaseResult(label, REJECTED, str(exc)[:200])
    if packet is None:
        return None, CaseResult(label, REJECTED, "case packet is not an object")
    try:
        uuid.UUID(packet.case_id)
    except (ValueError, AttributeError, TypeError):
        return None, CaseResult(label, REJECTED, "case_id is not a UUID")
    try:
        catalogue.get(packet.form_id, packet.form_version)
    except UnknownForm:
        reason = f"unknown form {packet.form_id} version {packet.form_version}"
        return None, CaseResult(packet.case_id, REJECTED, reason)
    verdict = check_case(packet, packet.identity_code, lookup)
    if not verdict.ok:
        return None, CaseResult(packet.case_id, REJECTED, verdict.message[:200])
    return packet, None


def _same(row: tuple[str, str, str, int], packet: CasePacket) -> bool:
    return row[1:] == (packet.content_hash, packet.form_id, packet.form_version) and (
        row[0] == packet.number
    )


def _attempt(
    session: Session,
    packets: list[CasePacket],
    catalogue: Catalogue,
    source: str,
) -> dict[str, CaseResult]:
    ids = [p.case_id for p in packets]
    existing = {
        row[0]: (row[1], row[2], row[3], row[4])
        for row in session.execute(
            select(
                ServerCase.id,
                ServerCase.number,
                ServerCase.content_hash,
                ServerCase.form_id,
                ServerCase.form_version,
            ).where(ServerCase.id.in_(ids))
        )
    }
    # Who holds each number already: a number names one case (unique on the table too).
    holders: dict[str, str] = {
        number: case_id
        for number, case_id in session.execute(
            select(ServerCase.number, ServerCase.id).where(
                ServerCase.number.in_({p.number for p in packets})
            )
        )
    }
    results: dict[str, CaseResult] = {}
    now = utcnow()
    new_cases: list[dict[str, Any]] = []
    new_tasks: list[dict[str, Any]] = []
    for p in packets:
        if p.case_id in results:
            continue  # the same case twice in one batch: the first copy decides
        known = existing.get(p.case_id)
        if known is not None:
            same = _same(known, p)
            results[p.case_id] = CaseResult(
                p.case_id,
                ALREADY_HAD if same else CONFLICT,
                None if same else "the server has this case with other content",
            )
            continue
        holder = holders.setdefault(p.number, p.case_id)
        if holder != p.case_id:
            reason = f"the number {p.number} is already held by another case ({holder})"
            results[p.case_id] = CaseResult(p.case_id, CONFLICT, reason)
            continue
        results[p.case_id] = CaseResult(p.case_id, CREATED)
        new_cases.append(_case_row(p, source, now))
        form = catalogue.get(p.form_id, p.form_version)
        new_tasks.extend(
            {
                "case_id": p.case_id,
                "position": i,
                "step": s.step,
                "desk": s.desk,
                "does": s.does,
                "state": "open",
            }
            for i, s in enumerate(form.routing, start=1)
        )
    if new_cases:
        # Core inserts (executemany) skip the ORM's per-row bookkeeping: 5x faster here.
        conn = session.connection()
        # Insert in key order: two requests racing on overlapping cases then wait on the
        # same first key instead of each holding one the other needs (a deadlock).
        new_cases.sort(key=lambda c: str(c["id"]))
        new_tasks.sort(key=lambda t: (str(t["case_id"]), int(t["position"])))
        conn.execute(insert(CASES), new_cases)
        conn.execute(insert(TASKS), new_tasks)
        if source == "qr":
            # A kiosk cannot know a scanned case arrived: a change tells it (see protocol doc).
            lock_changes(session)
            conn.execute(
                insert(CHANGES),
                [
                    {
                        "case_id": c["id"],
                        "device_id": c["device_id"],
                        "status": "received",
                        "note": "扫码导入",
                        "at": now,
                    }
                    for c in new_cases
                ],
            )
    return results


def _case_row(p: CasePacket, source: str, now: Any) -> dict[str, Any]:
    return {
        "id": p.case_id,
        "number": p.number,
        "device_id": p.device_id,
        "form_id": p.form_id,
        "form_version": p.form_version,
        "content_hash": p.content_hash,
        "answers": p.answers,
        "finalized_at": p.finalized_at,
        "volunteer_id": p.volunteer_id,
        "bundle_id": p.bundle_id,
        "identity_code": p.identity_code,
        "source": source,
        "status": "received",
        "status_note": None,
        "received_at": now,
        "updated_at": now,
    }


def _transient(exc: OperationalError) -> bool:
    """PostgreSQL deadlock / serialization failure, or SQLite's lock timeout: retry."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in ("40P01", "40001") or "database is locked" in str(exc.orig)


def ingest(
    sessions: sessionmaker[Session],
    raw_cases: Sequence[Any],
    catalogue: Catalogue,
    *,
    device_id: str | None,
    source: str = "network",
) -> list[CaseResult]:
    """Take a batch; one result per input case, in input order.

    ``device_id`` is the authenticated sender (any enrolled kiosk: its own cases and the
    ones it imported from paper), or None for the staff's QR import; it is only logged.
    """
    with sessions() as session:
        lookup = KeyCache(session)
        checked = [_check(raw, catalogue, lookup) for raw in raw_cases]
    packets = [p for p, _ in checked if p is not None]
    decided: dict[str, CaseResult] = {}
    for attempt in range(5):
        try:
            with sessions() as session:
                decided = _attempt(session, packets, catalogue, source) if packets else {}
                session.commit()
            break
        except (IntegrityError, OperationalError) as exc:
            # Another request stored one of these UUIDs meanwhile: look again, it is now
            # known. A deadlock or serialization failure is the same race, seen earlier.
            if isinstance(exc, OperationalError) and not _transient(exc):
                raise
            log.info("intake raced another request (attempt %d); retrying", attempt + 1)
    else:
        raise RuntimeError("intake kept conflicting with concurrent requests")
    created = sum(1 for r in decided.values() if r.status == CREATED)
    if created:
        log.info("intake: %d new case(s) from device %s via %s", created, device_id, source)
    results: list[CaseResult] = []
    for packet, problem in checked:
        if problem is not None:
            log.info("intake rejected case %s: %s", problem.case_id, problem.reason)
            results.append(problem)
        else:
            assert packet is not None
            results.append(decided[packet.case_id])
    return results
