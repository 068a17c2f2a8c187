"""The store as it opens in the background (kiosk/ui/opening_gate.py, issue 19): an
operation asked for early waits on its own thread until the kiosk is open, failed, or the
window closed."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from kiosk.config import ConfigError
from kiosk.ui.opening_gate import KioskNotOpen, OpeningGate


def _waiting(gate: OpeningGate) -> tuple[threading.Thread, list[Any]]:
    got: list[Any] = []

    def run() -> None:
        try:
            got.append(gate.wait(timeout_s=30))
        except KioskNotOpen as exc:
            got.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, got


def test_a_wait_ends_when_the_kiosk_is_open() -> None:
    gate = OpeningGate()
    thread, got = _waiting(gate)
    time.sleep(0.05)
    assert got == [] and thread.is_alive() and not gate.settled  # still waiting
    ctx: Any = object()  # what the background thread opened
    gate.opened(ctx)
    thread.join(5)
    assert got == [ctx] and gate.settled and gate.ctx is ctx
    assert gate.wait() is ctx  # no wait once open


def test_a_store_that_failed_to_open_ends_the_wait_with_why() -> None:
    gate = OpeningGate()
    thread, got = _waiting(gate)
    cause = ConfigError("settings.toml: idle_timeout_s: out of bounds")
    gate.failed(cause)
    thread.join(5)
    assert isinstance(got[0], KioskNotOpen) and got[0].cause is cause
    assert gate.error is cause and gate.ctx is None


def test_closing_the_window_ends_the_wait() -> None:
    gate = OpeningGate()
    thread, got = _waiting(gate)
    gate.close()
    thread.join(5)
    assert isinstance(got[0], KioskNotOpen) and got[0].cause is None


def test_a_wait_with_a_limit_gives_up() -> None:
    with pytest.raises(KioskNotOpen):
        OpeningGate().wait(timeout_s=0.01)
