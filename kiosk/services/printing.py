"""Printing operations: the case PDF, the bundle PDF, sending to the printer, QR import.

``print_case`` never raises for a printer problem: it returns a PrintResult whose
``message`` the screen shows (Chinese) and whose ``message_en`` the CLI prints.
A case moves finalized → printed on its first successful print; a reprint only
adds an audit entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from kiosk import events
from kiosk.device_identity import load_or_create_signing_key, public_key_bytes
from kiosk.domain.case_packet import CasePacket
from kiosk.domain.case_states import CaseState, check_transition
from kiosk.printing import cups
from kiosk.printing.document import render_bundle, render_case
from kiosk.printing.qr_codec import encode_data_codes
from kiosk.printing.sheet import BundleCover, CaseSheet, build_sheet, combine_materials
from kiosk.printing.signing import identity_of, sign_identity
from kiosk.services.cases import CaseError, store_answers
from kiosk.services.context import KioskContext
from kiosk.services.packets import case_packet
from kiosk.store.models import CaseRow, utcnow

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


@dataclass(frozen=True)
class ImportResult:
    case_id: str
    number: str
    created: bool  # False: the case was already here (same UUID, same content)


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

    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        consent = Consent.from_json(row.consent)
    return consent.line() if consent else ""


def _hall(ctx: KioskContext) -> str:
    return ctx.settings.device_name.split()[0] if ctx.settings.device_name else ""


def case_sheet(ctx: KioskContext, case_id: str) -> CaseSheet:
    """What the paper of one case shows, QR payloads included (signed with this device's key)."""
    packet = case_packet(ctx, case_id)
    form = ctx.catalogue.get(packet.form_id, packet.form_version)
    key = load_or_create_signing_key(ctx.data_root)
    return build_sheet(
        form,
        ctx.catalogue.lists,
        packet,
        consent=_consent_line(ctx, case_id),
        hall=_hall(ctx),
        volunteer=_volunteer_line(ctx, packet.volunteer_id),
        identity_payload=sign_identity(identity_of(packet), key),
        data_payloads=encode_data_codes(packet, form),
    )


def render_case_pdf(ctx: KioskContext, case_id: str) -> bytes:
    return render_case(case_sheet(ctx, case_id))


def render_bundle_pdf(ctx: KioskContext, bundle_id: str, *, title: str | None = None) -> bytes:
    """One PDF for a life-event bundle: a cover page, then every case of the bundle.

    ``title`` is the life event's name (家人去世); the cases do not record their bundle's
    definition, so the caller who knows it passes it.
    """
    with ctx.store.unit_of_work() as uow:
        ids = [row.id for row in uow.cases.in_bundle(bundle_id) if row.state != CaseState.DRAFT]
    if not ids:
        raise CaseError(f"no finalized cases in bundle {bundle_id}")
    sheets = [case_sheet(ctx, case_id) for case_id in ids]
    cover = BundleCover(
        title=f"{title} 一件事联办" if title else "一件事联办 申请材料",
        hall=_hall(ctx),
        cases=[(s.number, s.title, s.department) for s in sheets],
        materials=combine_materials(sheets),
        volunteer=next((s.volunteer for s in sheets if s.volunteer), ""),
    )
    return render_bundle(cover, sheets)


def printer_status(ctx: KioskContext, name: str | None = None) -> cups.PrinterStatus:
    """The named queue, else the configured one, else the system default."""
    return cups.printer_status(name or ctx.settings.printer or None)


def list_printers() -> list[cups.PrinterStatus]:
    try:
        return cups.list_printers()
    except cups.PrintingUnavailable:
        return []


def print_case(
    ctx: KioskContext, case_id: str, *, printer: str | None = None, actor: str = "staff"
) -> PrintResult:
    """Render and send to the printer; the case becomes printed (a reprint: audit only)."""
    pdf = render_case_pdf(ctx, case_id)
    status = printer_status(ctx, printer)
    if not status.exists or not status.accepting or status.state == "stopped":
        log.info("print of case %s not sent: %s", case_id, status.message)
        return PrintResult(False, status.message_zh, status.message, status.name)
    with ctx.store.unit_of_work() as uow:
        number = uow.cases.require(case_id).number
    try:
        job = cups.submit_pdf(pdf, status.name, title=f"case {number}")
    except cups.PrintingUnavailable as exc:
        log.warning("print of case %s failed: %s", case_id, exc)
        return PrintResult(False, "打印没有成功，请工作人员检查打印机。", str(exc), status.name)
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        reprint = row.state != CaseState.FINALIZED
        if not reprint:
            check_transition(CaseState(row.state), CaseState.PRINTED)
            row.state = CaseState.PRINTED
            row.updated_at = utcnow()
        detail = f"{status.name} job {job.job_id}"
        uow.cases.audit(
            row, actor=actor, action="reprinted" if reprint else "printed", detail=detail
        )
        uow.commit()
    events.case_did_print.emit(case_id)
    if status.ready:
        zh, en = "已送到打印机，请在打印机上取纸。", f"sent to {status.name} as job {job.job_id}"
        return PrintResult(True, zh, en, status.name, job.job_id, reprint)
    # Queued, but the printer needs a hand (paper, jam): it prints once that is fixed.
    return PrintResult(
        False,
        f"{status.message_zh}处理好后会自动打印。",
        f"queued as job {job.job_id}, but {status.message}",
        status.name,
        job.job_id,
        reprint,
    )


def import_case_packet(
    ctx: KioskContext, packet: CasePacket, *, actor: str = "staff"
) -> ImportResult:
    """Store a case rebuilt from scanned data codes; idempotent by UUID.

    The same UUID with the same content is reported as already here; with other
    content it is refused (CaseError), as the town server does for sync.
    """
    if not packet.hash_matches():
        raise CaseError(f"case {packet.number}: answers do not match the content hash")
    form = ctx.catalogue.get(packet.form_id, packet.form_version)
    with ctx.store.unit_of_work() as uow:
        existing = uow.cases.get(packet.case_id)
        if existing is not None:
            if existing.content_hash != packet.content_hash:
                raise CaseError(f"case {packet.number} is already here with different content")
            return ImportResult(existing.id, existing.number, created=False)
        if uow.cases.get_by_number(packet.number) is not None:
            raise CaseError(f"another case already has the number {packet.number}")
        finalized = datetime.fromisoformat(packet.finalized_at.removesuffix("Z"))
        row = CaseRow(
            id=packet.case_id,
            number=packet.number,
            form_id=form.id,
            form_version=form.version,
            state=CaseState.FINALIZED,
            volunteer_id=packet.volunteer_id,
            bundle_id=packet.bundle_id,
            device_id=packet.device_id,
            content_hash=packet.content_hash,
            created_at=utcnow(),
            updated_at=utcnow(),
            finalized_at=finalized.replace(tzinfo=None),
        )
        uow.cases.add(row)
        # The frozen answers as they are: no engine pass that could recalculate anything.
        store_answers(uow.cases, row, form, packet.answers)
        uow.cases.audit(row, actor=actor, action="imported", detail="from QR data codes")
        uow.outbox.enqueue(row.id)  # the town server dedups by UUID if it has it already
        uow.commit()
    return ImportResult(packet.case_id, packet.number, created=True)


def device_public_key(ctx: KioskContext) -> tuple[str, bytes]:
    """(device id, raw Ed25519 public key) of this kiosk, for verifying its own prints."""
    return ctx.store.device_id, public_key_bytes(load_or_create_signing_key(ctx.data_root))
