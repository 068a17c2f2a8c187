"""Printing operations: the case PDF, the bundle PDF, sending to the printer, exports,
and the cases whose print did not come out (staff page).

``print_case`` never raises for a printer problem: it returns a PrintResult whose
``message`` the screen shows (Chinese) and whose ``message_en`` the CLI prints. A case
is printed only when CUPS reports its job completed (kiosk.printing.cups_jobs); it
moves finalized → printed on its first print; a reprint only adds an audit entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk import events
from kiosk.device_identity import load_or_create_signing_key, public_key_bytes
from kiosk.domain.case_states import CaseState, check_transition
from kiosk.printable import UnprintableText, printable
from kiosk.printing.document import render_bundle, render_case
from kiosk.printing.qr_codec import encode_data_codes
from kiosk.printing.sheet import (
    BundleCover,
    CaseSheet,
    build_sheet,
    combine_materials,
    needs_materials_notice,
)
from kiosk.services.case_errors import CaseError
from kiosk.services.context import KioskContext
from kiosk.services.packets import case_packet
from kiosk.store.models import CaseRow, utcnow

# CUPS only where a paper is sent: writing a PDF file (`kiosk print --out`) and
# rendering never load it (issue 19).
if TYPE_CHECKING:
    from kiosk.printing import cups

log = logging.getLogger(__name__)
PRINTABLE = frozenset(CaseState) - {CaseState.DRAFT}


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    message: str  # Chinese, for the screen
    message_en: str  # English, for the CLI and logs
    printer: str
    job_id: str | None = None
    reprint: bool = False


def _volunteer_line(ctx: KioskContext, volunteer_id: str | None) -> str:
    if not volunteer_id:
        return ""
    try:
        from kiosk.services.volunteers import volunteer_name

        name = volunteer_name(ctx, volunteer_id)
    except (ImportError, OSError, ValueError):
        name = None
    return f"{volunteer_id} {name}" if name else volunteer_id


def _consent_line(ctx: KioskContext, case_id: str) -> str:
    """The case's notice-and-consent record as one printed sentence ("" when none)."""
    from kiosk.services.consent import Consent

    with ctx.store.unit_of_work(read_only=True) as uow:
        row = uow.cases.require(case_id)
        consent = Consent.from_json(row.consent)
    return consent.line() if consent else ""


def _hall(ctx: KioskContext) -> str:
    return ctx.settings.device_name.split()[0] if ctx.settings.device_name else ""


def case_sheet(ctx: KioskContext, case_id: str) -> CaseSheet:
    """What the paper of one case shows, QR payloads included. The identity code is the
    one stored with the case (signed by the device that made it), never signed anew here:
    a reprint on another kiosk carries the original signature."""
    from kiosk.services.release_catalogue import ReleaseMissing, catalogue_of_release

    packet = case_packet(ctx, case_id)
    if not packet.identity_code:
        raise CaseError(f"case {packet.number} has no identity code on file; it cannot print")
    with ctx.store.unit_of_work(read_only=True) as uow:
        row = uow.cases.require(case_id)
        waiting = row.state == CaseState.NEEDS_MATERIALS
        notices = [needs_materials_notice(uow.cases.read_note(row))] if waiting else []
        release = row.release
    # The definitions and policy the case was made under (its release), not the release
    # in force today: a later release must not change a finalized case's paper (its 审批
    # 机关, its lists' words), as the engine judges it by its release (break19d #3).
    try:
        catalogue = catalogue_of_release(ctx, release, strict=True)
    except ReleaseMissing as exc:  # drawn with other definitions it would not be its paper
        raise CaseError(f"case {packet.number}: {exc}") from exc
    form = catalogue.get(packet.form_id, packet.form_version)
    from kiosk.services.attachments import photographed_pages
    from kiosk.sync.attachments_push import pending_count

    return build_sheet(
        form,
        catalogue.lists,
        packet,
        consent=_consent_line(ctx, case_id),
        hall=_hall(ctx),
        volunteer=_volunteer_line(ctx, packet.volunteer_id),
        identity_payload=packet.identity_code,
        data_payloads=encode_data_codes(
            packet, form, attachments_pending=pending_count(ctx.store, packet.case_id)
        ),
        notices=notices,
        photographed=photographed_pages(ctx.store, packet.case_id),
    )


def render_case_pdf(ctx: KioskContext, case_id: str) -> bytes:
    return render_case(case_sheet(ctx, case_id))


