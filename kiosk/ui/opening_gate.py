"""The kiosk as it opens in the background (issue 19): operations that need the store wait
here, on the operation thread, while the screens that need nothing stored (home, identify)
are already in use.

kiosk/ui/app.py opens the store on its own thread; the window hands the result over with
``opened(ctx)`` or ``failed(exc)`` (GUI thread). An operation asked for before then runs
on the OpRunner's worker and blocks in ``wait()`` until one of them (or ``close()``).
No Qt here: plain ``threading``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.services.context import KioskContext


class KioskNotOpen(Exception):
    """The store could not be opened (``cause`` says why), or the window closed first."""

    def __init__(self, cause: BaseException | None) -> None:
        super().__init__("the kiosk is not open" if cause is None else str(cause))
        self.cause = cause


class OpeningGate:
    """Holds the opened kiosk, or why it could not open; ``wait()`` blocks until either."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._ctx: KioskContext | None = None
        self._error: BaseException | None = None

    @property
    def ctx(self) -> KioskContext | None:
        """The opened kiosk, or None while opening (and after a failure)."""
        return self._ctx

    @property
    def error(self) -> BaseException | None:
        """Why the kiosk could not open, or None."""
        return self._error

    @property
    def settled(self) -> bool:
        """Opened, failed or closed: ``wait()`` no longer blocks."""
        return self._done.is_set()

    def opened(self, ctx: KioskContext) -> None:
        self._ctx = ctx
        self._done.set()

    def failed(self, exc: BaseException) -> None:
        self._error = exc
        self._done.set()

    def close(self) -> None:
        """The window closes: a waiting operation stops waiting (raises KioskNotOpen)."""
        self._done.set()

    def wait(self, timeout_s: float | None = None) -> KioskContext:
        """The opened kiosk, once it is open (any thread but the GUI thread).

        Raises KioskNotOpen when it failed to open, the gate was closed, or ``timeout_s``
        seconds passed first."""
        self._done.wait(timeout_s)
        if self._ctx is None:
            raise KioskNotOpen(self._error)
        return self._ctx
