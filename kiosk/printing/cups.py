"""The system printer queue through the CUPS command-line tools (``lp``, ``lpstat``, ``lpoptions``).

The commands run with LANG=C so their English output can be read; the queue's
IPP state and state reasons (printer-state, printer-state-reasons) say whether
it is idle, paused, out of paper or jammed. Every outcome carries a Chinese
message for the screen and an English one for the CLI and logs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field

TIMEOUT_S = 20
_STATES = {"3": "idle", "4": "printing", "5": "stopped"}
# IPP printer-state-reasons we explain (suffixes -error / -warning / -report are dropped).
_REASONS = {
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
_BLOCKING = {
    "media-empty",
    "media-needed",
    "media-jam",
    "toner-empty",
    "marker-supply-empty",
    "cover-open",
    "door-open",
    "offline",
}


class PrintingUnavailable(RuntimeError):
    """CUPS is not installed or not running here."""


@dataclass(frozen=True)
class PrinterStatus:
    name: str
    exists: bool
    state: str  # idle / printing / stopped / missing / unavailable
    accepting: bool = False
    is_default: bool = False
    reasons: list[str] = field(default_factory=list)
    message: str = ""  # English, for the CLI and logs
    message_zh: str = ""  # for the screen

    @property
    def ready(self) -> bool:
        """True when a job sent now would print now."""
        blocked = any(r in _BLOCKING for r in self.reasons)
        return self.exists and self.accepting and self.state != "stopped" and not blocked


def _run(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    if shutil.which(args[0]) is None:
        raise PrintingUnavailable(f"'{args[0]}' not found: CUPS is not installed")
    env = {**os.environ, "LANG": "C", "LC_ALL": "C"}
    try:
        return subprocess.run(args, input=stdin, capture_output=True, timeout=TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired as exc:
        raise PrintingUnavailable(f"'{args[0]}' did not answer in {TIMEOUT_S} s") from exc


def default_printer() -> str | None:
    out = _run(["lpstat", "-d"]).stdout.decode(errors="replace")
    m = re.search(r"system default destination:\s*(\S+)", out)
    return m.group(1) if m else None


def list_printers() -> list[PrinterStatus]:
    """Every queue CUPS knows, with its state."""
    result = _run(["lpstat", "-e"])
    names = result.stdout.decode(errors="replace").split()
    return [printer_status(n) for n in names]


def _clean_reason(reason: str) -> str:
    for suffix in ("-error", "-warning", "-report"):
        reason = reason.removesuffix(suffix)
    return reason


def printer_status(name: str | None = None) -> PrinterStatus:
    """The state of one queue (the system default when ``name`` is None)."""
    try:
        default = default_printer()
    except PrintingUnavailable as exc:
        return PrinterStatus(
            name or "",
            False,
            "unavailable",
            message=str(exc),
            message_zh="这台机器上没有装打印服务，请联系工作人员。",
        )
    target = name or default
    if not target:
        return PrinterStatus(
            "",
            False,
            "missing",
            message="no printer named and no system default printer",
            message_zh="没有设置打印机，请工作人员在打印设置里选一台。",
        )
    result = _run(["lpoptions", "-p", target])
    text = result.stdout.decode(errors="replace")
    if result.returncode != 0 or "printer-state=" not in text:
        return PrinterStatus(
            target,
            False,
            "missing",
            message=f"printer '{target}' does not exist",
            message_zh="找不到打印机，请检查打印机是否接好、开机。",
        )
    options = dict(part.partition("=")[::2] for part in shlex.split(text))
    state = _STATES.get(options.get("printer-state", ""), "unknown")
    reasons = [_clean_reason(r) for r in options.get("printer-state-reasons", "").split(",")]
    reasons = [r for r in reasons if r and r != "none"]
    accepting = options.get("printer-is-accepting-jobs", "true") == "true"
    if state == "stopped" and "paused" not in reasons:
        reasons.append("paused")
    zh, en = "打印机准备好了。", "ready"
    known = [r for r in reasons if r in _REASONS]
    if known:
        # The most useful reason first: paper before "paused", which CUPS adds to many.
        known.sort(key=lambda r: r == "paused")
        zh, en = _REASONS[known[0]]
    elif not accepting:
        zh, en = "打印机现在不接收打印任务，请工作人员检查。", "queue is rejecting jobs"
    return PrinterStatus(
        target, True, state, accepting, target == default, reasons, f"printer '{target}': {en}", zh
    )


@dataclass(frozen=True)
class SubmittedJob:
    printer: str
    job_id: str


def submit_pdf(pdf: bytes, printer: str, *, title: str, copies: int = 1) -> SubmittedJob:
    """Send a PDF to a queue; raises PrintingUnavailable with lp's own words on failure."""
    args = ["lp", "-d", printer, "-t", title, "-n", str(copies), "-o", "media=A4", "-"]
    result = _run(args, stdin=pdf)
    out = result.stdout.decode(errors="replace")
    if result.returncode != 0:
        err = result.stderr.decode(errors="replace").strip() or out.strip()
        raise PrintingUnavailable(f"lp failed: {err}")
    m = re.search(r"request id is (\S+)", out)
    return SubmittedJob(printer, m.group(1) if m else "")