def resolve_bundle(ctx: KioskContext, key: str) -> str:
    """The bundle id for ``key``: a bundle id, or the number or UUID of any case of the
    bundle (what a clerk has on the paper). Raises CaseError when neither fits."""
    key = key.strip()
    with ctx.store.unit_of_work(read_only=True) as uow:
        if uow.cases.in_bundle(key):
            return key
        row = uow.cases.get_by_number(key) or uow.cases.get(key)
        if row is not None and row.bundle_id:
            return row.bundle_id
        number = row.number if row is not None else None
    if number is not None:
        raise CaseError(f"case {number} is not part of a bundle; print it alone")
    raise CaseError(f"no bundle {key} (give the bundle id or the number of one of its cases)")


def _bundle_cases(ctx: KioskContext, bundle_id: str) -> list[tuple[str, str]]:
    """(case id, form id) of the finalized cases of one bundle intake, in order."""
    with ctx.store.unit_of_work(read_only=True) as uow:
        rows = [r for r in uow.cases.in_bundle(bundle_id) if r.state != CaseState.DRAFT]
        return [(row.id, row.form_id) for row in rows]


def bundle_title(ctx: KioskContext, bundle_id: str) -> str | None:
    """The life event (家人去世) of a bundle intake: the one bundle definition listing all
    of its cases' forms; None when no definition, or more than one, fits."""
    forms = {form_id for _, form_id in _bundle_cases(ctx, bundle_id)}
    fits = [
        b.short_title
        for b in ctx.catalogue.latest_bundles()
        if forms and forms <= {f.form for f in b.forms}
    ]
    return fits[0] if len(fits) == 1 else None


def render_bundle_pdf(ctx: KioskContext, bundle_id: str, *, title: str | None = None) -> bytes:
    """One PDF for a life-event bundle: a cover page titled with the life event
    ("家人去世 一件事联办"), then every case of the bundle, numbered over the whole set.

    ``title`` is the life event's name; without it, ``bundle_title`` finds it from the
    catalogue. Raises CaseError when the bundle has no finalized case.
    """
    ids = [case_id for case_id, _ in _bundle_cases(ctx, bundle_id)]
    if not ids:
        raise CaseError(f"no finalized cases in bundle {bundle_id}")
    title = title or bundle_title(ctx, bundle_id)
    if title:  # printed on the cover: the same check as every answer (kiosk.printable)
        try:
            title = printable(" ".join(title.split()), "标题", "--title")
        except UnprintableText as exc:
            raise CaseError(f"{exc.message_en}; nothing printed") from exc
    sheets = [case_sheet(ctx, case_id) for case_id in ids]
    cover = BundleCover(
        title=f"{title} 一件事联办" if title else "一件事联办 申请材料",
        hall=_hall(ctx),
        cases=[(s.number, s.title, s.department) for s in sheets],
        materials=combine_materials(sheets),
        volunteer=next((s.volunteer for s in sheets if s.volunteer), ""),
        desks=[" → ".join(d.desk for d in s.routing) for s in sheets],
    )
    return render_bundle(cover, sheets)


def printer_status(ctx: KioskContext, name: str | None = None) -> cups.PrinterStatus:
    """The named queue, else the configured one, else the system default."""
    from kiosk.printing import cups

    return cups.printer_status(name or ctx.settings.printer or None)


def list_printers() -> list[cups.PrinterStatus]:
    """Every queue with its state; raises cups.SchedulerUnreachable when CUPS does not answer
    (an empty list means CUPS answered and has no queue)."""
    from kiosk.printing import cups

    try:
        return cups.list_printers()
    except cups.SchedulerUnreachable:
        raise
    except cups.PrintingUnavailable:
        return []


def _printed_before(row: CaseRow) -> bool:
    """A paper of this case exists: printed here before, or it came here on paper (QR)."""
    return any(a.action in ("printed", "reprinted", "imported") for a in row.audit)


def _not_printed(
    ctx: KioskContext, case_id: str, actor: str, printer: str, zh: str, en: str, job: str | None
) -> PrintResult:
    """Record a print that did not come out (audit + the staff page's list) and say so."""
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        row.print_problem = zh[:200]
        uow.cases.audit(row, actor=actor, action="print_failed", detail=f"{printer}: {en}")
        uow.commit()
    log.info("print of case %s did not come out: %s", case_id, en)
    return PrintResult(False, zh, f"not printed: {en}", printer, job)


