"""Waiting for a print job until CUPS says it completed: only then is a case printed.

A queue takes a job whether or not the printer is there; its backend then retries a
dead device for days with the job "processing". So after ``lp`` the job is watched:
completed → printed; held, stopped, aborted or cancelled → not printed; still
pending or processing when the queue stops, the device stops answering, or the wait
runs out → not printed. A job that did not complete is cancelled, so the paper (with
a resident's personal data) never comes out later with nobody at the printer.

"Completed" alone is not believed either: some backends and filters end a job that
failed as completed. Its ``job-state-reasons`` (job-completed-with-errors …) and its
``job-printer-state-message`` (else the queue's ``printer-state-message``), as the
Get-Job-Attributes / Get-Printer-Attributes answers give them, must not report a failure
(kiosk.printing.cups_words.failure_in).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from kiosk.printing import cups
from kiosk.printing.cups_words import (
    ABORTED,
    CANCELED,
    COMPLETED,
    HELD,
    JOB_STATES,
    STOPPED,
    explain_completed_failure,
    explain_job,
    failure_in,
)

log = logging.getLogger(__name__)
POLL_S = 0.5
QUEUE_CHECK_S = 2.0  # how often the queue and its device are looked at while waiting


@dataclass(frozen=True)
class JobOutcome:
    completed: bool
    state: str  # completed / held / stopped / aborted / canceled / pending / processing
    message: str  # English
    message_zh: str
    cancelled_by_us: bool = False


@dataclass(frozen=True)
class JobInfo:
    """What CUPS says of a job (RFC 8011 5.3.7, 5.3.8; CUPS's job-printer-state-message)."""

    state: int  # IPP job-state, 3 pending … 9 completed
    reasons: list[str]
    printer_message: str  # job-printer-state-message: the backend's last words for it


def job_info(job: cups.SubmittedJob, address: str | None = None) -> JobInfo:
    """The job's state, state reasons and last printer message (Get-Job-Attributes)."""
    address = address or cups.scheduler_address()
    status, groups = cups.ipp_request(
        address, f"/printers/{quote(job.printer)}", "job", job_id=str(job.number)
    )
    if not status.startswith("successful") or not groups:
        raise cups.PrintingUnavailable(f"job {job.job_id} is unknown to CUPS ({status})")
    attrs = groups[0]
    raw = attrs.get("job-state-reasons")
    reasons = [str(r) for r in (raw if isinstance(raw, list) else [raw] if raw else [])]
    message = str(attrs.get("job-printer-state-message", "") or "")
    return JobInfo(int(attrs.get("job-state", 0) or 0), reasons, message)


def job_state(job: cups.SubmittedJob, address: str | None = None) -> int:
    """The job's IPP job-state (3 pending … 9 completed)."""
    return job_info(job, address).state


def completed_failure(info: JobInfo, queue: cups.PrinterStatus) -> str | None:
    """Why a job CUPS calls completed did not print, or None when nothing says it failed:
    its state reasons, its printer message, else the queue's printer-state-message."""
    bad = [r for r in info.reasons if r in ("job-completed-with-errors", "aborted-by-system")]
    if bad:
        return f"{bad[0]}" + (f": {info.printer_message}" if info.printer_message else "")
    for message in (info.printer_message, "" if info.printer_message else queue.state_message):
        if message and failure_in(message):
            return message
    return None


def wait_for_job(
    job: cups.SubmittedJob,
    *,
    timeout_s: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> JobOutcome:
    """Watch a submitted job until it completes or cannot; cancel it when it cannot."""
    address = cups.scheduler_address()
    start = clock()
    next_check = start + QUEUE_CHECK_S
    troubled = 0  # consecutive queue checks that found the queue or its device unable
    queue = cups.printer_status(job.printer)
    while True:
        info = job_info(job, address)
        state = info.state
        if state == COMPLETED:
            queue = cups.printer_status(job.printer, probe=False)
            failure = completed_failure(info, queue)
            if failure is None:
                return JobOutcome(True, "completed", f"job {job.job_id} completed", "已打印。")
            log.warning("job %s ended completed but CUPS reports: %s", job.job_id, failure)
            en, zh = explain_completed_failure(failure)
            return JobOutcome(False, "failed", en, zh)
        waited = clock() - start
        finished = state in (CANCELED, ABORTED)
        if state in (HELD, STOPPED) or finished or waited >= timeout_s or troubled >= 2:
            break
        if clock() >= next_check:
            queue = cups.printer_status(job.printer)
            troubled = troubled + 1 if not queue.ready else 0
            next_check = clock() + QUEUE_CHECK_S
        sleep(POLL_S)
    queue = cups.printer_status(job.printer)
    en, zh = explain_job(state, waited, "" if queue.ready else queue.message_zh, queue.message)
    cancelled = False
    if not finished:
        try:
            cups.cancel_job(job)
            cancelled = True
        except cups.PrintingUnavailable as exc:
            log.warning("could not cancel job %s: %s", job.job_id, exc)
    return JobOutcome(False, JOB_STATES.get(state, str(state)), en, zh, cancelled)
