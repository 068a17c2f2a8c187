"""One-time codes printed on a resident's receipt: scanning one later proves presence.

``draw_receipt_code(ctx, case_id)`` draws a fresh code for the case's applicant,
``BBR1:XXXX-XXXX-XXXX`` (12 Crockford base32 characters, 60 random bits; the receipt
prints it as a QR code and in words), valid nowhere yet; ``keep_receipt_code`` makes it
the case's code once the slip is really out, replacing the case's unused one (so a
preview, or a print that failed, never voids the slip the resident already holds).
``issue_receipt_code`` does both at once. Only a keyed hash is stored
(``receipt_codes.code_hash``), with the person's ID number encrypted.
``use_receipt_code(ctx, text)`` accepts a code once, before it expires
(``receipt_code_days``), and returns whose it was; every use and refusal is audited.
The receipt slip (kiosk.services.receipts) draws a code, and keeps it after printing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from kiosk.domain.receipt_code_text import (  # noqa: F401 — this module's own API too
    ALPHABET,
    LENGTH,
    PREFIX,
    looks_like_receipt_code,
    normalize_code,
)
from kiosk.services import audit
from kiosk.services.context import KioskContext
from kiosk.store.models import ReceiptCode


class ReceiptCodeError(Exception):
    """No code can be issued for this case (not found, purged, no applicant number)."""


def _now(ctx: KioskContext) -> datetime:
    return ctx.clock().astimezone(UTC).replace(tzinfo=None)


def _hash(ctx: KioskContext, code: str) -> str:
    return ctx.store.cipher.blind_index(f"receipt:{code}")


@dataclass(frozen=True)
class PendingCode:
    """A code drawn for a slip but not yet valid: ``keep_receipt_code`` makes it the
    case's code once the slip is really out (printed, or its bytes written)."""

    case_id: str
    code: str  # the 12 characters
    person: str = field(repr=False)  # the applicant's ID number

    @property
    def text(self) -> str:
        return f"{PREFIX}{self.code[:4]}-{self.code[4:8]}-{self.code[8:]}"


def draw_receipt_code(ctx: KioskContext, case_id: str) -> PendingCode:
    """A fresh code for the applicant of a case, stored nowhere yet (ReceiptCodeError
    when the case is not found, purged, or names no applicant)."""
    with ctx.store.unit_of_work(read_only=True) as uow:
        row = uow.cases.get(case_id) or uow.cases.get_by_number(case_id)
        if row is None or row.personal is None:
            raise ReceiptCodeError(f"case {case_id}: not found or purged")
        form = ctx.catalogue.get(row.form_id, row.form_version)
        number = uow.cases.read_personal(row).answers.get(form.applicant)
        if not number:
            raise ReceiptCodeError(f"case {row.number}: no applicant ID number")
        case = row.id
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return PendingCode(case, code, str(number))


def keep_receipt_code(ctx: KioskContext, pending: PendingCode) -> None:
    """Make ``pending`` the case's one valid code, replacing its unused one (the slip
    that carried the old code was replaced by this one). Audited."""
    now = _now(ctx)
    key = _hash(ctx, pending.code)
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(pending.case_id)
        uow.session.execute(
            delete(ReceiptCode).where(ReceiptCode.case_id == row.id, ReceiptCode.used_at.is_(None))
        )
        uow.session.add(
            ReceiptCode(
                code_hash=key,
                case_id=row.id,
                person=ctx.store.cipher.encrypt(pending.person.encode(), context=key.encode()),
                issued_at=now,
                expires_at=now + timedelta(days=ctx.settings.receipt_code_days),
            )
        )
        audit.record(uow.session, actor="system", action="receipt_code", case_number=row.number)
        uow.commit()


def issue_receipt_code(ctx: KioskContext, case_id: str) -> str:
    """Draw and keep a code at once (a slip handed out by other means), shown once."""
    pending = draw_receipt_code(ctx, case_id)
    keep_receipt_code(ctx, pending)
    return pending.text


def use_receipt_code(ctx: KioskContext, text: str, *, actor: str = "resident") -> str | None:
    """The ID number whose receipt carried this code, consuming it; None when the code is
    unknown, used or expired (the reason is audited, not shown)."""
    code = normalize_code(text)
    if code is None:
        return None
    now = _now(ctx)
    key = _hash(ctx, code)
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(ReceiptCode, key)
        why = (
            "unknown"
            if row is None
            else "used"
            if row.used_at is not None
            else "expired"
            if row.expires_at < now
            else None
        )
        if row is None or why is not None:
            audit.record(uow.session, actor=actor, action="receipt_refused", detail=str(why))
            uow.commit()
            return None
        row.used_at = now
        number = ctx.store.cipher.decrypt(row.person, context=key.encode()).decode()
        audit.record(
            uow.session,
            actor=actor,
            action="receipt_used",
            detail=audit.person_ref(ctx.store.cipher, number),
        )
        uow.commit()
        return number


def purge_receipt_codes(ctx: KioskContext) -> int:
    """Drop codes that are used or expired (nothing personal stays longer than needed)."""
    now = _now(ctx)
    with ctx.store.unit_of_work() as uow:
        result = uow.session.execute(
            delete(ReceiptCode).where(
                (ReceiptCode.used_at.is_not(None)) | (ReceiptCode.expires_at < now)
            )
        )
        uow.commit()
    return int(getattr(result, "rowcount", 0) or 0)
