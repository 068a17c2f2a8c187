"""Waiting for a print job until CUPS says it completed: only then is a case printed.

A queue takes a job whether or not the printer is there; its backend then retries a
dead device for days with the job "processing". So after ``lp`` the job is watched:
completed → printed; held, stopped, aborted or cancelled → not printed; still
pending or processing when the queue stops, the device stops answering, or the wait
runs out → not printed. A job that did not complete is cancelled, so the paper (with
a resident's personal data) never comes out later with nobody at the printer.
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
    explain_job,
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


def job_state(job: cups.SubmittedJob, address: str | None = None) -> int:
    """The job's IPP job-state (3 pending … 9 completed)."""
    address = address or cups.scheduler_address()
    status, groups = cups.ipp_request(
        address, f"/printers/{quote(job.printer)}", "job", job_id=str(job.number)
    )
    if not status.startswith("successful") or not groups:
        raise cups.PrintingUnavailable(f"job {job.job_id} is unknown to CUPS ({status})")
    return int(groups[0].get("job-state", 0) or 0)


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
        state = job_state(job, address)
        if state == COMPLETED:
            return JobOutcome(True, "completed", f"job {job.job_id} completed", "已打印。")
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
