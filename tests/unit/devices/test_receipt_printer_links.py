"""Receipt printers: a USB printer that is not there (or pyusb missing) is a clear
error with no traceback from python-escpos's ``__del__``; a network printer that drops
the connection mid-slip is a failure, not a printed slip (brk18b 5, 6)."""

from __future__ import annotations

import gc
import socket
import struct
import sys
import threading
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from kiosk.devices.receipt_printer import ReceiptPrinterError, send_receipt

SLIP = b"\x1b@" + b"\x1dv0\x00" + bytes(200_000) + b"\x1dV\x00"


@pytest.fixture
def unraisable() -> Iterator[list[Any]]:
    seen: list[Any] = []
    old, sys.unraisablehook = sys.unraisablehook, seen.append
    try:
        yield seen
    finally:
        gc.collect()
        sys.unraisablehook = old


def test_a_usb_printer_not_there_is_a_clear_error_without_a_del_traceback(
    unraisable: list[Any],
) -> None:
    with pytest.raises(ReceiptPrinterError, match=r"receipt printer usb 0416:5011"):
        send_receipt("usb:0416:5011", SLIP)
    gc.collect()
    assert unraisable == []


def test_usb_without_pyusb_or_with_bad_ids_is_refused_clearly(unraisable: list[Any]) -> None:
    with (
        mock.patch("importlib.util.find_spec", return_value=None),
        pytest.raises(ReceiptPrinterError, match="need pyusb"),
    ):
        send_receipt("usb:0416:5011", SLIP)
    with pytest.raises(ReceiptPrinterError, match="expected usb:VID:PID"):
        send_receipt("usb:printer", SLIP)
    gc.collect()
    assert unraisable == []


def _printer(*, take: int | None, answer: bytes = b"") -> tuple[int, threading.Thread]:
    """A raw-port printer on loopback that reads ``take`` bytes then drops the line (None:
    reads the whole slip and its status query, answers ``answer``)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            got = 0
            while take is None or got < take:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                got += len(chunk)
                if take is None and got >= len(SLIP) + 3:
                    conn.sendall(answer)
                    conn.recv(1)  # wait for the kiosk to close
                    break
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server.getsockname()[1], thread


def test_a_network_printer_that_drops_mid_slip_is_a_failure() -> None:
    port, thread = _printer(take=4096)
    with pytest.raises(ReceiptPrinterError, match="connection"):
        send_receipt(f"net:127.0.0.1:{port}", SLIP)
    thread.join(5)


def test_a_network_printer_that_answers_its_status_has_printed() -> None:
    port, thread = _printer(take=None, answer=b"\x16")
    send_receipt(f"net:127.0.0.1:{port}", SLIP)
    thread.join(5)
