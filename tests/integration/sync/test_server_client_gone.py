"""A client that goes away mid-request (a kiosk's link dropping during a chunk) costs the
server's log one line, not a traceback ("RuntimeError: No response returned.") (brk18b 11)."""

from __future__ import annotations

import socket
import time

from server_process import ServerProcess


def _cut_off(server: ServerProcess, path: str) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        head = (
            f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: 200000\r\n"
            "Authorization: Bearer nobody\r\n\r\n"
        )
        sock.sendall(head.encode() + b"\0" * 1000)
        time.sleep(0.3)


def test_a_request_cut_off_mid_body_is_one_log_line(own_server: ServerProcess) -> None:
    for path in (
        "/api/v1/attachments/00000000-0000-4000-8000-000000000000/chunks/0",
        "/desk/login",
    ):
        _cut_off(own_server, path)
    time.sleep(1.0)
    own_server.stop()
    log = own_server.log.read_text()
    assert "No response returned" not in log
    assert "Traceback" not in log
