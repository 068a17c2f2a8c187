"""A case's row and the helpers every case operation shares.

Making a new draft's row (its number, UUID and release) and checking a volunteer id;
reading a row back: its form as of its release, its FormFill, its summary, the day its
rules are judged on; storing its answers encrypted with the names lists show; finding an
editable draft and other cases about the same subject. The operations themselves are in
kiosk.services.case_drafts and kiosk.services.case_finalize.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from kiosk.domain.case_numbers import DEVICE_NO_KEY, device_part
from kiosk.domain.case_states import EDITABLE_STATES, CaseState
from kiosk.forms.catalogue import UnknownForm
from kiosk.forms.engine import FormFill
from kiosk.forms.schema import FormDefinition
from kiosk.services import duplicates
from kiosk.services.case_errors import CaseError
from kiosk.services.context import KioskContext, utc_naive
from kiosk.services.identity_proof import prefill_for
from kiosk.services.release_catalogue import catalogue_of_release, current_release
from kiosk.services.views import CaseSummary
from kiosk.store.models import CaseRow
from kiosk.store.repositories import CaseRepository, PersonalData, open_note
from kiosk.store.uow import UnitOfWork
from kiosk.sync.protocol import MAX_VOLUNTEER_CHARS


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


def _editable(uow: UnitOfWork, case_id: str) -> CaseRow:
    row = uow.cases.require(case_id)
    if row.state not in EDITABLE_STATES:
        raise CaseError(f"case {row.number} is {row.state}; its answers can no longer change")
    return row


def canonical_case_id(text: str) -> str:
    """A case UUID in its one spelling (lower case, hyphens); CaseError if not a UUID."""
    try:
        return str(uuid.UUID(str(text).strip()))
    except ValueError:
        raise CaseError(f"'{text}' is not a case id (a UUID)") from None
