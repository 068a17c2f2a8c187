"""A SAM ID card reader on a serial port (pyserial): find, select, read; see sam_protocol.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import serial

from kiosk.devices.readers import ReaderError
from kiosk.devices.sam_protocol import (
    FIND,
    READ,
    SELECT,
    SW_FOUND,
    SW_NO_CARD,
    SW_OK,
    SamProtocolError,
    command_frame,
    parse_read_data,
    read_response,
)
from kiosk.domain.id_card_chip import IdCardData

log = logging.getLogger(__name__)
DEFAULT_BAUD = 115200


class SamSerialReader:
    """``read_card()`` → the card on the reader, or None when there is none.

    ``port`` is a device path (/dev/ttyUSB0, COM3). Raises ReaderError when the port
    cannot be opened or the reader answers badly (never with card data in the message).
    """

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = DEFAULT_BAUD,
        timeout_s: float = 1.0,
        serial_factory: Callable[..., Any] = serial.Serial,
    ) -> None:
        self.port = port
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self._factory = serial_factory
        self._serial: Any = None

    def describe(self) -> str:
        return f"SAM serial reader on {self.port} at {self.baudrate} baud"

    def open(self) -> None:
        if self._serial is not None:
            return
        try:
            self._serial = self._factory(self.port, self.baudrate, timeout=self.timeout_s)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise ReaderError(f"cannot open {self.port}: {exc}") from exc

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            finally:
                self._serial = None

    def _ask(self, command: tuple[int, int]) -> tuple[int, bytes]:
        self.open()
        try:
            self._serial.reset_input_buffer()
            self._serial.write(command_frame(command))
            response = read_response(self._serial.read)
        except (serial.SerialException, OSError) as exc:
            self.close()  # unplugged: open again on the next try
            raise ReaderError(f"{self.port}: {exc}") from exc
        except SamProtocolError as exc:
            raise ReaderError(f"{self.port}: {exc}") from exc
        return response.sw3, response.data

    def read_card(self) -> IdCardData | None:
        status, _ = self._ask(FIND)
        if status == SW_NO_CARD:
            return None
        if status != SW_FOUND:
            raise ReaderError(f"{self.port}: find card answered status 0x{status:02X}")
        status, _ = self._ask(SELECT)
        if status != SW_OK:
            return None  # the card was taken away between find and select
        status, data = self._ask(READ)
        if status != SW_OK:
            raise ReaderError(f"{self.port}: read card answered status 0x{status:02X}")
        try:
            return parse_read_data(data)
        except SamProtocolError as exc:
            raise ReaderError(f"{self.port}: {exc}") from exc
