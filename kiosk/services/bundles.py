"""Life-event bundles (家人去世): one intake, one case per form that applies.

The intake is an ordinary draft of the composed form ``bundle.<id>``, so
``answer``, ``add_item``, ``remove_item``, ``load_draft`` and ``validate_case``
of kiosk.services.cases work on it unchanged. Finalizing splits the answers per
form and creates every applicable case in one transaction, or none.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kiosk import events
from kiosk.domain.case_states import EDITABLE_STATES
from kiosk.domain.id_card_chip import IdCardData
from kiosk.forms.bundle import BUNDLE_FORM_PREFIX, BundleDefinition, BundleForm
from kiosk.forms.bundle_compose import (
    applicable,
    composed_problems,
    split_answers,
    split_marks,
)
from kiosk.forms.catalogue import Catalogue
from kiosk.forms.engine import AnswerProblem, FormFill
from kiosk.services.case_drafts import start_case
from kiosk.services.case_errors import CaseError, InvalidAnswers
from kiosk.services.case_finalize import fill_case
from kiosk.services.case_rows import actor_for
from kiosk.services.consent import Consent
from kiosk.services.context import KioskContext
from kiosk.services.duplicates import override_reason
from kiosk.services.identity_proof import prefill_for
from kiosk.services.release_catalogue import catalogue_of_release
from kiosk.services.views import CaseSummary, DraftView
from kiosk.store.models import CaseRow
from kiosk.store.repositories import PersonalData
from kiosk.store.uow import UnitOfWork


@dataclass(frozen=True)
class BundleInfo:
    id: str
    version: int
    title: str
    short_title: str
    description: str
    form_ids: list[str]


@dataclass(frozen=True)
class PlannedForm:
    form_id: str
    version: int
    title: str
    short_title: str
    department: str
    why: str | None
    applies: bool


@dataclass(frozen=True)
class PlannedMaterial:
    id: str
    label: str
    copies: str | None
    for_forms: list[str]  # short titles of the forms that need it


@dataclass(frozen=True)
class BundlePlan:
    """The "what will be done" page: the forms that apply and one materials list."""

    bundle_id: str
    title: str
    forms: list[PlannedForm]  # applying now, in the bundle's order
    skipped: list[PlannedForm]  # not applying on the answers so far
    materials: list[PlannedMaterial]  # without duplicates


def list_bundles(ctx: KioskContext) -> list[BundleInfo]:
    """The newest version of every bundle in the kiosk's catalogue."""
    return bundle_infos(ctx.catalogue)


def bundle_infos(catalogue: Catalogue) -> list[BundleInfo]:
    """The newest version of every bundle in ``catalogue`` (no store needed)."""
    return [
        BundleInfo(
            b.id, b.version, b.title, b.short_title, b.description, [f.form for f in b.forms]
        )
        for b in catalogue.latest_bundles()
    ]


def start_bundle(
    ctx: KioskContext,
    bundle_id: str,
    *,
    resident_id: str | None = None,
    volunteer_id: str | None = None,
    proof: str | None = None,
    card: IdCardData | None = None,
    consent: Consent | None = None,
) -> DraftView:
    """A draft of the bundle's composed form; fill it with the ordinary case operations
    (``proof``, ``card`` and ``consent`` as for start_case)."""
    bundle = ctx.catalogue.bundle(bundle_id)
    return start_case(
        ctx,
        bundle.form_id,
        resident_id=resident_id,
        volunteer_id=volunteer_id,
        proof=proof,
        card=card,
        consent=consent,
    )


def _bundle_of(
    ctx: KioskContext, form_id: str, version: int, release: int | None = None
) -> BundleDefinition:
    """The bundle as of the release its intake was started under (issue 16)."""
    if not form_id.startswith(BUNDLE_FORM_PREFIX):
        raise CaseError(f"form {form_id} is not a life-event bundle")
    catalogue = catalogue_of_release(ctx, release)
    return catalogue.bundle(form_id.removeprefix(BUNDLE_FORM_PREFIX), version)


def _composed_fill(ctx: KioskContext, row: CaseRow, data: PersonalData) -> FormFill:
    return FormFill(
        catalogue_of_release(ctx, row.release).get(row.form_id, row.form_version),
        ctx.catalogue.lists,
        today=ctx.today(),
        answers=data.answers,
        prefilled=data.prefilled,
        prefill=prefill_for(ctx, row.identity_proof),
    )


def _planned(ctx: KioskContext, bf: BundleForm, applies: bool) -> PlannedForm:
    form = ctx.catalogue.get(bf.form, bf.version)
    return PlannedForm(
        form.id, form.version, form.title, form.short_title, form.department, bf.why, applies
    )


def plan_for(ctx: KioskContext, bundle: BundleDefinition, fill: FormFill) -> BundlePlan:
    """Which forms apply on these answers, and their materials merged by material id."""
    from kiosk.printing.sheet import merge_copies  # the printed cover merges alike

    applying = applicable(bundle, fill)
    answers = fill.answers
    materials: dict[str, PlannedMaterial] = {}
    for bf in applying:
        form = ctx.catalogue.get(bf.form, bf.version)
        own = FormFill(
            form, ctx.catalogue.lists, today=ctx.today(), answers=split_answers(bf, answers)
        )
        for m in own.materials():
            seen = materials.get(m.id)
            if seen is None:
                materials[m.id] = PlannedMaterial(m.id, m.label, m.copies, [form.short_title])
                continue
            copies = merge_copies(seen.copies, m.copies)
            materials[m.id] = PlannedMaterial(
                m.id, seen.label, copies, [*seen.for_forms, form.short_title]
            )
    return BundlePlan(
        bundle_id=bundle.id,
        title=bundle.title,
        forms=[_planned(ctx, bf, True) for bf in applying],
        skipped=[_planned(ctx, bf, False) for bf in bundle.forms if bf not in applying],
        materials=list(materials.values()),
    )


