"""The person at the screen comes first: the background thread that opens the kiosk
(kiosk/ui/app.py) pauses before the modules it imports while a tap or a key is being
answered (issue 19).

Python runs one thread at a time (the GIL). While the opening thread imports SQLAlchemy,
pydantic and the forms (~0.4 s of CPU), the GUI thread gets about half the processor: a
tap on 办事 right after home appeared took ~110 ms to show the identify page, ~55 ms on a
kiosk with nothing opening (measured with bench/first_form_probe.py). A shorter switch
interval did not change it (1 ms, 0.2 ms: the same within noise); the threads simply share
the time. So, while opening:

* input (``touched()``, from the idle watcher's application event filter, GUI thread)
  marks the next ``QUIET_S`` as the person's;
* the opening thread checks before every module it imports (a PEP 578 audit hook on the
  "import" event) and between the steps of opening (``checkpoint()``): inside the
  person's time it sleeps — letting go of the GIL — for at most ``MAX_WAIT_S``, then runs
  at least ``RUN_S`` before it pauses again, so a volunteer typing 18 digits without a
  break still has the store open soon after.

No Qt here: plain ``threading`` and ``sys`` (only kiosk/ui imports Qt; this is used
from there).

Locks: the "import" event comes before the import machinery takes any lock, but the
opening thread may be inside the body of a module it is importing (SQLAlchemy's
``__init__`` importing its parts) and so hold that module's import lock. A GUI thread
importing that very module waits for the pause to end (at most ``MAX_WAIT_S``); the
identify page's modules are imported before the pauses begin (``FIRST_MODULES`` in
kiosk/ui/main_window.py) and import no store or service module.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

QUIET_S = 0.25  # after the last input, the screen's work (build and paint a page), s
MAX_WAIT_S = 0.15  # the longest single pause of the opening thread, s
RUN_S = 0.05  # the least time the opening thread runs between pauses, s


class ForegroundFirst:
    """Shared by the GUI thread (``touched``) and the opening thread (``background``,
    ``checkpoint``). ``clock`` and ``sleep`` are seconds (tests pass fakes)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._person_until = float("-inf")  # the person's time ends (clock s)
        self._ran_since = float("-inf")  # the opening thread last resumed (clock s)
        self._thread: int | None = None  # the opening thread's ident while it opens
        self.paused_s = 0.0  # total time paused (bench and tests)

    def touched(self) -> None:
        """A tap, a key or a drag arrived (GUI thread): the next QUIET_S are the person's."""
        self._person_until = self._clock() + QUIET_S

    def checkpoint(self) -> None:
        """Pause here if the person is being answered (opening thread; a no-op on any
        other thread and outside ``background()``)."""
        if threading.get_ident() != self._thread:
            return
        now = self._clock()
        if now >= self._person_until or now - self._ran_since < RUN_S:
            return
        wait = min(self._person_until - now, MAX_WAIT_S)
        self._sleep(wait)
        self.paused_s += wait
        self._ran_since = self._clock()

    @contextmanager
    def background(self) -> Iterator[None]:
        """The calling thread opens the kiosk inside this block: its imports pause for
        the person. Not re-entrant; one thread at a time (else RuntimeError)."""
        if self._thread is not None:
            raise RuntimeError("another thread is already opening")
        if not _HOOKED:
            sys.addaudithook(_at_import)
            _HOOKED.append(True)
        self._thread = threading.get_ident()
        _OPENING[:] = [self]
        try:
            yield
        finally:
            _OPENING.clear()
            self._thread = None


def _at_import(event: str, args: tuple[object, ...]) -> None:
    """The audit hook (PEP 578): the "import" event is raised before a module not yet in
    ``sys.modules`` is looked for, with no import lock held (unlike a ``sys.meta_path``
    finder, which runs under the global import lock: a pause there stopped every
    import of the GUI thread too)."""
    if event == "import" and _OPENING:
        _OPENING[0].checkpoint()


_OPENING: list[ForegroundFirst] = []  # the one opening now, if any
_HOOKED: list[bool] = []  # audit hooks cannot be removed: added once per process