def print_case(
    ctx: KioskContext, case_id: str, *, printer: str | None = None, actor: str = "staff"
) -> PrintResult:
    """Render, send to the printer and wait until CUPS says the job completed.

    Only then does the case count as printed (finalized → printed on the first print;
    later ones, and the first print of a case already sent, keep the state) with a
    ``printed`` or ``reprinted`` audit entry. A queue that is not ready, a job that is
    held, stops, fails or does not complete within ``print_wait_s`` leaves the case as it
    was, with a ``print_failed`` audit entry and the reason on the staff page; such a
    job is cancelled. Never raises for a printer problem (CaseError for a draft).
    """
    from kiosk.printing import cups, cups_jobs

    pdf = render_case_pdf(ctx, case_id)
    status = printer_status(ctx, printer)
    if not status.ready:
        zh = f"没有打印出来。{status.message_zh}处理好后再按“打印”。"
        return _not_printed(ctx, case_id, actor, status.name, zh, status.message, None)
    with ctx.store.unit_of_work(read_only=True) as uow:
        number = uow.cases.require(case_id).number
    try:
        job = cups.submit_pdf(pdf, status.name, title=f"case {number}")
        outcome = cups_jobs.wait_for_job(job, timeout_s=ctx.settings.print_wait_s)
    except cups.PrintingUnavailable as exc:
        zh = "没有打印出来，打印服务出了问题，请工作人员检查打印机。"
        return _not_printed(ctx, case_id, actor, status.name, zh, str(exc), None)
    if not outcome.completed:
        return _not_printed(
            ctx, case_id, actor, status.name, outcome.message_zh, outcome.message, job.job_id
        )
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        reprint = _printed_before(row)
        if row.state == CaseState.FINALIZED:
            check_transition(CaseState(row.state), CaseState.PRINTED)
            row.state = CaseState.PRINTED
            row.updated_at = utcnow()
        row.print_problem = None
        action = "reprinted" if reprint else "printed"
        uow.cases.audit(row, actor=actor, action=action, detail=f"{status.name} job {job.job_id}")
        uow.commit()
    events.case_did_print.emit(case_id)
    zh = "已打印好，请在打印机上取纸。"
    en = f"printed on {status.name} (job {job.job_id} completed)"
    return PrintResult(True, zh, en, status.name, job.job_id, reprint)


def export_case_pdf(
    ctx: KioskContext,
    case_id: str,
    *,
    actor: str = "staff",
    deliver: Callable[[bytes], object] | None = None,
) -> bytes:
    """The case's PDF for writing to a file (``kiosk print --out``), audited as an export:
    the paper's personal data leave the kiosk as a file, not through its printer.
    ``deliver(pdf)`` (writing the file) runs before the audit entry is made: when it
    raises, nothing is recorded as exported (break19c #6) and its error propagates.
    Under a published release the sheet's plan is kept for the quick path
    (kiosk.services.print_plans.keep_release_plan)."""
    from kiosk.services.print_plans import keep_release_plan

    sheet = case_sheet(ctx, case_id)
    pdf = render_case(sheet)
    if deliver is not None:
        deliver(pdf)
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        keep_release_plan(ctx, uow.cases, row, sheet)
        uow.cases.audit(row, actor=actor, action="exported", detail="PDF file")
        uow.commit()
    return pdf


def export_bundle_pdf(
    ctx: KioskContext,
    bundle_id: str,
    *,
    title: str | None = None,
    actor: str = "staff",
    deliver: Callable[[bytes], object] | None = None,
) -> bytes:
    """A bundle's PDF for a file, each of its cases audited as exported; ``bundle_id`` may
    be the number of any member case (resolve_bundle). ``deliver`` as for
    ``export_case_pdf``: run before the audit, which it stops by raising."""
    bundle_id = resolve_bundle(ctx, bundle_id)
    pdf = render_bundle_pdf(ctx, bundle_id, title=title)
    if deliver is not None:
        deliver(pdf)
    with ctx.store.unit_of_work() as uow:
        for row in uow.cases.in_bundle(bundle_id):
            if row.state != CaseState.DRAFT:
                uow.cases.audit(row, actor=actor, action="exported", detail="bundle PDF file")
        uow.commit()
    return pdf


@dataclass(frozen=True)
class PrintProblem:
    """A case whose last print did not come out (staff page): no personal data."""

    case_id: str
    number: str
    form_id: str
    reason: str  # plain Chinese


def print_problems(ctx: KioskContext, limit: int = 20) -> list[PrintProblem]:
    with ctx.store.unit_of_work(read_only=True) as uow:
        query = (
            select(CaseRow)
            .where(CaseRow.print_problem.is_not(None))
            .order_by(CaseRow.updated_at.desc())
            .limit(limit)
        )
        return [
            PrintProblem(r.id, r.number, r.form_id, r.print_problem or "")
            for r in uow.session.scalars(query)
        ]


def device_public_key(ctx: KioskContext) -> tuple[str, bytes]:
    """(device id, raw Ed25519 public key) of this kiosk, for verifying its own prints."""
    return ctx.store.device_id, public_key_bytes(load_or_create_signing_key(ctx.data_root))
