"""What a CUPS queue's or job's state means, in plain words: Chinese for the volunteer's
screen, English for the CLI and logs. IPP printer-state-reasons (RFC 8011 5.4.12, with
the -error/-warning/-report suffixes dropped) and job states (RFC 8011 5.3.7).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

REASONS = {
    "media-empty": ("打印机没纸了，请加纸。", "out of paper"),
    "media-needed": ("打印机没纸了，请加纸。", "out of paper"),
    "media-jam": ("打印机卡纸了，请取出卡住的纸。", "paper jam"),
    "toner-empty": ("打印机没有墨粉了，请更换墨粉盒。", "out of toner"),
    "marker-supply-empty": ("打印机没有墨了，请更换墨盒。", "out of ink or toner"),
    "cover-open": ("打印机的盖子开着，请关好。", "cover open"),
    "door-open": ("打印机的门开着，请关好。", "door open"),
    "offline": ("打印机没有连上，请检查电源和连线。", "printer offline"),
    "paused": ("打印机被暂停了，请工作人员在打印设置里恢复。", "queue paused"),
}
BLOCKING = frozenset(REASONS) - {"paused"}  # "paused" comes with the stopped state anyway
NOT_ANSWERING = (
    "打印机没有响应，请检查打印机的电源和网线（或USB线）。",
    "the printer does not answer at {where}",
)

# IPP job-state values.
PENDING, HELD, PROCESSING, STOPPED, CANCELED, ABORTED, COMPLETED = 3, 4, 5, 6, 7, 8, 9
JOB_STATES = {
    PENDING: "pending",
    HELD: "held",
    PROCESSING: "processing",
    STOPPED: "stopped",
    CANCELED: "canceled",
    ABORTED: "aborted",
    COMPLETED: "completed",
}


def _where(uri: str) -> str:
    parts = urlsplit(uri)
    return parts.netloc or uri


def explain_queue(
    reasons: list[str], accepting: bool, device_uri: str, answers: bool | None
) -> tuple[str, str]:
    """(English, Chinese) for a queue: the most useful reason first (paper before
    "paused", which CUPS adds to many), then a device that does not answer."""
    known = sorted((r for r in reasons if r in REASONS), key=lambda r: r == "paused")
    if known and known[0] != "paused":
        zh, en = REASONS[known[0]]
        return en, zh
    if answers is False:
        zh, en = NOT_ANSWERING
        return en.format(where=_where(device_uri)), zh
    if known:
        zh, en = REASONS[known[0]]
        return en, zh
    if not accepting:
        return "queue is rejecting jobs", "打印机现在不接收打印任务，请工作人员检查。"
    return "ready", "打印机准备好了。"


def explain_job(state: int, waited_s: float, queue_zh: str, queue_en: str) -> tuple[str, str]:
    """(English, Chinese) for a job that did not complete, said so that the volunteer
    knows the paper did not come and what to do next."""
    name = JOB_STATES.get(state, f"state {state}")
    if state == HELD:
        return (
            "the job was held by the queue; it was cancelled, nothing printed",
            "打印任务被挂起了，没有打印出来。请工作人员检查打印设置后再按“打印”。",
        )
    if state == CANCELED:
        return "the job was cancelled; nothing printed", "打印任务被取消了，没有打印出来。"
    if state in (STOPPED, ABORTED):
        return (
            f"the job {name}: {queue_en}; nothing printed",
            f"打印机出了问题，没有打印出来。{queue_zh}处理好后再按“打印”。",
        )
    return (
        f"the job was still {name} after {waited_s:.0f} s ({queue_en}); it was cancelled",
        f"没有打印出来。{queue_zh}处理好后再按“打印”。",
    )


# Words of CUPS, its backends and filters when a job failed (English: CUPS runs them with
# LANG=C; its own messages read "Unable to connect to printer", "Filter failed", "Backend
# returned status 1", "The printer is not responding", ...).
_FAILURE = re.compile(
    r"unable to|could not|couldn't|cannot|can't|failed|failure|error|refused|timed out|"
    r"not responding|not connected|no route|unreachable|stopped|aborted|backend returned",
    re.IGNORECASE,
)
_FAILURE_ZH = (
    (
        re.compile(r"connect|not responding|no route|unreachable|timed out|refused", re.I),
        NOT_ANSWERING[0],
    ),
    (re.compile(r"filter", re.I), "打印机的驱动程序出错了，请工作人员检查打印设置。"),
)


def failure_in(message: str) -> bool:
    """True when a printer-state-message / job-printer-state-message reports a failure."""
    return bool(_FAILURE.search(message))


def explain_completed_failure(failure: str) -> tuple[str, str]:
    """(English, Chinese) for a job CUPS ended as completed while reporting a failure."""
    zh = next((words for pattern, words in _FAILURE_ZH if pattern.search(failure)), "")
    zh = zh or "打印机报告出错了，请工作人员检查打印机。"
    return (
        f"CUPS ended the job as completed but reported a failure ({failure}); "
        "counted as not printed",
        f"没有打印出来。{zh}处理好后再按“打印”。",
    )
