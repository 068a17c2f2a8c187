"""A case number the town server already holds for another case: the kiosk renumbers.

How it happens: a kiosk restored from an older copy of its data root, offline, hands out
numbers its lost days already gave to other cases (the server's ``last_numbers`` raise
the day counters only once the kiosk reaches the server, ``learn_numbers`` below). The
server keeps one case per number and answers such a case ``409`` with ``number_held``
(kiosk.sync.protocol.CaseResult.held_seq). Quarantining it would stop it forever (a
retry sends the same number again), so the kiosk that made the case gives it the next
free number of that day past the server's highest, signs its identity code again (the
number is in the signed envelope; the same device key), keeps the old number in the
case's history, flags the case 需重新打印 for staff (the printed paper carries the old
number and code) and sends it again in the same round (docs/sync-protocol.md, "A number
the server already holds").

A case made on another kiosk (forwarded after a QR import) cannot be signed here: it is
quarantined with the reason, as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.device_identity import load_or_create_signing_key
from kiosk.domain.case_numbers import DEVICE_NO_KEY, device_part
from kiosk.services.identity import sign_case
from kiosk.store.models import AuditEntry, CaseRow, DayCounter, utcnow
from kiosk.store.uow import Store

log = logging.getLogger(__name__)
RENUMBERED = "renumbered"  # the audit action; its detail keeps the old number
# Shown on the staff page's print-problem list (with its reprint button) until reprinted.
REPRINT_NOTE = (
    "需重新打印：原编号{old}已被镇上另一件占用，已改为{new}。旧纸作废，请重新打印交给居民。"
)


@dataclass(frozen=True)
class Renumbered:
    """A case that got a new number (no personal data)."""

    case_id: str
    old: str
    new: str


def _raise_counter(session: Session, day: str, held_seq: int) -> None:
    """The day's counter at least ``held_seq`` (the server's highest for the number)."""
    counter = session.get(DayCounter, day)
    if counter is None:
        session.add(DayCounter(day=day, last_seq=held_seq))
    elif counter.last_seq < held_seq:
        counter.last_seq = held_seq


def renumber(store: Store, data_root: Path, held: dict[str, int]) -> list[Renumbered]:
    """Give each pending case of ``held`` (case UUID → the server's highest sequence for
    its number's day and device part) a new number and a new signature; one transaction.
    Cases this kiosk did not make, or that are no longer pending, are skipped (the caller
    quarantines the former). Returns what was renumbered."""
    done: list[Renumbered] = []
    if not held:
        return done
    key = load_or_create_signing_key(data_root)
    now = utcnow()
    with store.unit_of_work() as uow:
        device_no = uow.meta.get(DEVICE_NO_KEY)
        device = device_part(int(device_no) if device_no else None, store.device_id)
        for case_id, held_seq in held.items():
            row, entry = uow.cases.get(case_id), uow.outbox.get(case_id)
            if row is None or entry is None or entry.state != "pending":
                continue
            if not renumberable(row, store.device_id):
                continue
            old = row.number
            day = datetime.strptime(old[:6], "%y%m%d").date()
            _raise_counter(uow.session, old[:6], held_seq)
            row.number = uow.cases.next_number(day=day, device=device)
            row.identity_code = sign_case(row, key)
            row.print_problem = REPRINT_NOTE.format(old=old, new=row.number)[:200]
            row.updated_at = now
            detail = (
                f"{old} -> {row.number}: the town server holds {old} for another case; "
                "re-signed, the old paper is void, print again"
            )
            uow.cases.audit(row, actor="sync", action=RENUMBERED, detail=detail)
            entry.attempts, entry.next_attempt_at, entry.suspected_at = 0, None, None
            entry.last_error = f"renumbered {old} -> {row.number}"
            done.append(Renumbered(case_id, old, row.number))
        uow.commit()
    for r in done:
        log.warning(
            "case %s renumbered %s -> %s (the server held the old one)", r.case_id, r.old, r.new
        )
    return done


def renumberable(row: CaseRow, device_id: str) -> bool:
    """Only the device that made a finalized case can sign it again."""
    return (
        row.device_id == device_id
        and row.content_hash is not None
        and row.finalized_at is not None
        and len(row.number) >= 6
        and row.number[:6].isdigit()
    )


def needs_reprint(store: Store) -> list[Renumbered]:
    """Renumbered cases not printed again yet (their ``print_problem`` is still set),
    newest first: ``kiosk status`` and the staff page list them."""
    with store.unit_of_work(read_only=True) as uow:
        query = (
            select(CaseRow.id, CaseRow.number, AuditEntry.detail)
            .join(AuditEntry, AuditEntry.case_id == CaseRow.id)
            .where(AuditEntry.action == RENUMBERED, CaseRow.print_problem.is_not(None))
            .order_by(AuditEntry.id.desc())
        )
        seen: dict[str, Renumbered] = {}
        for case_id, number, detail in uow.session.execute(query):
            old = str(detail).split(" -> ", 1)[0]
            if case_id not in seen:
                seen[case_id] = Renumbered(case_id, old, number)
        return list(seen.values())
