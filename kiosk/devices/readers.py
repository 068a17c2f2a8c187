"""The card reader boundary: one small interface, a table of drivers, a polling thread.

A driver is any object with ``read_card() -> IdCardData | None`` (None: no card on the
reader), ``open()``, ``close()`` and ``describe()``; errors are :class:`ReaderError`.
``open_reader("sam:/dev/ttyUSB0")`` picks the driver by the part before the colon
(setting ``card_reader``); a hall adds a reader by writing a driver and adding it to
:data:`DRIVERS` (docs/devices.md). Keyboard-wedge readers need no driver: the identify
page times their keys (kiosk/devices/wedge.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from kiosk.domain.id_card_chip import IdCardData

log = logging.getLogger(__name__)


class ReaderError(Exception):
    """The reader cannot be opened or answered badly (message without card data)."""


class CardReader(Protocol):
    def open(self) -> None: ...

    def close(self) -> None: ...

    def describe(self) -> str: ...

    def read_card(self) -> IdCardData | None:
        """The card on the reader now, or None; raises ReaderError."""
        ...


def _sam(target: str) -> CardReader:
    from kiosk.devices.sam_serial import DEFAULT_BAUD, SamSerialReader

    port, _, baud = target.partition("@")
    return SamSerialReader(port, baudrate=int(baud) if baud else DEFAULT_BAUD)


# scheme → factory(target). "sam:/dev/ttyUSB0", "sam:COM3@115200".
DRIVERS: dict[str, Callable[[str], CardReader]] = {"sam": _sam}


def open_reader(spec: str) -> CardReader:
    """The reader a ``card_reader`` setting names; ReaderError for an unknown scheme."""
    scheme, sep, target = spec.partition(":")
    if not sep or scheme not in DRIVERS or not target:
        known = ", ".join(f"{name}:PORT" for name in DRIVERS)
        raise ReaderError(f"card_reader {spec!r}: expected one of {known}")
    try:
        return DRIVERS[scheme](target)
    except ValueError as exc:
        raise ReaderError(f"card_reader {spec!r}: {exc}") from exc


class ReaderWatcher:
    """Polls a reader on its own thread and calls ``on_card(card)`` once per card placed.

    A card left on the reader is reported once; taking it away and placing it again
    reports it again. Reader errors are logged (no card data) and retried after
    ``retry_s``. ``on_card`` runs on the watcher's thread: the UI hops to its own.
    """

    def __init__(
        self,
        reader: CardReader,
        on_card: Callable[[IdCardData], None],
        *,
        poll_s: float = 0.3,
        retry_s: float = 3.0,
    ) -> None:
        self.reader = reader
        self.on_card = on_card
        self.poll_s = poll_s
        self.retry_s = retry_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="card-reader", daemon=True)
        self._last: str | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self.reader.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                card = self.reader.read_card()
            except ReaderError as exc:
                log.warning("card reader: %s", exc)
                self._stop.wait(self.retry_s)
                continue
            if card is None:
                self._last = None
            elif card.id_number != self._last:
                self._last = card.id_number
                try:
                    self.on_card(card)
                except Exception:
                    log.exception("card reader subscriber failed")
            self._stop.wait(self.poll_s)
