"""print_case moves finalized → printed once (reprints only audit); a missing printer changes
nothing; a bundle prints behind one cover; QR import is idempotent by UUID."""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import FORM_ID, example

from kiosk.printing import cups
from kiosk.services import printing
from kiosk.services.cases import CaseError, fill_case, show_case
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.packets import case_packet

READY = cups.PrinterStatus("hall", True, "idle", True, True, [], "printer 'hall': ready", "好")


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    jobs: list[tuple[str, bytes]] = []

    def submit(pdf: bytes, printer: str, *, title: str, copies: int = 1) -> cups.SubmittedJob:
        jobs.append((printer, pdf))
        return cups.SubmittedJob(printer, f"{printer}-{len(jobs)}")

    monkeypatch.setattr(cups, "submit_pdf", submit)
    monkeypatch.setattr(cups, "printer_status", lambda name=None: READY)
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


def test_missing_printer_is_reported_and_nothing_changes(
    ctx: KioskContext, sent: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = fill_case(ctx, FORM_ID, example())
    missing = cups.PrinterStatus(
        "x",
        False,
        "missing",
        message="printer 'x' does not exist",
        message_zh="找不到打印机，请检查打印机是否接好、开机。",
    )
    monkeypatch.setattr(cups, "printer_status", lambda name=None: missing)
    result = printing.print_case(ctx, case.id, printer="x")
    assert not result.ok and result.job_id is None
    assert "找不到打印机" in result.message and "does not exist" in result.message_en
    assert not sent
    assert show_case(ctx, case.id).summary.state == "finalized"


def test_out_of_paper_queues_the_job_and_says_so(
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
    assert not result.ok and result.job_id
    assert "没纸" in result.message and "out of paper" in result.message_en


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
    assert "需带材料" in cover and cover.count("户口本") == 1  # combined, once
    assert text.count("第1页/共2页") == 2  # each form numbered on its own
    with pytest.raises(CaseError, match="no finalized cases"):
        printing.render_bundle_pdf(ctx, str(uuid.uuid4()))


def test_import_is_idempotent_by_uuid(ctx: KioskContext, tmp_path: Path) -> None:
    case = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
    packet = case_packet(ctx, case.id)
    other = open_kiosk(tmp_path / "town-desk", catalogue=ctx.catalogue)
    try:
        first = printing.import_case_packet(other, packet)
        second = printing.import_case_packet(other, packet)
        assert first.created and not second.created
        assert case_packet(other, case.id) == packet
        changed = replace(packet, answers={**packet.answers, "applicant_phone": "13900000000"})
        with pytest.raises(CaseError, match="content hash"):
            printing.import_case_packet(other, changed)
        rehashed = replace(changed, content_hash=changed.answers and _hash(changed))
        with pytest.raises(CaseError, match="different content"):
            printing.import_case_packet(other, rehashed)
    finally:
        other.close()


def _hash(packet) -> str:  # type: ignore[no-untyped-def]
    from kiosk.domain.case_hash import content_hash

    return content_hash(packet.form_id, packet.form_version, packet.answers)
