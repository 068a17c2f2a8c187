"""Capped exponential backoff with jitter, for the outbox rows that failed to send."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base_s: float = 2.0
    cap_s: float = 300.0

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after the ``attempts``-th failure: base·2^(n-1), capped, then a
        random 50–100 % of that ("equal jitter"), so kiosks that lost the network together
        do not all come back in the same second."""
        ceiling = min(self.cap_s, self.base_s * 2 ** max(0, min(attempts - 1, 30)))
        return ceiling * (0.5 + 0.5 * (rng or random).random())
