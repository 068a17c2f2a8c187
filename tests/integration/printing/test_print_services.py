"""print_case moves finalized → printed only when the job completed, once (reprints and the
first print of a case already sent only audit); a printer that is not ready or a job that
does not complete changes nothing but the audit and the staff page's list; `--out` is an
audited export; a bundle prints behind one cover; QR import is idempotent by UUID."""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import FORM_ID, example

from kiosk.device_identity import load_or_create_signing_key
from kiosk.printing import cups, cups_jobs
from kiosk.printing.cups_jobs import JobOutcome
from kiosk.services import printing
from kiosk.services.cases import CaseError, fill_case, show_case
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.packets import case_packet
from kiosk.services.qr_import import UntrustedCase, import_case_packet

READY = cups.PrinterStatus("hall", True, "idle", True, True, [], "printer 'hall': ready", "好")
COMPLETED = JobOutcome(True, "completed", "job completed", "已打印。")


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """Jobs go nowhere; each completes unless a test says otherwise (``outcome``)."""
    jobs: list[tuple[str, bytes]] = []

    def submit(pdf: bytes, printer: str, *, title: str, copies: int = 1) -> cups.SubmittedJob:
        jobs.append((printer, pdf))
        return cups.SubmittedJob(printer, f"{printer}-{len(jobs)}")

    monkeypatch.setattr(cups, "submit_pdf", submit)
    monkeypatch.setattr(cups, "printer_status", lambda name=None: READY)
    monkeypatch.setattr(cups_jobs, "wait_for_job", lambda job, timeout_s: COMPLETED)
    return jobs


def test_first_print_marks_printed_and_a_reprint_only_audits(
    ctx: KioskContext, sent: list[tuple[str, bytes]]
) -> None:
    case = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
    first = printing.print_case(ctx, case.id, actor="volunteer:1001")
    assert first.ok and not first.reprint and first.job_id == "hall-1"
    assert sent[0][1].startswith(b"%PDF")
    assert show_case(ctx, case.id).summary.state == "printed"
    again = printing.print_case(ctx, case.number, actor="staff")
    assert again.ok and again.reprint
    detail = show_case(ctx, case.id)
    assert detail.summary.state == "printed"
    actions = [(a.actor, a.action) for a in detail.audit]
    assert actions[-2:] == [("volunteer:1001", "printed"), ("staff", "reprinted")]


def test_the_first_print_of_a_case_already_sent_is_not_a_reprint(
    ctx: KioskContext, sent: list[tuple[str, bytes]]
) -> None:
    case = fill_case(ctx, FORM_ID, example())
    with ctx.store.unit_of_work() as uow:  # the town server acknowledged it before any paper
        uow.cases.require(case.id).state = "sent"
        uow.commit()
    result = printing.print_case(ctx, case.id)
    assert result.ok and not result.reprint
    detail = show_case(ctx, case.id)
    assert detail.summary.state == "sent"  # states never go back
    assert detail.audit[-1].action == "printed"
    assert printing.print_case(ctx, case.id).reprint


