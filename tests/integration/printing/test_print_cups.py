"""Printing through a real CUPS queue with the cups-pdf backend (scripts/services.sh makes
the queue): the printed PDF appears in cups-pdf's folder and reads as the case."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from helpers import APPLICANT_NAME, FORM_ID, example

from kiosk.printing import cups
from kiosk.services.cases import fill_case, show_case
from kiosk.services.context import KioskContext
from kiosk.services.printing import print_case, printer_status

QUEUE = os.environ.get("KIOSK_TEST_PRINTER", "kiosk-pdf")
OUT_DIRS = [Path("/var/spool/cups-pdf") / getpass.getuser(), Path.home() / "PDF"]


def _queue_ready() -> str | None:
    if shutil.which("lpstat") is None:
        return "CUPS is not installed"
    if subprocess.run(["lpstat", "-p", QUEUE], capture_output=True).returncode != 0:
        return f"no CUPS queue {QUEUE} (bash scripts/test.sh creates it)"
    return None


pytestmark = pytest.mark.skipif(_queue_ready() is not None, reason=str(_queue_ready()))


def wait_for_output(job_id: str, timeout: float = 60) -> Path:
    """cups-pdf names its files ``<title>-job_<n>.pdf``."""
    n = job_id.rsplit("-", 1)[-1]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for folder in OUT_DIRS:
            for path in folder.glob(f"*job_{n}.pdf"):
                if path.stat().st_size > 0 and time.time() - path.stat().st_mtime > 0.5:
                    return path
        time.sleep(0.5)
    raise AssertionError(f"no cups-pdf output for job {job_id} in {OUT_DIRS}")


def test_print_through_cups_pdf(ctx: KioskContext) -> None:
    case = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
    result = print_case(ctx, case.id, printer=QUEUE, actor="staff")
    assert result.ok, result.message_en
    assert result.job_id and result.job_id.startswith(QUEUE)
    out = wait_for_output(result.job_id)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    for label in (
        "城乡居民基本养老保险死亡待遇申领",
        "办件编号",
        "需带材料",
        "帮办人",
        APPLICANT_NAME,
    ):
        assert label in text, label
    assert case.number in text  # digits survive the printer's Ghostscript
    assert show_case(ctx, case.id).summary.state == "printed"
    out.unlink()


def test_default_printer_when_none_named(ctx: KioskContext) -> None:
    if cups.default_printer() != QUEUE:
        pytest.skip(f"the system default printer is not {QUEUE}")
    case = fill_case(ctx, FORM_ID, example())
    result = print_case(ctx, case.id)
    assert result.ok and result.printer == QUEUE
    wait_for_output(result.job_id or "").unlink()


def test_paused_and_missing_queues_are_reported(ctx: KioskContext) -> None:
    assert "does not exist" in printer_status(ctx, "no-such-queue").message
    if subprocess.run(["cupsdisable", QUEUE], capture_output=True).returncode != 0:
        pytest.skip("cannot pause the queue here (needs lpadmin rights)")
    try:
        case = fill_case(ctx, FORM_ID, example())
        result = print_case(ctx, case.id, printer=QUEUE)
        assert not result.ok and result.job_id is None
        assert "暂停" in result.message and "paused" in result.message_en
        assert show_case(ctx, case.id).summary.state == "finalized"
    finally:
        subprocess.run(["cupsenable", QUEUE], capture_output=True)
