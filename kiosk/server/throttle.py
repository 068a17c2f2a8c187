"""Throttling of failed credentials per client address, with a growing delay.

After FREE_FAILURES wrong codes, tokens or signatures from one address, that address
must wait before its next try: 0.5 s, doubling with every further failure, capped at
5 minutes. A waiting client gets ``429`` with ``Retry-After`` and its attempt is not
looked at. An address is forgotten an hour after its last failure.

Enrollment codes are checked only when the client is not waiting (so a waiting client
learns nothing about its guess). A valid bearer token is never throttled: 256 random
bits cannot be guessed, and a stranger on the hall's shared address must not be able to
lock the hall's kiosks out; only wrong tokens count and are refused.

The state is per server process (in memory): N processes allow N times the failures,
which keeps the guessing rate as low as it needs to be without a database write for
every failure.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

FREE_FAILURES = 5
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 300.0
FORGET_AFTER_S = 3600.0


@dataclass
class _Client:
    failures: int = 0
    last_failure: float = 0.0
    blocked_until: float = 0.0


class Throttle:
    def __init__(self, clock: object = time.monotonic) -> None:
        self._clock = clock
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    def _now(self) -> float:
        return float(self._clock())  # type: ignore[operator]

    def wait_s(self, client: str) -> float:
        """Seconds ``client`` must still wait (0: it may try now)."""
        with self._lock:
            entry = self._clients.get(client)
            if entry is None:
                return 0.0
            return max(0.0, entry.blocked_until - self._now())

    def failed(self, client: str) -> float:
        """Record a failure; return the seconds the client must now wait."""
        now = self._now()
        with self._lock:
            if len(self._clients) > 10000:
                self._forget(now)
            entry = self._clients.setdefault(client, _Client())
            if now - entry.last_failure > FORGET_AFTER_S:
                entry.failures = 0
            entry.failures += 1
            entry.last_failure = now
            over = entry.failures - FREE_FAILURES
            delay = 0.0 if over <= 0 else min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** min(over - 1, 20))
            entry.blocked_until = max(entry.blocked_until, now + delay)
            return delay

    def _forget(self, now: float) -> None:
        old = [k for k, v in self._clients.items() if now - v.last_failure > FORGET_AFTER_S]
        for key in old:
            del self._clients[key]


def retry_after(seconds: float) -> str:
    """The Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
