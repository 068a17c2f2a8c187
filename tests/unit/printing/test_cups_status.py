"""The queue's state in words: missing, paused, out of paper, jammed, a device that does not
answer, a scheduler that does not answer (the scheduler's IPP answers are faked here; the
real ones are in tests/integration/printing/test_print_cups.py)."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.printing import cups

IDLE: dict[str, Any] = {
    "printer-name": "hall",
    "printer-state": 3,
    "printer-state-reasons": "none",
    "printer-state-message": "",
    "printer-is-accepting-jobs": True,
    "device-uri": "socket://192.0.2.7:9100",
}


def fake_cups(
    monkeypatch: pytest.MonkeyPatch,
    attrs: dict[str, Any],
    default: str = "hall",
    answers: bool | None = True,
) -> None:
    def ipp(address: str, resource: str, test: str, **variables: str) -> Any:
        if test == "default":
            return ("successful-ok", [{"printer-name": default}] if default else [])
        if test == "printer":
            if resource.endswith("/hall"):
                return ("successful-ok", [attrs])
            return ("client-error-not-found", [])
        if test == "printers":
            return ("successful-ok", [attrs])
        raise AssertionError(test)

    monkeypatch.setattr(cups, "scheduler_address", lambda: "/run/cups/cups.sock")
    monkeypatch.setattr(cups, "ipp_request", ipp)
    monkeypatch.setattr(cups, "device_answers", lambda uri: answers)


def test_idle_default_printer_is_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_cups(monkeypatch, IDLE)
    status = cups.printer_status()
    assert status.name == "hall" and status.is_default and status.ready
    assert status.message_zh == "打印机准备好了。"
    assert status.device_answers is True


def test_out_of_paper(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_cups(monkeypatch, {**IDLE, "printer-state-reasons": ["media-empty-error", "media-needed"]})
    status = cups.printer_status("hall")
    assert not status.ready
    assert "没纸" in status.message_zh
    assert "out of paper" in status.message


def test_paused_queue_and_paper_jam(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_cups(monkeypatch, {**IDLE, "printer-state": 5, "printer-state-reasons": "paused"})
    status = cups.printer_status("hall")
    assert status.state == "stopped" and not status.ready
    assert "暂停" in status.message_zh and "paused" in status.message
    fake_cups(monkeypatch, {**IDLE, "printer-state-reasons": ["paused", "media-jam-error"]})
    assert "卡纸" in cups.printer_status("hall").message_zh  # the cause before "paused"


def test_a_device_that_does_not_answer_is_not_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    message = "The printer may not exist or is unavailable at this time."
    fake_cups(
        monkeypatch,
        {**IDLE, "printer-state": 4, "printer-state-message": message},
        answers=False,
    )
    status = cups.printer_status("hall")
    assert status.exists and status.accepting and not status.ready
    assert status.device_answers is False
    assert "does not answer at 192.0.2.7:9100" in status.message
    assert "没有响应" in status.message_zh
    assert status.state_message == message  # the queue's own words, for `kiosk printers`


def test_missing_printer_and_no_default(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_cups(monkeypatch, IDLE)
    status = cups.printer_status("basement")
    assert not status.exists and status.state == "missing"
    assert "does not exist" in status.message and "找不到打印机" in status.message_zh
    fake_cups(monkeypatch, IDLE, default="")
    assert "no system default" in cups.printer_status().message


def test_a_scheduler_that_does_not_answer_is_not_a_missing_printer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def ipp(*_args: Any, **_kwargs: Any) -> Any:
        raise cups.SchedulerUnreachable("the CUPS scheduler at localhost:631 does not answer")

    monkeypatch.setattr(cups, "scheduler_address", lambda: "localhost:631")
    monkeypatch.setattr(cups, "ipp_request", ipp)
    status = cups.printer_status("hall")
    assert status.state == "unreachable" and not status.ready
    assert "does not exist" not in status.message and "does not answer" in status.message
    assert "打印服务没有响应" in status.message_zh
    with pytest.raises(cups.SchedulerUnreachable):
        cups.list_printers()


def test_no_cups_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cups.shutil, "which", lambda name: None)
    status = cups.printer_status()
    assert status.state == "unavailable" and "not installed" in status.message
