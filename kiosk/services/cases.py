"""Case operations: start, answer, validate, finalize, fill, list, show.

Each operation is one unit of work: it either commits whole or leaves nothing.
A draft is saved after every accepted answer, so a crash loses at most the
answer being typed; finalizing freezes the answers that apply, records their
hash and queues the case for the town server in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from kiosk import events
from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_states import EDITABLE_STATES, CaseState, check_transition
from kiosk.forms.bundle import BUNDLE_FORM_PREFIX
from kiosk.forms.engine import AnswerProblem, FormFill
from kiosk.forms.schema import FormDefinition
from kiosk.services.context import KioskContext
from kiosk.services.views import AnswerResult, AuditLine, CaseDetail, CaseSummary, DraftView
from kiosk.store.models import CaseRow, utcnow
from kiosk.store.repositories import CaseRepository, PersonalData, open_note
from kiosk.store.uow import UnitOfWork


class CaseError(Exception):
    """An operation that cannot be done to this case (message in plain English)."""


class InvalidAnswers(CaseError):
    """The answers have errors; nothing was saved. ``problems`` lists every one."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the answers")
        self.problems = problems


def actor_for(volunteer_id: str | None, default: str = "resident") -> str:
    return f"volunteer:{volunteer_id}" if volunteer_id else default


def _form(ctx: KioskContext, row: CaseRow) -> FormDefinition:
    return ctx.catalogue.get(row.form_id, row.form_version)


def summary_of(ctx: KioskContext, row: CaseRow) -> CaseSummary:
    form = _form(ctx, row)
    note = open_note(ctx.store.cipher, row)
    return CaseSummary.of(row, title=form.title, department=form.department, note=note)


def _fill(ctx: KioskContext, form: FormDefinition, data: PersonalData) -> FormFill:
    return FormFill(
        form,
        ctx.catalogue.lists,
        today=ctx.today(),
        answers=data.answers,
        prefilled=data.prefilled,
        prefill=ctx.prefill,
    )


def _save_fill(cases: CaseRepository, row: CaseRow, fill: FormFill) -> None:
    store_answers(cases, row, fill.form, fill.answers, fill.prefilled)


def store_answers(
    cases: CaseRepository,
    row: CaseRow,
    form: FormDefinition,
    answers: dict[str, Any],
    prefilled: dict[str, str] | None = None,
) -> None:
    """Encrypt a case's answers with the names lists show, and index who it is by and about."""
    names = form.names
    data = PersonalData(answers=answers, prefilled=dict(prefilled or {}))
    data.applicant_name = str(answers.get(names.applicant or "", "") or "")
    data.subject_name = str(answers.get(names.subject or "", "") or "")
    cases.write_personal(row, data)
    row.applicant_key = cases.person_key(answers.get(form.applicant))
    row.subject_key = cases.person_key(answers.get(form.subject))


