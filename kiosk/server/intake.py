"""Case intake, idempotent by case UUID: every case exists on the server at most once.

A batch is one transaction. Each case gets its own result: 201 created, 202 already
had it identical, 409 same UUID with other content or a number another case holds,
422 rejected with a reason (the trust rule, kiosk.printing.trust, among them). New
cases are routed at once: the form's ``routing`` steps become open tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain.case_packet import CasePacket
from kiosk.forms.catalogue import Catalogue
from kiosk.server.db import lock_changes
from kiosk.server.devices import KeyCache
from kiosk.server.epoch import current_epoch
from kiosk.server.models import ServerCase, StatusChange, Task, utcnow
from kiosk.server.packets import check_packet
from kiosk.sync.packet_limits import canonical_uuid
from kiosk.sync.protocol import ALREADY_HAD, CONFLICT, CREATED, CaseResult

log = logging.getLogger(__name__)
CASES = cast(Table, ServerCase.__table__)
TASKS = cast(Table, Task.__table__)
CHANGES = cast(Table, StatusChange.__table__)


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
            held = _highest_seq(session, p.number)
            results[p.case_id] = CaseResult(p.case_id, CONFLICT, reason, held)
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


def _highest_seq(session: Session, number: str) -> int:
    """The highest sequence the server holds under ``number``'s day and device part
    (``YYMMDD-DD-``): a kiosk whose number is taken renumbers past it (docs/sync-protocol.md,
    "A number the server already holds")."""
    prefix = number.rsplit("-", 1)[0] + "-"
    highest = 0
    query = select(ServerCase.number).where(
        ServerCase.number > prefix, ServerCase.number < prefix + "~"
    )
    for held in session.scalars(query):
        tail = held[len(prefix) :]
        if tail.isdigit() and len(tail) <= 6:
            highest = max(highest, int(tail))
    return highest


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
        "extra": p.extra or None,
        "source": source,
        "status": "received",
        "status_note": None,
        "received_at": now,
        "updated_at": now,
    }


def _held(session: Session, raw_cases: Sequence[Any]) -> set[str]:
    """The case UUIDs of this batch the server already stores (canonical spellings)."""
    ids: set[str] = set()
    for raw in raw_cases:
        try:
            ids.add(canonical_uuid(raw.get("case_id")) if isinstance(raw, dict) else "")
        except ValueError:
            continue
    ids.discard("")
    if not ids:
        return set()
    return set(session.scalars(select(ServerCase.id).where(ServerCase.id.in_(ids))))


class IntakeBusy(Exception):
    """The batch kept colliding with concurrent requests; the kiosk should try again."""


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
    """Take a batch; one result per input case, in input order (see ingest_batch)."""
    return ingest_batch(sessions, raw_cases, catalogue, device_id=device_id, source=source)[0]


def ingest_batch(
    sessions: sessionmaker[Session],
    raw_cases: Sequence[Any],
    catalogue: Catalogue,
    *,
    device_id: str | None,
    source: str = "network",
) -> tuple[list[CaseResult], str, int]:
    """Take a batch: (one result per input case in input order, the server epoch the
    results belong to, how many cases were created).

    ``device_id`` is the authenticated sender (any enrolled kiosk: its own cases and the
    ones it imported from paper), or None for the staff's QR import; it is only logged.
    """
    with sessions() as session:
        held = _held(session, raw_cases)
        lookup = KeyCache(session)  # the trust rule: enrolled keys, read once per device
        checked = [
            check_packet(raw, catalogue, lookup, held=held.__contains__, numbers=lookup.device_no)
            for raw in raw_cases
        ]
    packets = [c.packet for c in checked if c.packet is not None]
    decided: dict[str, CaseResult] = {}
    epoch = ""
    for attempt in range(5):
        try:
            with sessions() as session:
                decided = _attempt(session, packets, catalogue, source) if packets else {}
                epoch = current_epoch(session)
                session.commit()
            break
        except (IntegrityError, OperationalError) as exc:
            # Another request stored one of these UUIDs meanwhile: look again, it is now
            # known. A deadlock or serialization failure is the same race, seen earlier.
            if isinstance(exc, OperationalError) and not _transient(exc):
                raise
            log.info("intake raced another request (attempt %d); retrying", attempt + 1)
    else:
        raise IntakeBusy("intake kept conflicting with concurrent requests; try again")
    created = sum(1 for r in decided.values() if r.status == CREATED)
    if created:
        log.info("intake: %d new case(s) from device %s via %s", created, device_id, source)
    results: list[CaseResult] = []
    for c in checked:
        if c.problem is not None:
            log.info("intake rejected case %s: %s", c.problem.case_id, c.problem.reason)
            results.append(c.problem)
        else:
            if c.packet is None:
                raise RuntimeError("a checked case with neither a problem nor a packet (a bug)")
            results.append(decided[c.packet.case_id])
    return results, epoch, created
