"""The opening thread pauses for the person at the screen (kiosk/ui/foreground.py)."""

from __future__ import annotations

import threading

import pytest

from kiosk.ui import foreground
from kiosk.ui.foreground import MAX_WAIT_S, QUIET_S, RUN_S, ForegroundFirst


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def make() -> tuple[ForegroundFirst, FakeTime]:
    t = FakeTime()
    return ForegroundFirst(clock=t.clock, sleep=t.sleep), t


def test_no_input_no_pause() -> None:
    first, t = make()
    with first.background():
        first.checkpoint()
    assert t.slept == []


def test_a_tap_pauses_the_opening_thread_for_the_rest_of_the_quiet_time() -> None:
    first, t = make()
    first.touched()
    t.now += 0.05
    with first.background():
        first.checkpoint()
    assert t.slept == [pytest.approx(min(QUIET_S - 0.05, MAX_WAIT_S))]
    assert first.paused_s == pytest.approx(t.slept[0])


def test_steady_input_still_lets_the_opening_thread_run() -> None:
    """Keys every 100 ms for 3 s: the thread pauses at most MAX_WAIT_S at a time and runs
    RUN_S between pauses, so it is never stopped for good."""
    first, t = make()
    start = t.now
    with first.background():
        while t.now - start < 3.0:
            first.touched()
            first.checkpoint()
            t.now += RUN_S  # the thread's own work until its next import
    assert max(t.slept) <= MAX_WAIT_S
    running = (t.now - start) - sum(t.slept)
    assert running >= (t.now - start) * RUN_S / (RUN_S + MAX_WAIT_S) - 1e-9


def test_other_threads_and_outside_the_block_never_pause() -> None:
    first, t = make()
    first.touched()
    first.checkpoint()  # not opening
    with first.background():
        other = threading.Thread(target=first.checkpoint)
        other.start()
        other.join()
    assert t.slept == []


def test_pauses_at_the_imports_of_the_opening_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit hook: an import of a module not yet loaded is a checkpoint."""
    first, t = make()
    first.touched()
    monkeypatch.delitem(__import__("sys").modules, "colorsys", raising=False)
    with first.background():
        import colorsys  # noqa: F401

    assert t.slept, "the import did not pause"
    assert foreground._OPENING == []


def test_one_opening_thread_at_a_time() -> None:
    first, _ = make()
    with first.background(), pytest.raises(RuntimeError), first.background():
        pass
