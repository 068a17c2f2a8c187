"""The audit log outside a case's own trail, its retention, and the export for review.

Case changes are audited on the case (``audit_entries``); everything else a person
does with personal data or with the kiosk (logins, lockouts, identity proofs, reveals,
staff actions) goes to ``audit_log``. Neither ever holds an ID number or a name:
people appear as ``person:<12 hex>``, a keyed blind index that only this kiosk's key
can link to a number. ``export_audit`` merges both for the town's 等保 review
(``kiosk audit export --since``) and masks any digit run that slipped into a detail.
Entries are kept ``audit_retention_days`` (at least 183, default 365).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk.domain.masking import scrub_numbers
from kiosk.services.context import KioskContext
from kiosk.store.crypto import FieldCipher
from kiosk.store.models import AuditEntry, AuditLogEntry, CaseRow, utcnow


@dataclass(frozen=True)
class AuditRecord:
    at: datetime  # naive UTC
    actor: str
    action: str
    case_number: str | None
    detail: str


def person_ref(cipher: FieldCipher, id_number: str) -> str:
    """How an audit line names a person: ``person:3fa2c19d0b7e`` (not reversible)."""
    return "person:" + cipher.blind_index(f"audit:{id_number.upper()}")[:12]


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    detail: str = "",
    case_number: str | None = None,
) -> None:
    """Add one entry in the caller's transaction (the change and its audit commit together)."""
    session.add(
        AuditLogEntry(
            at=utcnow(),
            actor=actor[:64],
            action=action[:32],
            case_number=case_number,
            detail=scrub_numbers(detail)[:200],
        )
    )


def log_event(
    ctx: KioskContext,
    *,
    actor: str,
    action: str,
    detail: str = "",
    case_number: str | None = None,
) -> None:
    """One entry in its own transaction (for actions that change nothing else)."""
    with ctx.store.unit_of_work() as uow:
        record(uow.session, actor=actor, action=action, detail=detail, case_number=case_number)
        uow.commit()


def export_audit(
    ctx: KioskContext, *, since: datetime, until: datetime | None = None
) -> list[AuditRecord]:
    """Every audit entry from ``since`` (naive UTC, inclusive) to ``until``, oldest first."""
    end = until or datetime.max
    with ctx.store.unit_of_work(read_only=True) as uow:
        case_rows = uow.session.execute(
            select(AuditEntry, CaseRow.number)
            .join(CaseRow, CaseRow.id == AuditEntry.case_id)
            .where(AuditEntry.at >= since, AuditEntry.at < end)
        ).all()
        log_rows = uow.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.at >= since, AuditLogEntry.at < end)
        ).all()
        out = [
            AuditRecord(e.at, e.actor, e.action, number, scrub_numbers(e.detail))
            for e, number in case_rows
        ]
        out += [
            AuditRecord(e.at, e.actor, e.action, e.case_number, scrub_numbers(e.detail))
            for e in log_rows
        ]
    out.sort(key=lambda r: r.at)
    return out


def purge_audit(ctx: KioskContext, *, now: datetime | None = None) -> int:
    """Delete ``audit_log`` entries older than ``audit_retention_days``; return how many.

    A case's own trail stays with the case (its stub outlives the personal data)."""
    cutoff = (now or utcnow()) - timedelta(days=ctx.settings.audit_retention_days)
    with ctx.store.unit_of_work() as uow:
        result = uow.session.execute(delete(AuditLogEntry).where(AuditLogEntry.at < cutoff))
        uow.commit()
    return int(getattr(result, "rowcount", 0) or 0)
