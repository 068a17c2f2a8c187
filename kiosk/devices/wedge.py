"""Card readers that type like a keyboard ("keyboard wedge"), told apart from a person by timing.

The cheap USB readers a hall buys read the chip and type what they found, followed by
Enter: the number alone, or the name and the number (``张德明 500225194103080133``,
sometimes with a comma or a tab between). A reader sends its characters a few
milliseconds apart; a person, even a fast one on the keypad, takes well over 50 ms per
key. :class:`KeystrokeBurst` times the keys on the identify page and, at Enter, says
whether they came from a reader. The typed-by-hand path stays a typed number: it shows
masked data only (DESIGN.md "Who may see what").

A wedge read proves a card was at the kiosk as far as the kiosk can know; a USB device
replaying keystrokes could fake it, which docs/privacy.md lists as a residual risk.
"""

from __future__ import annotations

import itertools
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.domain.errors import DomainError
from kiosk.domain.id_card_chip import IdCardData
from kiosk.domain.idcard import normalize_id_text, parse_id_number

_ID_IN_TEXT = re.compile(r"\d{17}[\dXx]")
_SEPARATORS = " \t,，;；|:："


@dataclass(frozen=True)
class WedgeTiming:
    """When keys count as a reader's: at least ``min_chars`` keys, a median gap of at most
    ``median_gap_ms`` and no gap over ``max_gap_ms`` (field readers: 2-15 ms per key)."""

    min_chars: int = 15
    median_gap_ms: float = 30.0
    max_gap_ms: float = 120.0
    # A pause this long starts a new burst (what came before was typed by hand).
    reset_after_ms: float = 1000.0


class KeystrokeBurst:
    """Collects the keys of one entry with their times; :meth:`finish` judges them at Enter.

    ``clock`` returns seconds (``time.monotonic`` by default; tests pass their own).
    """

    def __init__(
        self, timing: WedgeTiming | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.timing = timing or WedgeTiming()
        self._clock = clock
        self._times: list[float] = []
        self._text: list[str] = []

    def key(self, text: str) -> None:
        """One key press that produced ``text`` (empty for keys like Backspace)."""
        now = self._clock()
        if self._times and (now - self._times[-1]) * 1000 > self.timing.reset_after_ms:
            self.reset()
        if text == "\b" or not text:
            self.reset()  # a correction: a person is typing
            return
        self._times.append(now)
        self._text.append(text)

    def reset(self) -> None:
        self._times.clear()
        self._text.clear()

    def finish(self) -> str | None:
        """At Enter: the burst's text when it came from a reader, else None. Resets."""
        times, text = list(self._times), "".join(self._text)
        self.reset()
        t = self.timing
        if len(times) < t.min_chars:
            return None
        gaps = [(b - a) * 1000 for a, b in itertools.pairwise(times)]
        if statistics.median(gaps) > t.median_gap_ms or max(gaps) > t.max_gap_ms:
            return None
        return text


def parse_wedge_text(text: str) -> IdCardData | None:
    """``张德明 500225194103080133`` or the number alone → IdCardData (not ``complete``);
    None when no valid ID number is in the text."""
    flat = normalize_id_text(text)
    found = _ID_IN_TEXT.search(flat)
    if found is None:
        return None
    try:
        number = parse_id_number(found.group(0)).number
    except DomainError:
        return None
    name = flat[: found.start()].strip(_SEPARATORS)
    rest = flat[found.end() :].strip(_SEPARATORS)
    if not name and rest and not any(ch.isdigit() for ch in rest):
        name = rest  # some readers send the number first, then the name
    name = "".join(ch for ch in name if not ch.isdigit()).strip(_SEPARATORS)
    return IdCardData(id_number=number, name=name[:15])
