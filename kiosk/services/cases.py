"""Case operations: start, answer, validate, finalize, fill, list, show.

Each operation is one unit of work: it either commits whole or leaves nothing.
A draft is saved after every accepted answer, so a crash loses at most the
answer being typed; finalizing freezes the answers that apply, records their
hash and queues the case for the town server in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from kiosk import events
from kiosk.device_identity import load_or_create_signing_key
from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_numbers import DEVICE_NO_KEY, device_part
from kiosk.domain.case_states import EDITABLE_STATES, CaseState, check_transition
from kiosk.forms.bundle import BUNDLE_FORM_PREFIX
from kiosk.forms.catalogue import UnknownForm
from kiosk.forms.engine import AnswerProblem, FormFill
from kiosk.forms.migrate import migrate_draft
from kiosk.forms.schema import FormDefinition
from kiosk.services.context import KioskContext, utc_naive
from kiosk.services.identity import sign_case
from kiosk.services.views import AnswerResult, AuditLine, CaseDetail, CaseSummary, DraftView
from kiosk.store.models import CaseRow
from kiosk.store.repositories import CaseRepository, PersonalData
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
    """A case as lists show it. A case of a form this kiosk's catalogue does not hold (made
    with ``--forms-dir``, or a version since withdrawn) is still listed, by its form id."""
    try:
        form = _form(ctx, row)
    except UnknownForm:
        return CaseSummary.of(row, title=f"{row.form_id} v{row.form_version}", department="")
    return CaseSummary.of(row, title=form.title, department=form.department)


def as_of(ctx: KioskContext, row: CaseRow) -> date:
    """The day a case's rules are judged on: its finalize day once finalized (a reprint
    shows the materials of that day), otherwise the kiosk's today."""
    if row.finalized_at is None:
        return ctx.today()
    moment = row.finalized_at.replace(tzinfo=UTC)
    zone = ctx.clock().tzinfo
    return moment.astimezone(zone).date() if zone else moment.astimezone().date()


def kiosk_utcnow(ctx: KioskContext) -> datetime:
    """The kiosk's clock as naive UTC, as the store keeps times."""
    return utc_naive(ctx.clock())


def _fill(
    ctx: KioskContext, form: FormDefinition, data: PersonalData, today: date | None = None
) -> FormFill:
    return FormFill(
        form,
        ctx.catalogue.lists,
        today=today or ctx.today(),
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
    prefilled: dict[str, Any] | None = None,
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
    case_id: str | None = None,
) -> CaseRow:
    device_no = uow.meta.get(DEVICE_NO_KEY)
    device = device_part(int(device_no) if device_no else None, ctx.store.device_id)
    number = uow.cases.next_number(day=ctx.today(), device=device)
    row = CaseRow(
        id=case_id or str(uuid.uuid4()),
        number=number,
        form_id=form.id,
        form_version=form.version,
        state=CaseState.DRAFT,
        volunteer_id=volunteer_id,
        bundle_id=bundle_id,
        device_id=ctx.store.device_id,
        created_at=kiosk_utcnow(ctx),
        updated_at=kiosk_utcnow(ctx),
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
    """A draft ready to go on filling, migrated to the form's newest version when a rule
    leads there; then its first answer that no longer fits is where filling resumes."""
    with ctx.store.unit_of_work() as uow:
        row = _editable(uow, case_id)
        data = uow.cases.read_personal(row)
        latest = ctx.catalogue.get(row.form_id)
        migrated = False
        if latest.version != row.form_version:
            moved = migrate_draft(
                lambda n: _version_or_none(ctx, row.form_id, n),
                latest,
                row.form_version,
                data.answers,
                data.prefilled,
            )
            if moved is not None:
                data.answers, data.prefilled = moved
                old_version, row.form_version = row.form_version, latest.version
                migrated = True
        fill = _fill(ctx, _form(ctx, row), data)
        if migrated:
            lost = fill.normalize_answers()
            review = fill.stale_answers()
            if review:
                row.current_page = review[0]
            uow.cases.audit(
                row,
                actor="system",
                action="migrated",
                detail=f"v{old_version} to v{latest.version}; {len(review)} answer(s) to "
                f"review, {len(lost)} with no question in v{latest.version} dropped",
            )
        _save_fill(uow.cases, row, fill)
        uow.commit()
        return DraftView(summary_of(ctx, row), fill, row.current_page)


def _version_or_none(ctx: KioskContext, form_id: str, version: int) -> FormDefinition | None:
    try:
        return ctx.catalogue.get(form_id, version)
    except KeyError:
        return None


def migrate_answers(
    form: FormDefinition, from_version: int, answers: dict[str, Any]
) -> dict[str, Any] | None:
    """Apply the form's migration rule from an older version (at every depth); None when
    it declares none."""
    from kiosk.forms.migrate import migrate_answers as migrate

    return migrate(form, from_version, answers)


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
        row.updated_at = kiosk_utcnow(ctx)
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


def move_item(
    ctx: KioskContext, case_id: str, repeat: str, index: int, to: int, *, actor: str = "resident"
) -> AnswerResult:
    """Move an item of a repeat (``heirs``, ``members[0].incomes``) from ``index`` to ``to``."""

    def change(fill: FormFill) -> list[AnswerProblem]:
        fill.move_item(repeat, index, to)
        return []

    return _change_draft(ctx, case_id, change, page=repeat, actor=actor, action="item_moved")


def validate_case(ctx: KioskContext, case_id: str) -> list[AnswerProblem]:
    """Every problem that would stop finalizing, in page order."""
    return load_draft(ctx, case_id).fill.check_all()


def _freeze(
    ctx: KioskContext, uow: UnitOfWork, row: CaseRow, fill: FormFill, *, actor: str
) -> None:
    """Freeze what applies, hash it, sign its identity code, queue it: the one place a case
    becomes final."""
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
    row.finalized_at = row.updated_at = kiosk_utcnow(ctx)
    row.identity_code = sign_case(row, load_or_create_signing_key(ctx.data_root))
    uow.cases.audit(row, actor=actor, action="finalized", detail=f"sha256 {row.content_hash[:16]}")
    uow.outbox.enqueue(row.id)


def finalize_case(ctx: KioskContext, case_id: str, *, actor: str = "resident") -> CaseSummary:
    """Freeze the answers and queue the case; InvalidAnswers (nothing changed) if incomplete."""
    with ctx.store.unit_of_work() as uow:
        row = _editable(uow, case_id)
        fill = _fill(ctx, _form(ctx, row), uow.cases.read_personal(row))
        _freeze(ctx, uow, row, fill, actor=actor)
        uow.commit()
        summary = summary_of(ctx, row)
    events.case_did_finalize.emit(case_id)
    return summary


class CaseExists(CaseError):
    """``fill_case(case_id=...)`` met a case with that UUID already (a retried command)."""

    def __init__(self, summary: CaseSummary, same_content: bool) -> None:
        what = "with the same answers" if same_content else "with DIFFERENT answers"
        super().__init__(f"case {summary.id} already exists ({summary.number}) {what}")
        self.summary = summary
        self.same_content = same_content


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
    case_id: str | None = None,
) -> CaseSummary:
    """Create a finalized case from a whole answers document, or raise InvalidAnswers.

    With ``uow`` the case joins the caller's transaction (a life-event bundle
    creates all its cases or none); otherwise it commits on its own.
    ``form_version`` pins a version (a bundle names the versions it was written
    for); the default is the newest. ``case_id`` (a UUID) makes the call safe to
    retry: when a case with that id exists, CaseExists says whether its answers
    are the same, and nothing is created.
    """
    form = ctx.catalogue.get(form_id, form_version)
    if case_id is not None:
        case_id = canonical_case_id(case_id)
    fill = checked_fill(ctx, form, answers, resident_id=resident_id)
    who = actor or actor_for(volunteer_id, "cli")
    if uow is not None:
        return _create_final(ctx, uow, form, fill, volunteer_id, bundle_id, who, case_id)
    with ctx.store.unit_of_work() as own:
        summary = _create_final(ctx, own, form, fill, volunteer_id, bundle_id, who, case_id)
        own.commit()
    events.case_did_finalize.emit(summary.id)
    return summary