def _new_row(
    ctx: KioskContext,
    uow: UnitOfWork,
    form: FormDefinition,
    *,
    volunteer_id: str | None,
    bundle_id: str | None,
) -> CaseRow:
    number = uow.cases.next_number(day=ctx.today(), device_no=ctx.settings.device_no)
    row = CaseRow(
        id=str(uuid.uuid4()),
        number=number,
        form_id=form.id,
        form_version=form.version,
        state=CaseState.DRAFT,
        volunteer_id=volunteer_id,
        bundle_id=bundle_id,
        device_id=ctx.store.device_id,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    uow.cases.add(row)
    return row


def start_case(
    ctx: KioskContext,
    form_id: str,
    *,
    resident_id: str | None = None,
    volunteer_id: str | None = None,
    bundle_id: str | None = None,
) -> DraftView:
    """Create a draft with its UUID and case number, prefilled from the identified resident."""
    form = ctx.catalogue.get(form_id)
    with ctx.store.unit_of_work() as uow:
        row = _new_row(ctx, uow, form, volunteer_id=volunteer_id, bundle_id=bundle_id)
        fill = FormFill(
            form,
            ctx.catalogue.lists,
            today=ctx.today(),
            prefill=ctx.prefill,
            resident_id=resident_id,
        )
        _save_fill(uow.cases, row, fill)
        uow.cases.audit(
            row,
            actor=actor_for(volunteer_id),
            action="created",
            detail=f"{form.id} v{form.version}",
        )
        uow.commit()
        view = DraftView(summary_of(ctx, row), fill, None)
    events.case_did_save.emit(row.id)
    return view


def _editable(uow: UnitOfWork, case_id: str) -> CaseRow:
    row = uow.cases.require(case_id)
    if row.state not in EDITABLE_STATES:
        raise CaseError(f"case {row.number} is {row.state}; its answers can no longer change")
    return row


def load_draft(ctx: KioskContext, case_id: str) -> DraftView:
    """A draft ready to go on filling (migrated to the form's newest version when it can be)."""
    with ctx.store.unit_of_work() as uow:
        row = _editable(uow, case_id)
        data = uow.cases.read_personal(row)
        latest = ctx.catalogue.get(row.form_id)
        if latest.version != row.form_version:
            migrated = migrate_answers(latest, row.form_version, data.answers)
            if migrated is not None:
                data.answers, row.form_version = migrated, latest.version
                data.prefilled = {}
                uow.cases.audit(
                    row, actor="system", action="migrated", detail=f"to v{latest.version}"
                )
        fill = _fill(ctx, _form(ctx, row), data)
        _save_fill(uow.cases, row, fill)
        uow.commit()
        return DraftView(summary_of(ctx, row), fill, row.current_page)


def migrate_answers(
    form: FormDefinition, from_version: int, answers: dict[str, Any]
) -> dict[str, Any] | None:
    """Apply the form's migration rule from an older version; None when it declares none."""
    rule = next((m for m in form.migrations if m.from_version == from_version), None)
    if rule is None:
        return None
    out = {rule.rename.get(k, k): v for k, v in answers.items() if k not in rule.drop}
    return out


def _change_draft(
    ctx: KioskContext, case_id: str, change: Any, *, page: str | None, actor: str, action: str
) -> AnswerResult:
    with ctx.store.unit_of_work() as uow:
        row = _editable(uow, case_id)
        fill = _fill(ctx, _form(ctx, row), uow.cases.read_personal(row))
        problems: list[AnswerProblem] = change(fill)
        if any(p.is_error for p in problems):
            # Nothing is saved for a rejected answer; the draft stays as it was.
            return AnswerResult(problems, DraftView(summary_of(ctx, row), fill, row.current_page))
        _save_fill(uow.cases, row, fill)
        if page is not None:
            row.current_page = page
        row.updated_at = utcnow()
        uow.cases.audit(row, actor=actor, action=action, detail=page or "")
        uow.commit()
        view = DraftView(summary_of(ctx, row), fill, row.current_page)
    events.case_did_save.emit(case_id)
    return AnswerResult(problems, view)


def answer(
    ctx: KioskContext, case_id: str, path: str, value: Any, *, actor: str = "resident"
) -> AnswerResult:
    """Check and save one answer. Errors come back in the result and nothing is saved."""
    return _change_draft(
        ctx,
        case_id,
        lambda fill: fill.set_answer(path, value),
        page=path,
        actor=actor,
        action="answered",
    )


def add_item(
    ctx: KioskContext, case_id: str, repeat: str, *, actor: str = "resident"
) -> AnswerResult:
    def change(fill: FormFill) -> list[AnswerProblem]:
        fill.add_item(repeat)
        return []

    return _change_draft(ctx, case_id, change, page=repeat, actor=actor, action="item_added")


def remove_item(
    ctx: KioskContext, case_id: str, repeat: str, index: int, *, actor: str = "resident"
) -> AnswerResult:
    def change(fill: FormFill) -> list[AnswerProblem]:
        fill.remove_item(repeat, index)
        return []

    return _change_draft(ctx, case_id, change, page=repeat, actor=actor, action="item_removed")


def validate_case(ctx: KioskContext, case_id: str) -> list[AnswerProblem]:
    """Every problem that would stop finalizing, in page order."""
    return load_draft(ctx, case_id).fill.check_all()


def _freeze(uow: UnitOfWork, row: CaseRow, fill: FormFill, *, actor: str) -> None:
    """Freeze what applies, hash it, queue it: the one place a case becomes final."""
    if row.form_id.startswith(BUNDLE_FORM_PREFIX):
        # A life-event intake is never a case of its own: it becomes one case per form.
        raise CaseError(f"{row.form_id} is a life-event bundle; use finalize_bundle")
    errors = [p for p in fill.check_all() if p.is_error]
    if errors:
        raise InvalidAnswers(errors)
    check_transition(CaseState(row.state), CaseState.FINALIZED)
    final = fill.final_answers()
    fill.answers = final
    _save_fill(uow.cases, row, fill)
    row.content_hash = content_hash(row.form_id, row.form_version, final)
    row.state = CaseState.FINALIZED
    row.finalized_at = row.updated_at = utcnow()
    uow.cases.audit(row, actor=actor, action="finalized", detail=f"sha256 {row.content_hash[:16]}")
    uow.outbox.enqueue(row.id)


def finalize_case(ctx: KioskContext, case_id: str, *, actor: str = "resident") -> CaseSummary:
    """Freeze the answers and queue the case; InvalidAnswers (nothing changed) if incomplete."""
    with ctx.store.unit_of_work() as uow:
        row = _editable(uow, case_id)
        fill = _fill(ctx, _form(ctx, row), uow.cases.read_personal(row))
        _freeze(uow, row, fill, actor=actor)
        uow.commit()
        summary = summary_of(ctx, row)
    events.case_did_finalize.emit(case_id)
    return summary


def fill_case(
    ctx: KioskContext,
    form_id: str,
    answers: dict[str, Any],
    *,
    volunteer_id: str | None = None,
    resident_id: str | None = None,
    actor: str | None = None,
    bundle_id: str | None = None,
    uow: UnitOfWork | None = None,
    form_version: int | None = None,
) -> CaseSummary:
    """Create a finalized case from a whole answers document, or raise InvalidAnswers.

    With ``uow`` the case joins the caller's transaction (a life-event bundle
    creates all its cases or none); otherwise it commits on its own.
    ``form_version`` pins a version (a bundle names the versions it was written
    for); the default is the newest.
    """
    form = ctx.catalogue.get(form_id, form_version)
    fill = FormFill(
        form, ctx.catalogue.lists, today=ctx.today(), prefill=ctx.prefill, resident_id=resident_id
    )
    problems = [p for p in fill.apply_answers(answers) if p.is_error]
    reported = {p.path for p in problems}
    # A rejected value also reads as "missing"; report each answer once.
    problems += [p for p in fill.check_all() if p.is_error and p.path not in reported]
    if problems:
        raise InvalidAnswers(problems)
    who = actor or actor_for(volunteer_id, "cli")
    if uow is not None:
        return _create_final(ctx, uow, form, fill, volunteer_id, bundle_id, who)
    with ctx.store.unit_of_work() as own:
        summary = _create_final(ctx, own, form, fill, volunteer_id, bundle_id, who)
        own.commit()
    events.case_did_finalize.emit(summary.id)
    return summary


def _create_final(
    ctx: KioskContext,
    uow: UnitOfWork,
    form: FormDefinition,
    fill: FormFill,
    volunteer_id: str | None,
    bundle_id: str | None,
    actor: str,
) -> CaseSummary:
    row = _new_row(ctx, uow, form, volunteer_id=volunteer_id, bundle_id=bundle_id)
    uow.cases.audit(row, actor=actor, action="created", detail=f"{form.id} v{form.version}")
    _freeze(uow, row, fill, actor=actor)
    return summary_of(ctx, row)


def list_cases(
    ctx: KioskContext,
    *,
    states: list[str] | None = None,
    form_id: str | None = None,
    limit: int = 200,
) -> list[CaseSummary]:
    with ctx.store.unit_of_work() as uow:
        rows = uow.cases.search(states=states, form_id=form_id, limit=limit)
        return [summary_of(ctx, row) for row in rows]


def cases_for_person(ctx: KioskContext, id_number: str) -> list[CaseSummary]:
    """我的办件: the cases a person applied for or is the subject of; states only."""
    with ctx.store.unit_of_work() as uow:
        return [summary_of(ctx, row) for row in uow.cases.for_person(id_number)]


def show_case(ctx: KioskContext, key: str) -> CaseDetail:
    """One case in full (for staff and the owner): answers, their words, the audit trail."""
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(key)
        data = uow.cases.read_personal(row)
        form = _form(ctx, row)
        fill = _fill(ctx, form, data)
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
        )
