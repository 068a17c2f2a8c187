"""A small fault-injecting HTTP proxy on loopback, between the kiosk and the town server.

One request per connection (it answers with ``Connection: close``). Requests whose
path contains ``match`` take the next scripted fault; the rest pass through.

Faults: pass, refuse (close at once, as a server going down), timeout (forward, never
answer), status500, login (a captive portal's 200 HTML page), truncate (forward, cut
the body short), slow (forward, answer late but in time), drop_request (send half the
request body upstream, then cut both sides), drop_response (forward, let the server
commit, cut the connection before the answer), partial (a well-formed answer that
leaves out the last case's result), status503 (unavailable).

Standing faults, for every matching request: ``poison`` (a byte string: a body that
contains it gets 500, as a server whose database fails on one case) and ``max_body``
(a body longer than this gets 413, as nginx's ``client_max_body_size``).
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from collections import deque

FAULTS = (
    "pass",
    "refuse",
    "timeout",
    "status500",
    "status503",
    "login",
    "truncate",
    "slow",
    "drop_request",
    "drop_response",
    "partial",
)
LOGIN_PAGE = (
    b"<html><head><title>Wi-Fi login</title></head>"
    b"<body><form>Please log in to use the network</form></body></html>"
)


def _read_message(sock: socket.socket) -> tuple[bytes, bytes]:
    """(head, body) of one HTTP message with a Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("peer closed before the headers ended")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("peer closed in the middle of the body")
        body += chunk
    return head, body


def _send(sock: socket.socket, data: bytes) -> None:
    # MSG_NOSIGNAL: a peer that hung up must not SIGPIPE the test process (the kiosk CLI,
    # run in-process by other tests, restores SIGPIPE's default action).
    sock.sendall(data, socket.MSG_NOSIGNAL)


def _with_close(head: bytes) -> bytes:
    lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"])


class FaultProxy:
    def __init__(self, upstream_port: int, *, match: str = "/cases/batch") -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.match = match.encode()
        self.faults: deque[str] = deque()
        self.seen: list[str] = []  # the fault each matching request got
        self.hold_s = 5.0  # how long "timeout" keeps the client waiting
        self.slow_s = 0.5
        self.poison: bytes | None = None
        self.max_body: int | None = None
        self.bodies: list[int] = []  # sizes of the matching request bodies seen
        self.requests: list[tuple[str, str]] = []  # (request line, fault) of matching requests
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def script(self, *faults: str) -> None:
        unknown = set(faults) - set(FAULTS)
        assert not unknown, unknown
        self.faults.extend(faults)

    def stop(self) -> None:
        self._stopped.set()
        self._server.close()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            try:
                head, body = _read_message(client)
            except (ConnectionError, OSError):
                return
            fault = "pass"
            if self.match in head.split(b"\r\n", 1)[0]:
                self.bodies.append(len(body))
                if self.max_body is not None and len(body) > self.max_body:
                    fault = "status413"
                elif self.poison is not None and self.poison in body:
                    fault = "status500"
                else:
                    fault = self.faults.popleft() if self.faults else "pass"
                self.seen.append(fault)
                self.requests.append((head.split(b"\r\n", 1)[0].decode(), fault))
            with contextlib.suppress(ConnectionError, OSError):
                self._apply(fault, client, head, body)

    def _apply(self, fault: str, client: socket.socket, head: bytes, body: bytes) -> None:
        if fault == "refuse":
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return  # closing with linger 0 sends a reset, like a dead server
        statuses = {
            "status500": b"500 Internal Server Error",
            "status503": b"503 Service Unavailable",
            "status413": b"413 Request Entity Too Large",
        }
        if fault in statuses:
            _send(
                client,
                b"HTTP/1.1 " + statuses[fault] + b"\r\nContent-Length: 0\r\n"
                b"Connection: close\r\n\r\n",
            )
            return
        if fault == "login":
            _send(
                client,
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                + str(len(LOGIN_PAGE)).encode()
                + b"\r\nConnection: close\r\n\r\n"
                + LOGIN_PAGE,
            )
            return
        with socket.create_connection(self.upstream, timeout=30) as up:
            if fault == "drop_request":
                _send(up, _with_close(head) + b"\r\n\r\n" + body[: len(body) // 2])
                return  # both sides cut mid-upload: the server never sees the whole batch
            _send(up, _with_close(head) + b"\r\n\r\n" + body)
            rhead, rbody = _read_message(up)
        if fault == "timeout":
            self._stopped.wait(self.hold_s)
            return
        if fault == "drop_response":
            return  # the server committed; the kiosk never hears of it
        if fault == "slow":
            time.sleep(self.slow_s)
        if fault == "partial":
            data = json.loads(rbody)
            data["results"] = data["results"][:-1]
            rbody = json.dumps(data).encode()
            rhead = b"\r\n".join(
                b"Content-Length: %d" % len(rbody)
                if line.lower().startswith(b"content-length:")
                else line
                for line in rhead.split(b"\r\n")
            )
        if fault == "truncate":
            _send(client, _with_close(rhead) + b"\r\n\r\n" + rbody[: len(rbody) // 2])
            return
        _send(client, _with_close(rhead) + b"\r\n\r\n" + rbody)
