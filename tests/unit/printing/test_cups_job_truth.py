"""A job CUPS ends "completed" counts as printed only when nothing it reports says it
failed: its job-state-reasons, its job-printer-state-message, else the queue's
printer-state-message (the scheduler's IPP answers are faked here)."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.printing import cups, cups_jobs

QUEUE: dict[str, Any] = {
    "printer-name": "hall",
    "printer-state": 3,
    "printer-state-reasons": "none",
    "printer-state-message": "",
    "printer-is-accepting-jobs": True,
    "device-uri": "socket://192.0.2.7:9100",
}
JOB = cups.SubmittedJob("hall", "hall-17")


def fake(monkeypatch: pytest.MonkeyPatch, job: dict[str, Any], queue_message: str = "") -> None:
    def ipp(address: str, resource: str, test: str, **variables: str) -> Any:
        if test == "default":
            return ("successful-ok", [{"printer-name": "hall"}])
        if test == "printer":
            return ("successful-ok", [{**QUEUE, "printer-state-message": queue_message}])
        if test == "job":
            assert variables["job_id"] == "17"
            return ("successful-ok", [{"job-state": 9, **job}])
        raise AssertionError(test)

    monkeypatch.setattr(cups, "scheduler_address", lambda: "/run/cups/cups.sock")
    monkeypatch.setattr(cups, "ipp_request", ipp)
    monkeypatch.setattr(cups, "device_answers", lambda uri: True)
    monkeypatch.setattr(cups, "cancel_job", lambda job: None)


@pytest.mark.parametrize(
    ("job", "queue_message", "words"),
    [
        ({"job-printer-state-message": "Unable to connect to printer; will retry"}, "", "没有响应"),
        ({"job-printer-state-message": "Filter failed"}, "", "驱动"),
        ({"job-printer-state-message": "Backend returned status 1 (failed)"}, "", "出错"),
        ({"job-state-reasons": ["job-completed-with-errors"]}, "", "出错"),
        ({}, "Unable to connect to printer 192.0.2.7", "没有响应"),
    ],
    ids=["unable-to-connect", "filter-failed", "backend", "completed-with-errors", "queue-msg"],
)
def test_completed_with_a_failure_is_not_printed(
    monkeypatch: pytest.MonkeyPatch, job: dict[str, Any], queue_message: str, words: str
) -> None:
    fake(monkeypatch, job, queue_message)
    outcome = cups_jobs.wait_for_job(JOB, timeout_s=5, sleep=lambda s: None)
    assert not outcome.completed and outcome.state == "failed"
    assert "not printed" in outcome.message and words in outcome.message_zh
    assert outcome.message_zh.startswith("没有打印出来")


@pytest.mark.parametrize(
    "message", ["", "Ready to print.", "Sending data to printer.", "Printing page 1, 100%"]
)
def test_completed_with_a_plain_message_is_printed(
    monkeypatch: pytest.MonkeyPatch, message: str
) -> None:
    fake(monkeypatch, {"job-printer-state-message": message, "job-state-reasons": "none"})
    outcome = cups_jobs.wait_for_job(JOB, timeout_s=5, sleep=lambda s: None)
    assert outcome.completed and outcome.message_zh == "已打印。"


def test_the_jobs_own_message_outweighs_a_stale_queue_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The queue still shows an earlier job's failure; this job's own words say it went."""
    fake(monkeypatch, {"job-printer-state-message": "Ready to print."}, "Unable to connect")
    assert cups_jobs.wait_for_job(JOB, timeout_s=5, sleep=lambda s: None).completed


def test_print_case_leaves_the_case_unprinted_and_says_why(
    monkeypatch: pytest.MonkeyPatch, ctx: Any
) -> None:
    """Through the kiosk's print service: finalized stays finalized, the staff page lists it."""
    from helpers import FORM_ID, example

    from kiosk.services import printing
    from kiosk.services.cases import fill_case, show_case

    fake(monkeypatch, {"job-printer-state-message": "Unable to connect to printer"})
    monkeypatch.setattr(cups, "submit_pdf", lambda pdf, printer, *, title, copies=1: JOB)
    case = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
    result = printing.print_case(ctx, case.id, printer="hall")
    assert not result.ok and "没有打印出来" in result.message
    assert show_case(ctx, case.id).summary.state == "finalized"
    [problem] = printing.print_problems(ctx)
    assert problem.number == case.number and "没有响应" in problem.reason
