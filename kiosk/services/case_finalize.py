"""Finalizing: a draft frozen into a case, or a case made final at once from a whole
answers document (``kiosk fill``, a life-event bundle), or previewed without saving.

Finalizing freezes the answers that apply, records their hash, signs the identity code,
seals the captured pages and queues the case for the town server in the same
transaction; its print plan is made then too (kiosk.services.print_plans).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk import events
from kiosk.device_identity import load_or_create_signing_key
from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_states import CaseState, check_transition
from kiosk.forms.bundle import BUNDLE_FORM_PREFIX
from kiosk.forms.engine import FormFill
from kiosk.forms.schema import FormDefinition
from kiosk.services import duplicates
from kiosk.services.case_errors import CaseError, CaseExists, InvalidAnswers
from kiosk.services.case_rows import (
    _editable,
    _fill,
    _form,
    _new_row,
    _save_fill,
    actor_for,
    canonical_case_id,
    kiosk_utcnow,
    store_answers,
    summary_of,
)
from kiosk.services.consent import Consent, check_guardian
from kiosk.services.context import KioskContext
from kiosk.services.identity import sign_case
from kiosk.services.release_catalogue import catalogue_of_release
from kiosk.services.views import CaseSummary
from kiosk.store.models import CaseRow
from kiosk.store.uow import UnitOfWork


def _freeze(
    ctx: KioskContext,
    uow: UnitOfWork,
    row: CaseRow,
    fill: FormFill,
    *,
    actor: str,
    block_duplicates: bool = True,
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
    # A child under 14 as subject or applicant: a guardian must have consented (Art. 31).
    check_guardian(fill.form, fill.answers, row.consent, ctx.today())
    if not duplicates.has_override(row):
        found = duplicates.duplicate_rows(ctx.catalogue, uow.session, row)
        others = [r.number for r in found]
        if others and block_duplicates:
            raise duplicates.DuplicateClaim(others, [r.state for r in found])
        if others:  # entered on the PC from paper: noted for staff, not refused
            detail = f"same subject as {', '.join(others[:5])}"
            uow.cases.audit(row, actor=actor, action="duplicate_noted", detail=detail)
    final = fill.final_answers()
    fill.answers = final
    _save_fill(uow.cases, row, fill)
    row.content_hash = content_hash(row.form_id, row.form_version, final)
    policy = fill.form.policy
    row.policy_version = policy.version if policy is not None else None
    row.state = CaseState.FINALIZED
    row.finalized_at = row.updated_at = kiosk_utcnow(ctx)
    row.identity_code = sign_case(row, load_or_create_signing_key(ctx.data_root))
    uow.cases.audit(row, actor=actor, action="finalized", detail=f"sha256 {row.content_hash[:16]}")
    from kiosk.services.attachments import seal_manifest  # pages captured while a draft

    seal_manifest(ctx, uow, row, actor=actor)
    uow.outbox.enqueue(row.id)
    from kiosk.services.print_plans import store_print_plan  # its paper, made once (issue 19)

    store_print_plan(ctx, uow.cases, row, fill)


def finalize_case(ctx: KioskContext, case_id: str, *, actor: str = "resident") -> CaseSummary:
    """Freeze the answers and queue the case; InvalidAnswers (nothing changed) if incomplete."""
    with ctx.store.unit_of_work() as uow:
        row = _editable(uow, case_id)
        fill = _fill(ctx, _form(ctx, row), uow.cases.read_personal(row), row.identity_proof)
        _freeze(ctx, uow, row, fill, actor=actor)
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
    case_id: str | None = None,
    duplicate_reason: str | None = None,
    consent: Consent | None = None,
    proof: str | None = None,
    block_duplicates: bool = False,
    release: int | None = None,
    marks: Mapping[str, str] | None = None,
) -> CaseSummary:
    """Create a finalized case from a whole answers document, or raise InvalidAnswers.

    With ``uow`` the case joins the caller's transaction (a life-event bundle
    creates all its cases or none); otherwise it commits on its own.
    ``form_version`` pins a version (a bundle names the versions it was written
    for); the default is the newest. ``case_id`` (a UUID) makes the call safe to
    retry: when a case with that id exists, CaseExists says whether its answers
    are the same, and nothing is created. A case whose subject already has a case of this
    form is a duplicate claim: with ``block_duplicates`` (the kiosk's screens) it raises
    DuplicateClaim unless ``duplicate_reason`` says why (audited); without (old callers
    only: ``kiosk fill`` blocks too) it is noted in the case's audit trail. The
    ``case_id`` check comes first: a retry of a saved case is CaseExists, not a duplicate.
    ``release``: the published release whose forms and policy apply (a bundle intake's;
    kiosk.services.release_catalogue); default the one in use.
    ``marks`` ({path: source}): answers a life event's intake took from records with one
    touch (the new 户主 from the household register), kept with their source; an answer
    the registry prefill marks anyway keeps that mark.
    """
    form = catalogue_of_release(ctx, release).get(form_id, form_version)
    if case_id is not None:
        case_id = canonical_case_id(case_id)
    fill = checked_fill(ctx, form, answers, resident_id=resident_id)
    for path, label in (marks or {}).items():
        if fill.prefill_label(path) is None and fill.value(path) is not None:
            fill.marks.put(path, label)
    who = actor or actor_for(volunteer_id, "cli")
    extra = _Extra(duplicate_reason, consent, proof, block_duplicates, release)
    if uow is not None:
        return _create_final(ctx, uow, form, fill, volunteer_id, bundle_id, who, extra, case_id)
    with ctx.store.unit_of_work() as own:
        summary = _create_final(ctx, own, form, fill, volunteer_id, bundle_id, who, extra, case_id)
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


def _create_final(
    ctx: KioskContext,
    uow: UnitOfWork,
    form: FormDefinition,
    fill: FormFill,
    volunteer_id: str | None,
    bundle_id: str | None,
    actor: str,
    extra: _Extra,
    case_id: str | None = None,
) -> CaseSummary:
    if case_id is not None:
        existing = uow.cases.get(case_id)
        if existing is not None:
            final = fill.final_answers()
            same = existing.content_hash == content_hash(form.id, form.version, final)
            raise CaseExists(summary_of(ctx, existing), same)
    row = _new_row(
        ctx,
        uow,
        form,
        volunteer_id=volunteer_id,
        bundle_id=bundle_id,
        case_id=case_id,
        release=extra.release,
    )
    row.identity_proof = extra.proof
    uow.cases.audit(row, actor=actor, action="created", detail=f"{form.id} v{form.version}")
    if extra.consent is not None:
        row.consent = extra.consent.to_json()
        uow.cases.audit(row, actor=actor, action="consent", detail=f"by {extra.consent.by}")
    # The subject is indexed before the duplicate check in _freeze looks for it.
    store_answers(uow.cases, row, form, fill.answers, fill.prefilled)
    if extra.duplicate_reason and duplicates.duplicate_rows(ctx.catalogue, uow.session, row):
        duplicates.record_override(uow, row, extra.duplicate_reason, actor=actor)
    _freeze(ctx, uow, row, fill, actor=actor, block_duplicates=extra.block_duplicates)
    return summary_of(ctx, row)


@dataclass(frozen=True)
class _Extra:
    duplicate_reason: str | None = None
    consent: Consent | None = None
    proof: str | None = None
    block_duplicates: bool = False
    release: int | None = None  # None: the release in use
