"""The receipt slip (回执) of a case: what it says, its bytes, its preview, printing it.

``make_receipt(ctx, case_id)`` builds the slip of a finalized case with a one-time code
drawn for it (kiosk.services.receipt_codes) but not yet valid: ``Receipt.keep_code``
makes it the case's code, and is called only when the slip is really out (the printer
took it, or its ESC/POS bytes were written for ``cat FILE > /dev/usb/lp0``). A reprinted
slip then replaces the case's unused code (only the newest slip opens 我的办件); a
failed print or write changes nothing, so the slip the resident holds stays valid.
``make_receipt(..., preview=True)`` (the PDF/PNG preview) draws no code at all: its
place says 样张 instead. The slip carries two QR codes: that one-time
code (the identify page reads it as proof of presence) and the case's signed identity
code (what a desk's scanner opens); one code each because the identify page must not
take a desk's verification code for a proof, nor the desk spend the resident's proof.
The same ``Receipt`` gives the ESC/POS bytes and the PDF preview, so both show one code.

``print_receipt`` sends it to the configured receipt printer and never raises for a
printer problem: it returns a ReceiptResult (Chinese ``message`` for the screen,
``message_en`` for the CLI) and the kiosk goes on without the slip.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from kiosk.devices.receipt_printer import ReceiptPrinterError, send_receipt
from kiosk.printing.receipt import ReceiptSlip, escpos_bytes, receipt_pdf, render_receipt
from kiosk.services.context import KioskContext
from kiosk.services.printing import case_sheet
from kiosk.services.receipt_codes import (
    PendingCode,
    ReceiptCodeError,
    draw_receipt_code,
    keep_receipt_code,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Receipt:
    slip: ReceiptSlip
    image: Image.Image
    width_mm: int
    pending: PendingCode | None = None  # the slip's code, valid once kept

    def keep_code(self, ctx: KioskContext) -> None:
        """The slip is out: its code becomes the case's valid one (none for a preview)."""
        if self.pending is not None:
            keep_receipt_code(ctx, self.pending)

    def escpos(self) -> bytes:
        return escpos_bytes(self.image)

    def pdf(self) -> bytes:
        return receipt_pdf(self.image, self.width_mm)


@dataclass(frozen=True)
class ReceiptResult:
    ok: bool
    message: str  # Chinese, for the screen
    message_en: str  # English, for the CLI and logs


def _when(ctx: KioskContext) -> str:
    now: datetime = ctx.clock()
    return f"{now.year}年{now.month}月{now.day}日 {now:%H:%M}"


def make_receipt(
    ctx: KioskContext, case_id: str, *, width_mm: int | None = None, preview: bool = False
) -> Receipt:
    """The slip of a finalized case (CaseError when it is a draft or purged), with a
    one-time code drawn for it (none when the case names no applicant ID number, or for
    a ``preview``); the code is valid only after ``Receipt.keep_code``."""
    sheet = case_sheet(ctx, case_id)
    pending: PendingCode | None = None
    if not preview:
        try:
            pending = draw_receipt_code(ctx, case_id)
        except ReceiptCodeError as exc:
            log.info("receipt without a one-time code: %s", exc)
    missing = [m.label for m in sheet.materials if not m.photographed]
    first = sheet.routing[0] if sheet.routing else None
    slip = ReceiptSlip(
        hall=sheet.hall or ctx.settings.town_name,
        case_number=sheet.number,
        service=sheet.title,
        next_desk=f"{first.desk}（{first.does}）" if first else "综合窗口",
        missing=missing,
        photographed=sum(m.photographed for m in sheet.materials),
        when=_when(ctx),
        receipt_code=pending.text if pending else None,
        preview=preview,
        identity_code=sheet.identity_payload,
        phone=ctx.settings.hall_phone,
        notes=list(sheet.notices),
    )
    width = width_mm or ctx.settings.receipt_width_mm
    return Receipt(slip, render_receipt(slip, width), 80 if width >= 80 else 58, pending)


def print_receipt(
    ctx: KioskContext, case_id: str, *, printer: str | None = None, actor: str = "system"
) -> ReceiptResult:
    """Print the slip on ``printer`` (a receipt_printer setting; default the configured
    one). Audited on the case; never raises for a printer problem."""
    setting = (printer if printer is not None else ctx.settings.receipt_printer).strip()
    if not setting:
        return ReceiptResult(False, "没有接回执打印机。", "no receipt printer configured")
    receipt = make_receipt(ctx, case_id)
    try:
        send_receipt(setting, receipt.escpos())
    except ReceiptPrinterError as exc:
        log.warning("receipt not printed: %s", exc)
        _audit(ctx, case_id, actor, "receipt_failed", str(exc)[:150])
        return ReceiptResult(False, "回执没有打出来，请找工作人员。", str(exc))
    receipt.keep_code(ctx)
    _audit(ctx, case_id, actor, "receipt_printed", setting.partition(":")[0])
    return ReceiptResult(True, "回执已打印，请收好。", f"receipt printed ({setting})")


def _audit(ctx: KioskContext, case_id: str, actor: str, action: str, detail: str) -> None:
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        uow.cases.audit(row, actor=actor, action=action, detail=detail)
        uow.commit()
