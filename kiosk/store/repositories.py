"""One repository per aggregate: cases (with their audit trail), the outbox, small meta values."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.domain.case_numbers import case_number
from kiosk.store.crypto import FieldCipher
from kiosk.store.models import AuditEntry, CaseRow, DayCounter, MetaValue, OutboxEntry, utcnow


class CaseNotFound(LookupError):
    def __init__(self, key: str) -> None:
        super().__init__(f"no case {key}")


@dataclass
class PersonalData:
    """What is encrypted at rest for one case."""

    answers: dict[str, Any] = field(default_factory=dict)
    prefilled: dict[str, str] = field(default_factory=dict)
    applicant_name: str = ""
    subject_name: str = ""


def seal_note(cipher: FieldCipher, case_id: str, note: str | None) -> bytes | None:
    if not note:
        return None
    return cipher.encrypt(note.encode("utf-8"), context=f"note:{case_id}".encode())


def open_note(cipher: FieldCipher, case: CaseRow) -> str | None:
    """The server's note on a case in clear (None when there is none or it was purged)."""
    if not case.server_note:
        return None
    return cipher.decrypt(case.server_note, context=f"note:{case.id}".encode()).decode("utf-8")


class CaseRepository:
    def __init__(
        self, session: Session, cipher: FieldCipher, now: Callable[[], datetime] = utcnow
    ) -> None:
        self.session = session
        self.cipher = cipher
        self.now = now  # the kiosk's clock, naive UTC (audit entries)

    def add(self, case: CaseRow) -> None:
        self.session.add(case)

    def get(self, case_id: str) -> CaseRow | None:
        return self.session.get(CaseRow, case_id)

    def get_by_number(self, number: str) -> CaseRow | None:
        return self.session.scalar(select(CaseRow).where(CaseRow.number == number))

    def require(self, key: str) -> CaseRow:
        """A case by UUID or by its human number."""
        case = self.get(key) or self.get_by_number(key)
        if case is None:
            raise CaseNotFound(key)
        return case

    def search(
        self,
        *,
        states: Sequence[str] | None = None,
        form_id: str | None = None,
        limit: int = 200,
    ) -> list[CaseRow]:
        query = select(CaseRow).order_by(CaseRow.created_at.desc(), CaseRow.number.desc())
        if states:
            query = query.where(CaseRow.state.in_(states))
        if form_id:
            query = query.where(CaseRow.form_id == form_id)
        return list(self.session.scalars(query.limit(limit)))

    def for_person(self, id_number: str) -> list[CaseRow]:
        """Cases where this person is the applicant or the subject (by blind index)."""
        key = self.cipher.blind_index(id_number)
        query = (
            select(CaseRow)
            .where(or_(CaseRow.applicant_key == key, CaseRow.subject_key == key))
            .order_by(CaseRow.created_at.desc())
        )
        return list(self.session.scalars(query))

    def in_bundle(self, bundle_id: str) -> list[CaseRow]:
        query = select(CaseRow).where(CaseRow.bundle_id == bundle_id).order_by(CaseRow.number)
        return list(self.session.scalars(query))

    def person_key(self, id_number: str | None) -> str | None:
        return self.cipher.blind_index(id_number) if id_number else None

    def read_personal(self, case: CaseRow) -> PersonalData:
        if case.personal is None:
            return PersonalData()
        raw = self.cipher.decrypt(case.personal, context=case.id.encode())
        return PersonalData(**json.loads(raw))

    def write_personal(self, case: CaseRow, data: PersonalData) -> None:
        raw = json.dumps(data.__dict__, ensure_ascii=False, separators=(",", ":"))
        case.personal = self.cipher.encrypt(raw.encode("utf-8"), context=case.id.encode())

    def write_note(self, case: CaseRow, note: str | None) -> None:
        """Store the desk's note on a status (it may name people) encrypted, or clear it."""
        case.server_note = seal_note(self.cipher, case.id, note)

    def read_note(self, case: CaseRow) -> str | None:
        return open_note(self.cipher, case)

    def write_print_plan(self, case: CaseRow, plan: bytes | None) -> None:
        """Keep the case's print plan (kiosk.printing.print_plan) encrypted, or clear it;
        same context as kiosk.store.sqlite_reader.SqliteReader.print_plan."""
        context = f"plan:{case.id}".encode()
        case.print_plan = None if plan is None else self.cipher.encrypt(plan, context=context)

    def next_number(self, *, day: date, device: str) -> str:
        """``YYMMDD-<device>-SSS``: day, device part (kiosk.domain.case_numbers), sequence.

        The next sequence after the day's counter that no case in this store holds yet:
        a case imported from paper, or a data root restored from an older copy (its
        counter behind its cases), never makes a number be handed out twice. The server's
        numbers raise the counter at each sync (kiosk.sync.reconcile.raise_day_counters).
        """
        key = day.strftime("%y%m%d")
        counter = self.session.get(DayCounter, key)
        if counter is None:
            counter = DayCounter(day=key, last_seq=0)
            self.session.add(counter)
        prefix = case_number(day, device, 0)[: -len("000")]
        held = set(  # a range on the unique index: the numbers of this day and device part
            self.session.scalars(
                select(CaseRow.number).where(CaseRow.number > prefix, CaseRow.number < prefix + "~")
            )
        )
        seq = counter.last_seq + 1
        while case_number(day, device, seq) in held:
            seq += 1
        counter.last_seq = seq
        return case_number(day, device, seq)

    def audit(self, case: CaseRow, *, actor: str, action: str, detail: str = "") -> None:
        # Added to the session, not to ``case.audit``: appending would load every earlier
        # entry of the case first, which made each answer slower than the last.
        self.session.add(
            AuditEntry(
                case_id=case.id, actor=actor, action=action, detail=detail[:200], at=self.now()
            )
        )


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(self, case_id: str) -> None:
        if self.session.scalar(select(OutboxEntry).where(OutboxEntry.case_id == case_id)):
            return  # already queued: enqueueing is idempotent
        self.session.add(OutboxEntry(case_id=case_id, state="pending", enqueued_at=utcnow()))

    def get(self, case_id: str) -> OutboxEntry | None:
        return self.session.scalar(select(OutboxEntry).where(OutboxEntry.case_id == case_id))

    def due(self, *, now: datetime, limit: int) -> list[OutboxEntry]:
        """Pending entries whose retry time has come, oldest first (send order)."""
        query = (
            select(OutboxEntry)
            .where(OutboxEntry.state == "pending")
            .where(or_(OutboxEntry.next_attempt_at.is_(None), OutboxEntry.next_attempt_at <= now))
            .order_by(OutboxEntry.seq)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def count(self, state: str) -> int:
        query = select(OutboxEntry.seq).where(OutboxEntry.state == state)
        return len(list(self.session.scalars(query)))


class MetaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> str | None:
        row = self.session.get(MetaValue, key)
        return row.value if row else None

    def set(self, key: str, value: str) -> None:
        row = self.session.get(MetaValue, key)
        if row is None:
            self.session.add(MetaValue(key=key, value=value))
        else:
            row.value = value
