"""The queue's state in words: missing, paused, out of paper, jammed (CUPS output faked)."""

from __future__ import annotations

import subprocess

import pytest

from kiosk.printing import cups

IDLE = (
    "copies=1 device-uri=cups-pdf:/ printer-is-accepting-jobs=true "
    "printer-make-and-model='Generic CUPS-PDF Printer (w/ options)' printer-state=3 "
    "printer-state-reasons=none"
)


def fake_cups(monkeypatch: pytest.MonkeyPatch, lpoptions: str, default: str = "hall") -> None:
    def run(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        if args[:2] == ["lpstat", "-d"]:
            out = (
                f"system default destination: {default}\n"
                if default
                else "no system default destination\n"
            )
            return subprocess.CompletedProcess(args, 0, out.encode(), b"")
        if args[0] == "lpoptions":
            code = 0 if args[2] == "hall" else 1
            return subprocess.CompletedProcess(
                args, code, lpoptions.encode() if code == 0 else b"", b""
            )
        raise AssertionError(args)

    monkeypatch.setattr(cups, "_run", run)


def test_idle_default_printer_is_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_cups(monkeypatch, IDLE)
    status = cups.printer_status()
    assert status.name == "hall" and status.is_default and status.ready
    assert status.message_zh == "打印机准备好了。"


def test_out_of_paper(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_cups(monkeypatch, IDLE.replace("reasons=none", "reasons=media-empty-error,media-needed"))
    status = cups.printer_status("hall")
    assert not status.ready
    assert "缺纸" in status.message_zh or "没纸" in status.message_zh
    assert "out of paper" in status.message


def test_paused_queue_and_paper_jam(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_cups(
        monkeypatch, IDLE.replace("state=3", "state=5").replace("reasons=none", "reasons=paused")
    )
    status = cups.printer_status("hall")
    assert status.state == "stopped" and not status.ready
    assert "暂停" in status.message_zh and "paused" in status.message
    fake_cups(monkeypatch, IDLE.replace("reasons=none", "reasons=paused,media-jam-error"))
    assert "卡纸" in cups.printer_status("hall").message_zh  # the cause before "paused"


def test_missing_printer_and_no_default(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_cups(monkeypatch, IDLE)
    status = cups.printer_status("basement")
    assert not status.exists and status.state == "missing"
    assert "does not exist" in status.message and "找不到打印机" in status.message_zh
    fake_cups(monkeypatch, IDLE, default="")
    assert "no system default" in cups.printer_status().message


def test_no_cups_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cups.shutil, "which", lambda name: None)
    status = cups.printer_status()
    assert status.state == "unavailable" and "not installed" in status.message
