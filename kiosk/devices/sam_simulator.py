"""A simulated SAM card reader on a pseudo-terminal (POSIX), for tests and for trying the
kiosk without hardware: ``port`` is a real serial device path that pyserial opens.

    sim = SimulatedSamReader(); sim.start()
    sim.insert(card)            # the next find-card succeeds
    reader = SamSerialReader(sim.port)
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import tty

from kiosk.devices.sam_protocol import (
    FIND,
    PHOTO_BYTES,
    READ,
    SELECT,
    SW_FOUND,
    SW_NO_CARD,
    SW_OK,
    SamProtocolError,
    build_text_block,
    read_payload,
    response_frame,
)
from kiosk.domain.id_card_chip import IdCardData


class SimulatedSamReader:
    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self._card: IdCardData | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sam-simulator", daemon=True)
        self.commands: list[tuple[int, int]] = []

    def start(self) -> SimulatedSamReader:
        self._thread.start()
        return self

    def insert(self, card: IdCardData) -> None:
        with self._lock:
            self._card = card

    def remove(self) -> None:
        with self._lock:
            self._card = None

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n and not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.1)
            if ready:
                try:
                    data += os.read(self._master, n - len(data))
                except OSError:
                    return data
        return data

    def _answer(self, command: tuple[int, int]) -> bytes:
        with self._lock:
            card = self._card
        if command == FIND:
            return response_frame(SW_FOUND if card else SW_NO_CARD, b"\x00" * 4)
        if command == SELECT:
            return response_frame(SW_OK if card else 0x81, b"\x00" * 8)
        if command == READ and card is not None:
            text = build_text_block(card)
            lengths = len(text).to_bytes(2, "big") + PHOTO_BYTES.to_bytes(2, "big")
            return response_frame(SW_OK, lengths + text + b"\x00" * PHOTO_BYTES)
        return response_frame(0x41)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                payload = read_payload(self._read)
            except SamProtocolError:
                continue
            command = (payload[0], payload[1]) if len(payload) >= 2 else (0, 0)
            self.commands.append(command)
            try:
                os.write(self._master, self._answer(command))
            except OSError:
                return
