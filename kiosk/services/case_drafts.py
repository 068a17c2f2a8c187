"""Draft operations: start a case, load it (migrated to a newer form version), answer,
add, move and remove repeat items, validate, and record a guardian's consent.

Each is one unit of work: it either commits whole or leaves nothing. A draft is saved
after every accepted answer, so a crash loses at most the answer being typed; an answer
with an error saves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kiosk import events
from kiosk.domain.id_card_chip import IdCardData
from kiosk.forms.engine import AnswerProblem, FormFill
from kiosk.forms.migrate import migrate_draft
from kiosk.forms.schema import FormDefinition
from kiosk.services.case_errors import CaseError
from kiosk.services.case_rows import (
    _duplicates,
    _editable,
    _fill,
    _form,
    _new_row,
    _save_fill,
    actor_for,
    kiosk_utcnow,
    summary_of,
)
from kiosk.services.consent import Consent
from kiosk.services.context import KioskContext
from kiosk.services.identity_proof import prefill_for
from kiosk.services.release_catalogue import current_release
from kiosk.services.views import AnswerResult, DraftView


def start_case(
    ctx: KioskContext,
    form_id: str,
    *,
    resident_id: str | None = None,
    volunteer_id: str | None = None,
    bundle_id: str | None = None,
    proof: str | None = None,
    card: IdCardData | None = None,
    consent: Consent | None = None,
) -> DraftView:
    """Create a draft with its UUID and case number, prefilled from the identified resident.

    ``proof`` (kiosk.services.identity_proof.Proof) decides the prefill sources: a typed
    number prefills only what the number itself says; a read ``card`` adds its fields
    (source 身份证). ``consent`` (given on the notice page) is stored with the case.
    The view's ``duplicates`` lists other cases of this form about the same subject."""
    form = ctx.catalogue.get(form_id)
    with ctx.store.unit_of_work() as uow:
        row = _new_row(ctx, uow, form, volunteer_id=volunteer_id, bundle_id=bundle_id)
        row.identity_proof = proof
        fill = FormFill(
            form,
            ctx.catalogue.lists,
            today=ctx.today(),
            prefill=prefill_for(ctx, proof, card),
            resident_id=resident_id,
        )
        _save_fill(uow.cases, row, fill)
        actor = actor_for(volunteer_id)
        uow.cases.audit(row, actor=actor, action="created", detail=f"{form.id} v{form.version}")
        if proof:
            uow.cases.audit(row, actor=actor, action="identity", detail=f"proof {proof}")
        if consent is not None:
            row.consent = consent.to_json()
            detail = f"notice {consent.notice} by {consent.by}"
            uow.cases.audit(row, actor=actor, action="consent", detail=detail)
            if consent.sensitive:  # its own act, its own entry (PIPL Art. 29)
                detail = f"sensitive {consent.sensitive} by {consent.by} at {consent.sensitive_at}"
                uow.cases.audit(row, actor=actor, action="consent_sensitive", detail=detail)
        view = DraftView(summary_of(ctx, row), fill, None, _duplicates(ctx, uow, row))
        uow.commit()
    events.case_did_save.emit(view.case.id)
    return view


# What a resident is told when a draft moved to a newer form version (and its rules).
MIGRATED_NOTICE = "规定有更新：这张表已换成新的版本，标出的答案请再核对一下。"


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
                # The newer version is the release in use's (with its policy).
                row.release = current_release(ctx.catalogue)
                migrated = True
        fill = _fill(ctx, _form(ctx, row), data, row.identity_proof)
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
        notice = MIGRATED_NOTICE if migrated else None
        return DraftView(
            summary_of(ctx, row), fill, row.current_page, _duplicates(ctx, uow, row), notice
        )


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
        fill = _fill(ctx, _form(ctx, row), uow.cases.read_personal(row), row.identity_proof)
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
        view = DraftView(summary_of(ctx, row), fill, row.current_page, _duplicates(ctx, uow, row))
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


def answer_from_record(
    ctx: KioskContext,
    case_id: str,
    answers: dict[str, Any],
    source: str,
    *,
    actor: str = "resident",
    origins: Mapping[str, Sequence[str]] | None = None,
) -> AnswerResult:
    """Check and save answers a record gave (``{path: value}``, e.g. an heir's name, ID
    number and relationship from the household register), each marked as coming from
    ``source`` (据登记信息（…），请核对) so the screens confirm them as registry facts.
    ``origins`` (by path): the answers each was taken from (the deceased's ID number for
    what their household register says); when one changes, the answer is cleared and
    asked again (kiosk.forms.prefill_marks). All or nothing: an error in one saves none."""

    def change(fill: FormFill) -> list[AnswerProblem]:
        problems: list[AnswerProblem] = []
        for path, value in answers.items():
            problems += fill.set_answer(path, value)
        if not any(p.is_error for p in problems):
            for path in answers:
                fill.marks.put(path, source, (origins or {}).get(path, ()))
        return problems

    page = next(iter(answers), None)
    return _change_draft(ctx, case_id, change, page=page, actor=actor, action="answered")


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


def record_guardian_consent(
    ctx: KioskContext, case_id: str, *, actor: str, sensitive_at: str | None = None
) -> None:
    """The guardian consented for a draft whose subject is under 14: the case's consent
    becomes the guardian's (printed 监护人同意), audited as ``consent`` by guardian."""
    from kiosk.services.consent import Consent, guardian_consent

    with ctx.store.unit_of_work() as uow:
        row = _editable(uow, case_id)
        old = Consent.from_json(row.consent)
        if old is None:
            raise CaseError("the case has no consent to give again as a guardian")
        new = guardian_consent(old, actor=actor, now=ctx.clock(), sensitive_at=sensitive_at)
        row.consent = new.to_json()
        uow.cases.audit(row, actor=actor, action="consent", detail="notice by guardian")
        if new.sensitive and sensitive_at:
            detail = f"sensitive {new.sensitive} by guardian"
            uow.cases.audit(row, actor=actor, action="consent_sensitive", detail=detail)
        uow.commit()
