"""Read-only case queries: lists, 我的办件, one case in full (kiosk.services.cases re-exports)."""

from __future__ import annotations

from kiosk.services.context import KioskContext
from kiosk.services.views import AuditLine, CaseDetail, CaseSummary


def list_cases(
    ctx: KioskContext,
    *,
    states: list[str] | None = None,
    form_id: str | None = None,
    limit: int = 200,
) -> list[CaseSummary]:
    from kiosk.services.case_rows import summary_of

    with ctx.store.unit_of_work(read_only=True) as uow:
        rows = uow.cases.search(states=states, form_id=form_id, limit=limit)
        return [summary_of(ctx, row) for row in rows]


def cases_for_person(ctx: KioskContext, id_number: str) -> list[CaseSummary]:
    """我的办件: the cases a person applied for or is the subject of; states only."""
    from kiosk.services.case_rows import summary_of

    with ctx.store.unit_of_work(read_only=True) as uow:
        return [summary_of(ctx, row) for row in uow.cases.for_person(id_number)]


def show_case(ctx: KioskContext, key: str) -> CaseDetail:
    """One case in full (for staff and the owner): answers, their words, the audit trail."""
    from kiosk.services.case_rows import _fill, as_of, summary_of

    with ctx.store.unit_of_work(read_only=True) as uow:
        row = uow.cases.require(key)
        data = uow.cases.read_personal(row)
        form = ctx.catalogue.get(row.form_id, row.form_version)
        fill = _fill(ctx, form, data, row.identity_proof, as_of(ctx, row))
        audit = [AuditLine(a.at, a.actor, a.action, a.detail) for a in row.audit]
        return CaseDetail(
            summary=summary_of(ctx, row),
            applicant_name=data.applicant_name,
            subject_name=data.subject_name,
            answers=data.answers,
            rows=fill.summary() if row.personal is not None else [],
            content_hash=row.content_hash,
            device_id=row.device_id,
            purged=row.purged_at is not None,
            audit=audit,
            consent=_consent_line(row.consent),
            rating=row.rating,
            rating_reason=row.rating_reason,
        )


def _consent_line(stored: str | None) -> str:
    from kiosk.services.consent import Consent

    consent = Consent.from_json(stored)
    return consent.line() if consent else ""
