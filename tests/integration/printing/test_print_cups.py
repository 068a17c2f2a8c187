"""Printing through real CUPS queues (scripts/services.sh makes them): with the cups-pdf
backend the printed PDF appears in cups-pdf's folder and reads as the case; a queue whose
device is dead, a held job and an unreachable scheduler leave the case unprinted and say so."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import APPLICANT_NAME, FORM_ID, example

from kiosk.cli import main
from kiosk.printing import cups
from kiosk.printing.cups_jobs import job_state, wait_for_job
from kiosk.printing.cups_words import CANCELED
from kiosk.services.cases import fill_case, show_case
from kiosk.services.context import KioskContext
from kiosk.services.printing import print_case, print_problems, printer_status

QUEUE = os.environ.get("KIOSK_TEST_PRINTER", "kiosk-pdf")
OUT_DIRS = [Path("/var/spool/cups-pdf") / getpass.getuser(), Path.home() / "PDF"]


def _queue_ready() -> str | None:
    if shutil.which("lpstat") is None:
        return "CUPS is not installed"
    if subprocess.run(["lpstat", "-p", QUEUE], capture_output=True).returncode != 0:
        return f"no CUPS queue {QUEUE} (bash scripts/test.sh creates it)"
    return None


pytestmark = pytest.mark.skipif(_queue_ready() is not None, reason=str(_queue_ready()))


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
        "城乡居民基本养老保险注销登记表",  # the print title (print_title)
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


DEAD = os.environ.get("KIOSK_TEST_DEAD_PRINTER", "kiosk-dead")
DEAD_URI = "socket://127.0.0.1:9"  # loopback discard port: nothing listens there
DEAD_PPD = "lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd"  # any PPD with filters will do


@pytest.fixture
def dead_queue() -> Iterator[str]:
    """A real CUPS queue whose device is dead (scripts/services.sh makes it; made here too
    when this user may run lpadmin). Jobs left on it are cancelled afterwards."""
    if subprocess.run(["lpstat", "-p", DEAD], capture_output=True).returncode != 0:
        made = subprocess.run(
            [
                "lpadmin",
                "-p",
                DEAD,
                "-E",
                "-v",
                DEAD_URI,
                "-m",
                "lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd",
            ],
            capture_output=True,
        )
        if made.returncode != 0:
            pytest.skip(f"no CUPS queue {DEAD} and no lpadmin rights to make it")
    subprocess.run(["cupsenable", DEAD], capture_output=True)
    subprocess.run(["cupsaccept", DEAD], capture_output=True)
    try:
        yield DEAD
    finally:
        subprocess.run(["cancel", "-a", DEAD], capture_output=True)


def test_a_queue_whose_device_is_dead_leaves_the_case_unprinted(
    ctx: KioskContext, dead_queue: str
) -> None:
    status = printer_status(ctx, dead_queue)
    assert status.exists and status.accepting and status.state != "stopped"  # CUPS says fine
    assert status.device_answers is False and not status.ready  # the device does not
    case = fill_case(ctx, FORM_ID, example())
    result = print_case(ctx, case.id, printer=dead_queue, actor="volunteer:1001")
    assert not result.ok
    assert "没有打印出来" in result.message and "没有响应" in result.message
    assert "does not answer at 127.0.0.1:9" in result.message_en
    detail = show_case(ctx, case.id)
    assert detail.summary.state == "finalized"
    assert detail.audit[-1].action == "print_failed"
    [problem] = print_problems(ctx)
    assert problem.number == case.number and "没有响应" in problem.reason


def test_a_job_the_dead_device_never_takes_is_not_printed_and_is_cancelled(
    ctx: KioskContext, dead_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the device cannot be probed (as for a dnssd printer) the job goes in; CUPS keeps
    it "processing" while its backend retries, so it never completes: not printed."""
    monkeypatch.setattr(cups, "device_answers", lambda uri: None)
    ctx.settings = ctx.settings.model_copy(update={"print_wait_s": 5})
    case = fill_case(ctx, FORM_ID, example())
    result = print_case(ctx, case.id, printer=dead_queue)
    assert not result.ok and result.job_id
    assert "没有打印出来" in result.message and "it was cancelled" in result.message_en
    assert show_case(ctx, case.id).summary.state == "finalized"
    job = cups.SubmittedJob(dead_queue, result.job_id)
    assert job_state(job) == CANCELED  # it will not come out later with nobody there


def test_a_held_job_is_not_printed(ctx: KioskContext) -> None:
    out = subprocess.run(
        ["lp", "-d", QUEUE, "-H", "indefinite", "-t", "held", "-"],
        input=b"%PDF-1.4\n%%EOF\n",
        capture_output=True,
        check=True,
    ).stdout.decode()
    job = cups.SubmittedJob(QUEUE, out.split("request id is ")[1].split()[0])
    outcome = wait_for_job(job, timeout_s=20)
    assert not outcome.completed and outcome.state == "held" and outcome.cancelled_by_us
    assert "挂起" in outcome.message_zh
    assert job_state(job) == CANCELED


def test_an_unreachable_scheduler_is_not_a_missing_printer(
    ctx: KioskContext, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CUPS_SERVER", f"127.0.0.1:{closed_port()}")
    status = printer_status(ctx, QUEUE)
    assert status.state == "unreachable" and "does not exist" not in status.message
    assert "does not answer" in status.message and "打印服务没有响应" in status.message_zh
    case = fill_case(ctx, FORM_ID, example())
    result = print_case(ctx, case.id, printer=QUEUE)
    assert not result.ok and "打印服务没有响应" in result.message
    assert main(["--data-dir", str(ctx.data_root), "printers"]) == 1
    assert "does not answer" in capsys.readouterr().err


def test_kiosk_printers_shows_the_queue_message_and_whether_the_device_answers(
    dead_queue: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["printers"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "yes cups-pdf:/" in lines[QUEUE] and "ready" in lines[QUEUE]
    assert f"NO {DEAD_URI}" in lines[dead_queue] and "does not answer" in lines[dead_queue]