def test_missing_printer_is_reported_and_nothing_changes(
    ctx: KioskContext, sent: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = fill_case(ctx, FORM_ID, example())
    missing = cups.PrinterStatus(
        "x",
        False,
        "missing",
        message="printer 'x' does not exist",
        message_zh="找不到打印机，请工作人员检查打印设置。",
    )
    monkeypatch.setattr(cups, "printer_status", lambda name=None: missing)
    result = printing.print_case(ctx, case.id, printer="x")
    assert not result.ok and result.job_id is None
    assert "找不到打印机" in result.message and "does not exist" in result.message_en
    assert not sent
    assert show_case(ctx, case.id).summary.state == "finalized"
    assert show_case(ctx, case.id).audit[-1].action == "print_failed"


def test_out_of_paper_sends_nothing_and_the_staff_page_lists_it(
    ctx: KioskContext, sent: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = fill_case(ctx, FORM_ID, example())
    empty = replace(
        READY,
        reasons=["media-empty"],
        message="printer 'hall': out of paper",
        message_zh="打印机没纸了，请加纸。",
    )
    monkeypatch.setattr(cups, "printer_status", lambda name=None: empty)
    result = printing.print_case(ctx, case.id)
    assert not result.ok and result.job_id is None and not sent
    assert "没纸" in result.message and "out of paper" in result.message_en
    assert show_case(ctx, case.id).summary.state == "finalized"
    [problem] = printing.print_problems(ctx)
    assert problem.number == case.number and "没纸" in problem.reason
    monkeypatch.setattr(cups, "printer_status", lambda name=None: READY)
    assert printing.print_case(ctx, case.id).ok
    assert printing.print_problems(ctx) == []  # printed now: off the list


def test_a_job_that_does_not_complete_leaves_the_case_unprinted(
    ctx: KioskContext, sent: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = fill_case(ctx, FORM_ID, example())
    held = JobOutcome(False, "held", "the job was held", "打印任务被挂起了，没有打印出来。", True)
    monkeypatch.setattr(cups_jobs, "wait_for_job", lambda job, timeout_s: held)
    result = printing.print_case(ctx, case.id, actor="volunteer:1001")
    assert not result.ok and result.job_id == "hall-1"
    assert "没有打印出来" in result.message and "held" in result.message_en
    detail = show_case(ctx, case.id)
    assert detail.summary.state == "finalized"
    assert (detail.audit[-1].actor, detail.audit[-1].action) == ("volunteer:1001", "print_failed")


def test_writing_the_pdf_to_a_file_is_an_audited_export(ctx: KioskContext) -> None:
    case = fill_case(ctx, FORM_ID, example())
    assert printing.export_case_pdf(ctx, case.id, actor="staff:wang").startswith(b"%PDF")
    last = show_case(ctx, case.id).audit[-1]
    assert (last.actor, last.action, last.detail) == ("staff:wang", "exported", "PDF file")
    assert show_case(ctx, case.id).summary.state == "finalized"


def test_a_draft_cannot_print(ctx: KioskContext) -> None:
    from kiosk.services.cases import start_case

    draft = start_case(ctx, FORM_ID)
    with pytest.raises(CaseError, match="not finalized"):
        printing.render_case_pdf(ctx, draft.case.id)


def test_bundle_pdf_has_a_cover_and_every_case(ctx: KioskContext, tmp_path: Path) -> None:
    bundle = str(uuid.uuid4())
    a = fill_case(ctx, FORM_ID, example(), bundle_id=bundle)
    b = fill_case(ctx, FORM_ID, example(), bundle_id=bundle)
    path = tmp_path / "bundle.pdf"
    path.write_bytes(printing.render_bundle_pdf(ctx, bundle))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    cover = text.split("\f")[0]
    assert "本次办理的事项" in cover and a.number in cover and b.number in cover
    # Combined, once: the same paper of both cases (death benefit v3 asks no 户口本).
    assert "需带材料" in cover and cover.count("您本人的身份证") == 1
    assert text.count("第1页/共2页") == 2  # each form numbered on its own
    assert "全套第1页/共5页" in cover and "全套第5页/共5页" in text  # and over the whole set
    with pytest.raises(CaseError, match="no finalized cases"):
        printing.render_bundle_pdf(ctx, str(uuid.uuid4()))


def test_import_is_idempotent_by_uuid(ctx: KioskContext, tmp_path: Path) -> None:
    case = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
    packet = case_packet(ctx, case.id)
    identity = packet.identity_code
    key = {ctx.store.device_id: load_or_create_signing_key(ctx.data_root).public_key()}.get
    other = open_kiosk(tmp_path / "town-desk", catalogue=ctx.catalogue)
    try:
        first = import_case_packet(other, packet, identity, lookup=key)
        second = import_case_packet(other, packet, identity, lookup=key)
        assert first.created and not second.created
        assert case_packet(other, case.id) == packet
        changed = replace(packet, answers={**packet.answers, "applicant_phone": "13900000000"})
        with pytest.raises(UntrustedCase, match="tampered"):
            import_case_packet(other, changed, identity, lookup=key)
        with pytest.raises(UntrustedCase, match="no identity code"):
            import_case_packet(other, packet, None, lookup=key)
    finally:
        other.close()