def bundle_plan(ctx: KioskContext, case_id: str) -> BundlePlan:
    """The plan for a bundle draft, on its answers so far."""
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        bundle = _bundle_of(ctx, row.form_id, row.form_version, row.release)
        fill = _composed_fill(ctx, row, uow.cases.read_personal(row))
    return plan_for(ctx, bundle, fill)


def _create_cases(
    ctx: KioskContext,
    uow: UnitOfWork,
    bundle: BundleDefinition,
    fill: FormFill,
    *,
    group_id: str,
    volunteer_id: str | None,
    actor: str,
    intake: CaseRow | None = None,
    consent: Consent | None = None,
    duplicate_reason: str | None = None,
) -> list[CaseSummary]:
    """One finalized case per applicable form, in the caller's transaction; or InvalidAnswers.

    Every case is checked for duplicate claims (DuplicateClaim unless a reason is given:
    the intake's on the kiosk, ``duplicate_reason`` from the CLI)."""
    errors = [p for p in fill.check_all() if p.is_error]
    if errors:
        raise InvalidAnswers(errors)
    final = fill.final_answers()
    cases: list[CaseSummary] = []
    problems: list[AnswerProblem] = []
    for bf in applicable(bundle, fill):
        try:
            cases.append(
                fill_case(
                    ctx,
                    bf.form,
                    split_answers(bf, final),
                    form_version=bf.version,
                    volunteer_id=volunteer_id,
                    actor=actor,
                    bundle_id=group_id,
                    uow=uow,
                    # The intake's proof, consent and duplicate reason go to every case.
                    proof=intake.identity_proof if intake else None,
                    consent=Consent.from_json(intake.consent) if intake else consent,
                    duplicate_reason=override_reason(intake) if intake else duplicate_reason,
                    block_duplicates=True,
                    # Its forms and policy as of the release the intake was started under.
                    release=intake.release if intake else None,
                    # Answers picked from records keep their source (据…).
                    marks=split_marks(bf, fill.prefilled),
                )
            )
        except InvalidAnswers as exc:
            # A form's own rule on a shared answer: report it where the person answers it.
            problems.extend(composed_problems(bf, exc.problems))
    if problems:
        raise InvalidAnswers(_unique(problems))
    if not cases:
        raise CaseError(f"no form of bundle {bundle.id} applies to these answers")
    return cases


def _unique(problems: Iterable[AnswerProblem]) -> list[AnswerProblem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.path, p.problem.code) not in seen:
            seen.add((p.path, p.problem.code))
            out.append(p)
    return out


def finalize_bundle(
    ctx: KioskContext, case_id: str, *, actor: str = "resident"
) -> list[CaseSummary]:
    """Create every applicable case from the intake draft, and remove the draft: all or nothing.

    Raises InvalidAnswers (listing every problem, paths of the composed form) and
    saves nothing when any answer is missing or breaks a form's rule.
    """
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        if row.state not in EDITABLE_STATES:
            raise CaseError(f"case {row.number} is {row.state}; it was already finalized")
        bundle = _bundle_of(ctx, row.form_id, row.form_version, row.release)
        fill = _composed_fill(ctx, row, uow.cases.read_personal(row))
        cases = _create_cases(
            ctx,
            uow,
            bundle,
            fill,
            group_id=row.id,
            volunteer_id=row.volunteer_id,
            actor=actor,
            intake=row,
        )
        # The intake has become the cases above (same bundle_id as its UUID).
        uow.session.delete(row)
        uow.commit()
    for case in cases:
        events.case_did_finalize.emit(case.id)
    return cases


def fill_bundle(
    ctx: KioskContext,
    bundle_id: str,
    answers: dict[str, Any],
    *,
    volunteer_id: str | None = None,
    resident_id: str | None = None,
    consent: Consent | None = None,
    duplicate_reason: str | None = None,
) -> list[CaseSummary]:
    """The CLI's path: a whole answers document of the composed form, all cases or none.

    A duplicate claim raises DuplicateClaim (nothing saved) unless ``duplicate_reason``."""
    bundle = ctx.catalogue.bundle(bundle_id)
    fill = FormFill(
        ctx.catalogue.get(bundle.form_id, bundle.version),
        ctx.catalogue.lists,
        today=ctx.today(),
        prefill=ctx.prefill,
        resident_id=resident_id,
    )
    problems = [p for p in fill.apply_answers(answers) if p.is_error]
    reported = {p.path for p in problems}
    problems += [p for p in fill.check_all() if p.is_error and p.path not in reported]
    if problems:
        raise InvalidAnswers(problems)
    with ctx.store.unit_of_work() as uow:
        cases = _create_cases(
            ctx,
            uow,
            bundle,
            fill,
            group_id=str(uuid.uuid4()),
            volunteer_id=volunteer_id,
            actor=actor_for(volunteer_id, "cli"),
            consent=consent,
            duplicate_reason=duplicate_reason,
        )
        uow.commit()
    for case in cases:
        events.case_did_finalize.emit(case.id)
    return cases
