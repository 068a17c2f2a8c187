"""The system printer queue through CUPS: queue and job state, submitting, cancelling.

State comes from the scheduler over IPP with ``ipptool`` (CUPS's own IPP client,
Debian package cups-ipp-utils), whose answers are XML property lists (``-X``), so
nothing depends on the wording of ``lpstat``; jobs go in with ``lp`` and out with
``cancel``. The scheduler's address is the one ``lp`` uses (``lpstat -H``: the
CUPS_SERVER variable, client.conf, else the local socket). A scheduler that does
not answer is reported as such (:class:`SchedulerUnreachable`), never as a missing
printer. Whether the queue's device answers is probed separately (kiosk.printing.
cups_device). Every outcome carries a Chinese message for the screen and an English
one for the CLI and logs. Queue words: kiosk.printing.cups_words.
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from kiosk.printing.cups_device import device_answers
from kiosk.printing.cups_words import explain_queue

TIMEOUT_S = 20
IPP_TIMEOUT_S = 10
# IPP printer-state (RFC 8011 5.4.11).
PRINTER_STATES = {3: "idle", 4: "printing", 5: "stopped"}
_PRINTER_ATTRS = (
    "printer-name,printer-state,printer-state-reasons,printer-state-message,"
    "printer-is-accepting-jobs,device-uri"
)


def _test(operation: str, attrs: str, *extra: str) -> str:
    """An ipptool test file: one request with the operation attributes CUPS expects."""
    lines = [
        "{",
        f"NAME {operation}",
        f"OPERATION {operation}",
        "GROUP operation-attributes-tag",
        "ATTR charset attributes-charset utf-8",
        "ATTR naturalLanguage attributes-natural-language en",
        "ATTR name requesting-user-name $user",
        *extra,
        f"ATTR keyword requested-attributes {attrs}",
        "}",
    ]
    return "\n".join(lines) + "\n"


_PRINTER_URI = "ATTR uri printer-uri $uri"
_TESTS = {
    "printer": _test("Get-Printer-Attributes", _PRINTER_ATTRS, _PRINTER_URI),
    "printers": _test("CUPS-Get-Printers", _PRINTER_ATTRS),
    "default": _test("CUPS-Get-Default", "printer-name"),
    "job": _test(
        "Get-Job-Attributes",
        "job-state,job-state-reasons,job-printer-state-message",
        _PRINTER_URI,
        "ATTR integer job-id $job_id",
    ),
}


class PrintingUnavailable(RuntimeError):
    """CUPS (or one of its command-line tools) is not installed here."""


class SchedulerUnreachable(PrintingUnavailable):
    """The CUPS scheduler does not answer at its address (cupsd stopped or unreachable)."""


@dataclass(frozen=True)
class PrinterStatus:
    name: str
    exists: bool
    state: str  # idle / printing / stopped / missing / unavailable / unreachable
    accepting: bool = False
    is_default: bool = False
    reasons: list[str] = field(default_factory=list)
    message: str = ""  # English, for the CLI and logs
    message_zh: str = ""  # for the screen
    state_message: str = ""  # the queue's own printer-state-message, as CUPS words it
    device_uri: str = ""
    device_answers: bool | None = None  # None: cannot tell for this kind of device

    @property
    def ready(self) -> bool:
        """True when a job sent now would print now (as far as CUPS and the device tell)."""
        from kiosk.printing.cups_words import BLOCKING

        blocked = any(r in BLOCKING for r in self.reasons)
        return (
            self.exists
            and self.accepting
            and self.state not in ("stopped", "missing", "unavailable", "unreachable")
            and not blocked
            and self.device_answers is not False
        )


def _run(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    if shutil.which(args[0]) is None:
        package = "cups-ipp-utils" if args[0] == "ipptool" else "cups-client"
        raise PrintingUnavailable(f"'{args[0]}' not found: CUPS is not installed ({package})")
    env = {**os.environ, "LANG": "C", "LC_ALL": "C"}
    try:
        return subprocess.run(args, input=stdin, capture_output=True, timeout=TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired as exc:
        raise PrintingUnavailable(f"'{args[0]}' did not answer in {TIMEOUT_S} s") from exc


def scheduler_address() -> str:
    """Where ``lp`` talks to the scheduler: ``/run/cups/cups.sock`` or ``host:port``."""
    out = _run(["lpstat", "-H"]).stdout.decode(errors="replace").strip()
    return out or "localhost:631"


def _base_uri(address: str) -> str:
    if address.startswith("/"):
        return "ipp://" + quote(address, safe="")  # ipptool's form for a domain socket
    return f"ipp://{address if ':' in address.rsplit(']', 1)[-1] else address + ':631'}"


def ipp_request(
    address: str, resource: str, test: str, **variables: str
) -> tuple[str, list[dict[str, Any]]]:
    """One IPP request through ipptool: (status code keyword, response attribute groups)."""
    with tempfile.NamedTemporaryFile("w", suffix=".test", delete=False) as fh:
        fh.write(_TESTS[test])
    try:
        args = ["ipptool", "-X", "-T", str(IPP_TIMEOUT_S)]
        for name, value in variables.items():
            args += ["-d", f"{name}={value}"]
        result = _run([*args, _base_uri(address) + resource, fh.name])
    finally:
        os.unlink(fh.name)
    raw = result.stdout
    end = raw.find(b"</plist>")
    try:
        answer = plistlib.loads(raw[: end + len(b"</plist>")]) if end >= 0 else {}
    except Exception as exc:  # plistlib raises expat errors, ValueError...
        raise PrintingUnavailable(f"ipptool's answer does not read: {exc}") from exc
    tests = answer.get("Tests") or []
    if not tests:
        error = answer.get("ErrorMessage") or result.stderr.decode(errors="replace").strip()
        raise SchedulerUnreachable(
            f"the CUPS scheduler at {address} does not answer ({error or 'no answer'})"
        )
    groups = [g for g in tests[0].get("ResponseAttributes", []) if isinstance(g, dict)]
    return str(tests[0].get("StatusCode", "")), groups[1:]


def _reasons(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    out = []
    for item in items:
        reason = str(item)
        for suffix in ("-error", "-warning", "-report"):
            reason = reason.removesuffix(suffix)
        if reason and reason != "none":
            out.append(reason)
    return out


def _status_of(attrs: dict[str, Any], default: str | None, *, probe: bool) -> PrinterStatus:
    name = str(attrs.get("printer-name", ""))
    state = PRINTER_STATES.get(int(attrs.get("printer-state", 0) or 0), "unknown")
    reasons = _reasons(attrs.get("printer-state-reasons"))
    accepting = bool(attrs.get("printer-is-accepting-jobs", True))
    if state == "stopped" and "paused" not in reasons:
        reasons.append("paused")
    uri = str(attrs.get("device-uri", ""))
    answers = device_answers(uri) if probe else None
    en, zh = explain_queue(reasons, accepting, uri, answers)
    return PrinterStatus(
        name,
        True,
        state,
        accepting,
        name == default,
        reasons,
        f"printer '{name}': {en}",
        zh,
        str(attrs.get("printer-state-message", "") or ""),
        uri,
        answers,
    )


def _unreachable(name: str, exc: SchedulerUnreachable) -> PrinterStatus:
    return PrinterStatus(
        name,
        False,
        "unreachable",
        message=str(exc),
        message_zh="打印服务没有响应，请工作人员重新启动打印服务或这台电脑。",
    )


def default_printer(address: str | None = None) -> str | None:
    """The system default queue; SchedulerUnreachable when the scheduler does not answer."""
    address = address or scheduler_address()
    status, groups = ipp_request(address, "/", "default")
    if not status.startswith("successful") or not groups:
        return None
    return str(groups[0].get("printer-name") or "") or None


def list_printers(*, probe: bool = True) -> list[PrinterStatus]:
    """Every queue CUPS knows, with its state; SchedulerUnreachable when it does not answer."""
    address = scheduler_address()
    default = default_printer(address)
    _status, groups = ipp_request(address, "/", "printers")
    return [_status_of(g, default, probe=probe) for g in groups if g.get("printer-name")]


def printer_status(name: str | None = None, *, probe: bool = True) -> PrinterStatus:
    """The state of one queue (the system default when ``name`` is None)."""
    try:
        address = scheduler_address()
        default = default_printer(address)
    except SchedulerUnreachable as exc:
        return _unreachable(name or "", exc)
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
    try:
        status, groups = ipp_request(address, f"/printers/{quote(target)}", "printer")
    except SchedulerUnreachable as exc:
        return _unreachable(target, exc)
    if not status.startswith("successful") or not groups:
        return PrinterStatus(
            target,
            False,
            "missing",
            message=f"printer '{target}' does not exist",
            message_zh="找不到打印机，请工作人员检查打印设置。",
        )
    return _status_of(groups[0], default, probe=probe)


@dataclass(frozen=True)
class SubmittedJob:
    printer: str
    job_id: str  # "queue-17"

    @property
    def number(self) -> int:
        return int(self.job_id.rsplit("-", 1)[-1])


def submit_pdf(pdf: bytes, printer: str, *, title: str, copies: int = 1) -> SubmittedJob:
    """Send a PDF to a queue; raises PrintingUnavailable with lp's own words on failure."""
    args = ["lp", "-d", printer, "-t", title, "-n", str(copies), "-o", "media=A4", "-"]
    result = _run(args, stdin=pdf)
    out = result.stdout.decode(errors="replace")
    if result.returncode != 0:
        err = result.stderr.decode(errors="replace").strip() or out.strip()
        raise PrintingUnavailable(f"lp failed: {err}")
    m = re.search(r"request id is (\S+-\d+)", out)
    if not m:
        raise PrintingUnavailable(f"lp gave no job id: {out.strip()[:100]}")
    return SubmittedJob(printer, m.group(1))


def cancel_job(job: SubmittedJob) -> None:
    """Take a job out of the queue (it must not come out later with nobody there)."""
    _run(["cancel", job.job_id])
