"""Case operations: start, answer, validate, finalize, fill, list, show.

Each operation is one unit of work: it either commits whole or leaves nothing.
A draft is saved after every accepted answer, so a crash loses at most the
answer being typed; finalizing freezes the answers that apply, records their
hash and queues the case for the town server in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from kiosk import events
from kiosk.device_identity import load_or_create_signing_key
from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_numbers import DEVICE_NO_KEY, device_part
from kiosk.domain.case_states import EDITABLE_STATES, CaseState, check_transition
from kiosk.domain.id_card_chip import IdCardData
from kiosk.forms.bundle import BUNDLE_FORM_PREFIX
from kiosk.forms.catalogue import UnknownForm
from kiosk.forms.engine import AnswerProblem, FormFill
from kiosk.forms.migrate import migrate_draft
from kiosk.forms.schema import FormDefinition
from kiosk.services import duplicates
from kiosk.services.consent import Consent, check_guardian
from kiosk.services.context import KioskContext, utc_naive
from kiosk.services.identity import sign_case
from kiosk.services.identity_proof import prefill_for
from kiosk.services.release_catalogue import catalogue_of_release, current_release
from kiosk.services.views import AnswerResult, CaseSummary, DraftView
from kiosk.store.models import CaseRow
from kiosk.store.repositories import CaseRepository, PersonalData, open_note
from kiosk.store.uow import UnitOfWork
from kiosk.sync.protocol import MAX_VOLUNTEER_CHARS


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
    """The case's form as of the release it was started under (issue 16)."""
    return catalogue_of_release(ctx, row.release).get(row.form_id, row.form_version)


def summary_of(ctx: KioskContext, row: CaseRow) -> CaseSummary:
    """A case as lists show it. A case of a form this kiosk's catalogue does not hold (made
    with ``--forms-dir``, or a version since withdrawn) is still listed, by its form id."""
    note = open_note(ctx.store.cipher, row)
    try:
        form = _form(ctx, row)
    except UnknownForm:
        title = f"{row.form_id} v{row.form_version}"
        return CaseSummary.of(row, title=title, department="", note=note)
    return CaseSummary.of(row, title=form.title, department=form.department, note=note)


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
    ctx: KioskContext,
    form: FormDefinition,
    data: PersonalData,
    proof: str | None,
    today: date | None = None,
) -> FormFill:
    return FormFill(
        form,
        ctx.catalogue.lists,
        today=today or ctx.today(),
        answers=data.answers,
        prefilled=data.prefilled,
        prefill=prefill_for(ctx, proof),
    )


def _duplicates(ctx: KioskContext, uow: UnitOfWork, row: CaseRow) -> list[CaseSummary]:
    """Other cases of this form about this subject (none once a volunteer gave a reason)."""
    if duplicates.has_override(row):
        return []
    found = duplicates.duplicate_rows(ctx.catalogue, uow.session, row)
    return [summary_of(ctx, r) for r in found]


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
    # The subject, and for forms that name one, the claim (a twin's name and birth date).
    row.subject_key = cases.person_key(form.claim_identity(answers))


def _new_row(
    ctx: KioskContext,
    uow: UnitOfWork,
    form: FormDefinition,
    *,
    volunteer_id: str | None,
    bundle_id: str | None,
    case_id: str | None = None,
    release: int | None = None,
) -> CaseRow:
    check_volunteer_id(volunteer_id)
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
        # Finished under this release and its policy, whatever comes later (issue 16).
        release=current_release(ctx.catalogue) if release is None else release,
    )
    uow.cases.add(row)
    return row


def check_volunteer_id(volunteer_id: str | None) -> None:
    """CaseError unless the volunteer id fits the sync protocol (at most
    MAX_VOLUNTEER_CHARS = 32 characters, the server's column; docs/sync-protocol.md,
    "Limits"): refused when the case is made, not found out when it is sent."""
    if volunteer_id is None:
        return
    if not volunteer_id or len(volunteer_id) > MAX_VOLUNTEER_CHARS:
        raise CaseError(
            f"volunteer id must be 1-{MAX_VOLUNTEER_CHARS} characters "
            f"(got {len(volunteer_id)}): the town server stores no longer ones"
        )
    if not volunteer_id.isprintable():
        raise CaseError("volunteer id must not contain control characters")


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


def _editable(uow: UnitOfWork, case_id: str) -> CaseRow:
    row = uow.cases.require(case_id)
    if row.state not in EDITABLE_STATES:
        raise CaseError(f"case {row.number} is {row.state}; its answers can no longer change")
    return row


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

    store_print_plan(uow.cases, row, fill)


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


# Re-exported: the read-only queries and the duplicate-claim operations live in their own
# modules (kiosk.services.case_queries, kiosk.services.duplicates).
from kiosk.services.case_queries import cases_for_person, list_cases, show_case  # noqa: E402
from kiosk.services.duplicates import allow_duplicate, discard_draft  # noqa: E402

__all__ = [
    "CaseError",
    "CaseExists",
    "InvalidAnswers",
    "add_item",
    "allow_duplicate",
    "answer",
    "cases_for_person",
    "discard_draft",
    "fill_case",
    "finalize_case",
    "list_cases",
    "load_draft",
    "move_item",
    "remove_item",
    "show_case",
    "start_case",
    "validate_case",
]
