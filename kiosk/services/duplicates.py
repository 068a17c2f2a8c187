"""Duplicate claims: a second case of the same form for the same subject (DESIGN.md "Cases").

Two death-benefit claims for one deceased, or two 低保 applications by one applicant,
are almost always a mistake or a second relative not knowing of the first. A case
whose subject (the form's ``subject`` question: the deceased, the applicant ...)
already has another case of the same form that is open or done (any state but
不予受理) is a duplicate. The kiosk warns and shows that case; a volunteer may go on
with a reason, which is audited on the case (``duplicate_override``). Finalizing a
duplicate without it raises :class:`DuplicateClaim`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.case_states import CaseState
from kiosk.domain.masking import scrub_numbers
from kiosk.forms.bundle import BUNDLE_FORM_PREFIX
from kiosk.forms.catalogue import Catalogue
from kiosk.services.context import KioskContext
from kiosk.store.models import CaseRow
from kiosk.store.uow import UnitOfWork

if TYPE_CHECKING:
    from kiosk.services.views import DraftView

OVERRIDE_ACTION = "duplicate_override"
# The reasons a volunteer picks from (touch only; a free note may follow, numbers masked).
REASONS = (
    "上一件填错了，这件重新申请",
    "上一件需补材料，这次重新交",
    "另一位家属也要申请，工作人员同意",
    "工作人员要求重新填写",
)
NOT_DUPLICATE_STATES = frozenset({CaseState.REFUSED})


class DuplicateClaim(Exception):
    """Finalizing a duplicate without a volunteer's reason; ``numbers`` are the other cases."""

    def __init__(self, numbers: list[str], states: list[str] | None = None) -> None:
        self.numbers = numbers
        self.states = states or [""] * len(numbers)
        shown = [f"{n} ({s})" if s else n for n, s in zip(numbers, self.states, strict=False)]
        super().__init__(f"the same subject already has case(s) {', '.join(shown)}")


def forms_of(catalogue: Catalogue, row: CaseRow) -> set[str]:
    """The form ids a case stands for: its own, and for a life-event intake its forms."""
    if not row.form_id.startswith(BUNDLE_FORM_PREFIX):
        return {row.form_id}
    bundle = catalogue.bundle(row.form_id.removeprefix(BUNDLE_FORM_PREFIX), row.form_version)
    return {row.form_id} | {bf.form for bf in bundle.forms}


def duplicate_rows(catalogue: Catalogue, session: Session, row: CaseRow) -> list[CaseRow]:
    """Other cases of the same form(s) about the same subject, open or done, oldest first."""
    if not row.subject_key:
        return []
    query = (
        select(CaseRow)
        .where(CaseRow.subject_key == row.subject_key)
        .where(CaseRow.id != row.id)
        .where(CaseRow.form_id.in_(forms_of(catalogue, row)))
        .where(CaseRow.state.not_in(NOT_DUPLICATE_STATES))
        .order_by(CaseRow.created_at)
    )
    found = list(session.scalars(query))
    # The cases of one life-event intake are siblings, not duplicates of each other.
    return [r for r in found if not (row.bundle_id and r.bundle_id == row.bundle_id)]


def duplicate_rows_numbers(session: Session, row: CaseRow) -> list[str]:
    """The numbers of the cases this one duplicates, for the audit line (no catalogue
    needed: same subject key, any form this row's id names)."""
    if not row.subject_key:
        return []
    query = (
        select(CaseRow.number)
        .where(CaseRow.subject_key == row.subject_key, CaseRow.id != row.id)
        .where(CaseRow.state.not_in(NOT_DUPLICATE_STATES))
        .order_by(CaseRow.created_at)
    )
    return list(session.scalars(query))[:5]


def has_override(row: CaseRow) -> bool:
    return any(a.action == OVERRIDE_ACTION for a in row.audit)


def override_reason(row: CaseRow) -> str | None:
    """The reason given (without the case numbers the audit line adds)."""
    detail = next((a.detail for a in reversed(row.audit) if a.action == OVERRIDE_ACTION), None)
    return detail.split("; same subject as")[0] if detail is not None else None


def record_override(uow: UnitOfWork, row: CaseRow, reason: str, *, actor: str) -> None:
    """Audit why a duplicate goes on (the reason text with any number masked)."""
    others = duplicate_rows_numbers(uow.session, row)
    detail = f"{scrub_numbers(reason.strip())[:120]}; same subject as {', '.join(others) or '-'}"
    uow.cases.audit(row, actor=actor, action=OVERRIDE_ACTION, detail=detail)


def allow_duplicate(ctx: KioskContext, case_id: str, reason: str, *, actor: str) -> DraftView:
    """A volunteer (or staff) goes on with a duplicate claim: the reason is audited.

    Raises CaseError when the reason is empty or the actor is the resident alone."""
    from kiosk.services.case_errors import CaseError
    from kiosk.services.case_rows import _editable, _fill, _form, summary_of
    from kiosk.services.views import DraftView

    if not reason.strip():
        raise CaseError("a duplicate claim goes on only with a reason")
    if not actor.startswith(("volunteer:", "staff:", "admin:")):
        raise CaseError("only a logged-in volunteer or staff member can allow a duplicate claim")
    with ctx.store.unit_of_work() as uow:
        row = _editable(uow, case_id)
        record_override(uow, row, reason, actor=actor)
        fill = _fill(ctx, _form(ctx, row), uow.cases.read_personal(row), row.identity_proof)
        view = DraftView(summary_of(ctx, row), fill, row.current_page, [])
        uow.commit()
        return view


def discard_draft(ctx: KioskContext, case_id: str, *, actor: str) -> None:
    """Drop a draft the person chose not to go on with (a duplicate claim they stopped).

    Only drafts; the audit log keeps that it existed (number and form, nothing personal)."""
    from kiosk.services.audit import record
    from kiosk.services.case_rows import _editable

    with ctx.store.unit_of_work() as uow:
        row = _editable(uow, case_id)
        record(
            uow.session,
            actor=actor,
            action="draft_discarded",
            detail=row.form_id,
            case_number=row.number,
        )
        uow.session.delete(row)
        uow.commit()