def checked_fill(
    ctx: KioskContext,
    form: FormDefinition,
    answers: dict[str, Any],
    *,
    resident_id: str | None = None,
) -> FormFill:
    """A whole answers document read into a FormFill; InvalidAnswers lists every problem."""
    fill = FormFill(
        form, ctx.catalogue.lists, today=ctx.today(), prefill=ctx.prefill, resident_id=resident_id
    )
    problems = [p for p in fill.apply_answers(answers) if p.is_error]
    reported = {p.path for p in problems}
    # A rejected value also reads as "missing"; report each answer once.
    problems += [p for p in fill.check_all() if p.is_error and p.path not in reported]
    if problems:
        raise InvalidAnswers(problems)
    return fill


def preview_case(
    ctx: KioskContext,
    form_id: str,
    answers: dict[str, Any],
    *,
    resident_id: str | None = None,
    form_version: int | None = None,
) -> dict[str, Any]:
    """What ``fill_case`` would freeze, without saving anything (``kiosk fill --dry-run``):
    ``{"form", "version", "answers", "content_hash", "materials"}``; InvalidAnswers if any
    answer is wrong."""
    form = ctx.catalogue.get(form_id, form_version)
    fill = checked_fill(ctx, form, answers, resident_id=resident_id)
    final = fill.final_answers()
    return {
        "form": form.id,
        "version": form.version,
        "answers": final,
        "content_hash": content_hash(form.id, form.version, final),
        "materials": [m.id for m in fill.materials()],
    }


def canonical_case_id(text: str) -> str:
    """A case UUID in its one spelling (lower case, hyphens); CaseError if not a UUID."""
    try:
        return str(uuid.UUID(str(text).strip()))
    except ValueError:
        raise CaseError(f"'{text}' is not a case id (a UUID)") from None


def _create_final(
    ctx: KioskContext,
    uow: UnitOfWork,
    form: FormDefinition,
    fill: FormFill,
    volunteer_id: str | None,
    bundle_id: str | None,
    actor: str,
    case_id: str | None = None,
) -> CaseSummary:
    if case_id is not None:
        existing = uow.cases.get(case_id)
        if existing is not None:
            final = fill.final_answers()
            same = existing.content_hash == content_hash(form.id, form.version, final)
            raise CaseExists(summary_of(ctx, existing), same)
    row = _new_row(ctx, uow, form, volunteer_id=volunteer_id, bundle_id=bundle_id, case_id=case_id)
    uow.cases.audit(row, actor=actor, action="created", detail=f"{form.id} v{form.version}")
    _freeze(ctx, uow, row, fill, actor=actor)
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
        fill = _fill(ctx, form, data, as_of(ctx, row))
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
